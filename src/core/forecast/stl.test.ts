import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mstl, stl } from './stl.js';

test('STL separates a daily cycle from a slow trend', () => {
  const n = 24 * 20;
  const season = (i: number) => 10 * Math.sin((2 * Math.PI * i) / 24);
  const y = new Float64Array(n).map((_, i) => 100 + 0.05 * i + season(i));
  const { seasonal, trend } = stl(y, 24, { sWindow: 11 });
  for (let i = 48; i < n - 48; i++) {
    assert.ok(Math.abs(seasonal[i]! - season(i)) < 0.5, `seasonal at ${i}: ${seasonal[i]} vs ${season(i)}`);
    assert.ok(Math.abs(trend[i]! - (100 + 0.05 * i)) < 0.5);
  }
});

test('MSTL finds both a daily and a weekly component and drops periods longer than n/2', () => {
  const n = 24 * 7 * 5;
  const y = new Float64Array(n).map((_, i) => 50 + 8 * Math.sin((2 * Math.PI * i) / 24) + (Math.floor(i / 24) % 7 >= 5 ? -12 : 3));
  const r = mstl(y, [24, 168]);
  assert.deepEqual(r.periods, [24, 168]);
  let range = 0;
  for (let i = 0; i < n; i++) range = Math.max(range, Math.abs(r.adjusted[i]! - 50 + (5 * 3 - 2 * 12) / 7));
  assert.ok(range < 3, `adjusted series still varies by ${range}`);
  assert.deepEqual(mstl(y.subarray(0, 300), [24, 168]).periods, [24]);
});
