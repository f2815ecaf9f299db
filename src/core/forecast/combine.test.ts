import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predict } from './combine.js';
import { makeContext } from './context.js';
import { coverage } from './accuracy.js';

function rng(seed: number) {
  return () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
}
/** Normal noise by Box–Muller from a seeded generator. */
function normal(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

test('combination: beats seasonal naive on noisy daily+weekly data, intervals cover near nominal', () => {
  const r = rng(42);
  const n = 24 * 7 * 8;
  const h = 48;
  let inside80 = 0;
  let inside95 = 0;
  let total = 0;
  let errComb = 0;
  let errNaive = 0;
  for (let s = 0; s < 6; s++) {
    const level = 200 + 300 * r();
    const y = new Float64Array(n + h).map((_, i) => level * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 24)) * (Math.floor(i / 24) % 7 >= 5 ? 0.7 : 1) + 15 * normal(r));
    const train = y.subarray(0, n);
    const actual = y.subarray(n);
    const res = predict(train, makeContext([24, 168]), { horizon: h, quantiles: [0.5, 0.9] });
    inside80 += coverage(actual, res.lo80, res.hi80) * h;
    inside95 += coverage(actual, res.lo95, res.hi95) * h;
    total += h;
    for (let j = 0; j < h; j++) {
      errComb += Math.abs(actual[j]! - res.mean[j]!);
      errNaive += Math.abs(actual[j]! - train[n - 24 + (j % 24)]!);
    }
    for (let j = 0; j < h; j++) assert.ok(res.quantiles[1]![j]! >= res.quantiles[0]![j]!);
    assert.ok(Math.abs(res.scores.reduce((a, x) => a + x.weight, 0) - 1) < 1e-9);
  }
  assert.ok(errComb < 0.9 * errNaive, `combination MAE ${errComb} vs naive ${errNaive}`);
  assert.ok(inside80 / total > 0.65 && inside80 / total < 0.97, `80% coverage ${inside80 / total}`);
  assert.ok(inside95 / total > 0.8, `95% coverage ${inside95 / total}`);
});

test('a too-short series falls back with a warning instead of failing', () => {
  const res = predict(Float64Array.from([5, 6, 7, 6, 5]), makeContext([24]), { horizon: 3, quantiles: [0.9] });
  assert.equal(res.mean.length, 3);
  assert.ok(res.mean.every((v) => Number.isFinite(v)));
  assert.ok(res.warnings.some((w) => /too short/.test(w)), res.warnings.join('; '));
  assert.ok(res.quantiles[0]!.every((v, j) => v >= res.mean[j]!));
});

test('property: any finite series gives finite forecasts with ordered quantiles', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(0), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 400 }),
      fc.integer({ min: 1, max: 60 }),
      fc.constantFrom([], [24], [24, 168], [7]),
      (vals, h, periods) => {
        const res = predict(Float64Array.from(vals), makeContext(periods.filter((p) => 2 * p <= vals.length)), { horizon: h, quantiles: [0.1, 0.5, 0.9, 0.99] });
        assert.equal(res.mean.length, h);
        for (let j = 0; j < h; j++) {
          assert.ok(Number.isFinite(res.mean[j]!), `mean ${res.mean[j]}`);
          for (let k = 0; k < 4; k++) assert.ok(Number.isFinite(res.quantiles[k]![j]!));
          for (let k = 1; k < 4; k++) assert.ok(res.quantiles[k]![j]! >= res.quantiles[k - 1]![j]! - 1e-9 * Math.abs(res.quantiles[k]![j]!));
        }
        if (vals.every((v) => v >= 0)) assert.ok(res.mean.every((v) => v >= 0));
      },
    ),
    { numRuns: 60 },
  );
});

test('known events reach the combination: a holiday in the horizon is forecast lower', async () => {
  const { eventIndex, parseEventsCsv } = await import('./events.js');
  const H = 3_600_000;
  const start = Date.UTC(2024, 0, 1);
  const n = 24 * 7 * 8;
  const days = ['2024-01-10', '2024-01-24', '2024-02-07', '2024-02-21', '2024-02-27'];
  const ev = eventIndex(parseEventsCsv(days.map((d) => `${d},,holiday`).join('\n'), 'e'), start, H, n + 48);
  const r = rng(3);
  const y = new Float64Array(n + 48).map((_, i) => (500 + 300 * Math.sin((2 * Math.PI * i) / 24)) * (ev.index[i]! >= 0 ? 0.5 : 1) * (1 + 0.03 * normal(r)));
  const train = y.subarray(0, n);
  const actual = y.subarray(n);
  const time = { startMs: start, stepMs: H };
  const plain = predict(train, makeContext([24, 168], time), { horizon: 48, quantiles: [] });
  const known = predict(train, makeContext([24, 168], time, ev), { horizon: 48, quantiles: [] });
  const mae = (f: Float64Array) => f.reduce((a, v, j) => a + Math.abs(v - actual[j]!), 0) / 48;
  // 2024-02-27 is the second day of the horizon.
  assert.ok(mae(known.mean) < 0.6 * mae(plain.mean), `with events ${mae(known.mean)} vs without ${mae(plain.mean)}`);
});
