import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitUsl, uslThroughput, uslPeak } from './usl.js';
import { seededRandom, normal } from './seeded-random.js';

const truth = { sigma: 0.05, kappa: 0.002, lambda: 100 };

test('recovers σ, κ, λ and the peak from noisy points, with CIs that cover the truth', () => {
  const rng = seededRandom(3);
  const pts = [1, 2, 4, 8, 12, 16, 24, 32, 40].map((n) => ({ n, x: uslThroughput(truth, n) * (1 + 0.02 * normal(rng)) }));
  const r = fitUsl(pts, { seed: 1 });
  assert.ok(r.ok);
  const f = r.fit;
  const peak = uslPeak(truth);
  assert.ok(Math.abs(f.lambda - 100) / 100 < 0.05, `λ ${f.lambda}`);
  assert.ok(Math.abs(f.peak_n - peak.n) / peak.n < 0.2, `N* ${f.peak_n} vs ${peak.n}`);
  assert.ok(Math.abs(f.peak_x - peak.x) / peak.x < 0.05, `X* ${f.peak_x} vs ${peak.x}`);
  assert.ok(f.ci.peak_x[0] <= peak.x && peak.x <= f.ci.peak_x[1], `CI ${f.ci.peak_x}`);
  assert.ok(f.r2 > 0.95);
  assert.deepEqual(f.warnings, []);
});

test('exact points are fitted exactly', () => {
  const pts = [1, 2, 3, 5, 8, 13, 21].map((n) => ({ n, x: uslThroughput(truth, n) }));
  const r = fitUsl(pts, { bootstrap: 10 });
  assert.ok(r.ok);
  assert.ok(Math.abs(r.fit.sigma - 0.05) < 1e-4 && Math.abs(r.fit.kappa - 0.002) < 1e-5, JSON.stringify(r.fit));
});

test('refuses with fewer than 6 distinct loads', () => {
  const r = fitUsl([1, 2, 3, 4, 5, 5, 5].map((n) => ({ n, x: 10 * n })));
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /at least 6 distinct loads, got 5/);
});

test('warns when the peak is an extrapolation', () => {
  const pts = [1, 2, 3, 4, 5, 6].map((n) => ({ n, x: uslThroughput(truth, n) }));
  const r = fitUsl(pts, { bootstrap: 20 });
  assert.ok(r.ok);
  assert.match(r.fit.warnings.join(), /extrapolating/);
});
