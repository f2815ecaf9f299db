import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from './compare-runs.js';
import type { RunSummary } from './load-types.js';

const summary = (achieved: number, p99: number, errors: number): RunSummary => ({
  requests: 1000, duration_s: 10, rate: { target: 100, achieved },
  latency_ms: { p50: 1, p90: 2, p99, p999: p99 * 2, max: 50, mean: 1 },
  service_ms: { p50: 1, p90: 2, p99, p999: p99 * 2, max: 50, mean: 1 },
  errors: { total: errors, by_kind: {} }, status: {}, bytes: { in: 0, out: 0 }, late: 0, dropped: 0,
  generator_saturated: false, generator_notes: [], thresholds: [],
});

test('compareRuns gives differences and relative changes of b against a', () => {
  const c = compareRuns({ summary: summary(100, 20, 10), capacity_rps: 900 }, { summary: summary(90, 30, 0), capacity_rps: 810 });
  assert.deepEqual(c.achieved_rps, { a: 100, b: 90, diff: -10, rel: -0.1 });
  assert.equal(c.p99_ms.rel, 0.5);
  assert.equal(c.error_rate.a, 0.01);
  assert.equal(c.error_rate.b, 0);
  assert.ok(Math.abs(c.capacity_rps.rel! + 0.1) < 1e-12);
});

test('compareRuns leaves missing figures null instead of inventing them', () => {
  const c = compareRuns({ summary: null }, { summary: summary(90, 30, 0) });
  assert.deepEqual(c.p99_ms, { a: null, b: 30, diff: null, rel: null });
  assert.deepEqual(c.capacity_rps, { a: null, b: null, diff: null, rel: null });
});
