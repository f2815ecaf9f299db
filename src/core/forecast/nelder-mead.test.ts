import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nelderMead } from './nelder-mead.js';

test('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
  const rosen = (x: Float64Array) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2;
  const r = nelderMead(rosen, Float64Array.from([-1.2, 1]), Float64Array.from([0.1, 0.1]), 5000, 1e-14);
  assert.ok(Math.abs(r.x[0]! - 1) < 1e-3 && Math.abs(r.x[1]! - 1) < 2e-3, `got ${Array.from(r.x)}`);
});
