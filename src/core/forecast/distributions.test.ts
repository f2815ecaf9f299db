import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qnorm, qt } from './distributions.js';

test('normal and t quantiles match published tables', () => {
  assert.ok(Math.abs(qnorm(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(qnorm(0.1) + 1.281552) < 1e-6);
  assert.ok(Math.abs(qt(0.9, 7) - 1.414924) < 2e-3);
  assert.ok(Math.abs(qt(0.975, 7) - 2.364624) < 5e-3);
});
