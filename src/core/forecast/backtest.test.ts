import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtest } from './backtest.js';
import { makeContext } from './context.js';

test('backtest scores every model and replays the plan', () => {
  const n = 24 * 7 * 5;
  const y = new Float64Array(n).map((_, i) => 1000 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 24)) + 50 * Math.sin(i * 1.7));
  const r = backtest(y, makeContext([24, 168]), { horizon: 24, origins: 3, plan: { perInstanceRps: 100, targetUtil: 0.7, redundancy: { kind: 'n+k', k: 1 }, quantile: 0.99 } });
  assert.equal(r.origins.length, 3);
  const names = r.scores.map((s) => s.name);
  for (const m of ['combination', 'snaive', 'snaive-long', 'ets', 'theta', 'mstl', 'calendar']) assert.ok(names.includes(m), m);
  const comb = r.scores.find((s) => s.name === 'combination')!;
  assert.ok(comb.smape < 10 && comb.cover80! >= 0 && comb.cover80! <= 1);
  assert.equal(r.plan!.replays.length, 3);
  // A q99 plan on a regular series should not have been under-provisioned.
  assert.equal(r.plan!.underRate, 0);
});
