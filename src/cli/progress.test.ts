import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSummary, progressLine } from './progress.js';
import type { RunSummary, SecondSample } from '../core/load-types.js';

const lat = { p50: 1, p90: 2, p99: 3.5, p999: 40, max: 1500, mean: 1.2 };

test('a progress line shows elapsed/total, rate, p99, errors and generator saturation', () => {
  const s: SecondSample = {
    t: 7, offered_rps: 1000, achieved_rps: 990, latency_ms: lat, service_ms: lat, errors: { http_5xx: 10 }, status: {},
    bytes_in: 0, bytes_out: 0, late: 3, dropped: 0, generator: { cpu: 1, loop_lag_ms: 0, pacing_error_ms: 0, saturated: true },
  };
  assert.equal(progressLine(s, 30), '[ 7s/30s] 990/1000 req/s  p99 3.50 ms  errors 1.0%  late 3  [generator saturated]');
});

test('the summary names thresholds that failed and a saturated generator', () => {
  const s: RunSummary = {
    requests: 10, duration_s: 1, rate: { target: 10, achieved: 10 }, latency_ms: lat, service_ms: lat,
    errors: { total: 1, by_kind: { timeout: 1 } }, status: { '200': 9 }, bytes: { in: 1, out: 1 }, late: 0, dropped: 0,
    generator_saturated: true, generator_notes: ['cpu busy'], thresholds: [{ expr: 'p99<1ms', ok: false, value: 3.5 }],
  };
  const text = formatSummary(s);
  assert.match(text, /FAIL p99<1ms \(measured 3.5\)/);
  assert.match(text, /GENERATOR SATURATED: cpu busy/);
  assert.match(text, /max 1.50 s/);
});
