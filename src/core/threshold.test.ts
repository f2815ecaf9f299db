import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateThresholds, parseThreshold } from './threshold.js';
import { HeadroomError } from './errors.js';
import type { RunSummary } from './load-types.js';

const lat = { p50: 2, p90: 5, p99: 120, p999: 300, max: 400, mean: 3 };
const summary: RunSummary = {
  requests: 1000, duration_s: 10, rate: { target: 100, achieved: 99 }, latency_ms: lat,
  service_ms: { ...lat, p99: 20 }, errors: { total: 15, by_kind: { http_5xx: 15 } }, status: { '200': 985, '500': 15 },
  bytes: { in: 0, out: 0 }, late: 0, dropped: 0, generator_saturated: false, generator_notes: [], thresholds: [],
};

test('parses latency, error, rate thresholds with units', () => {
  assert.equal(parseThreshold('p99<250ms').value, 250);
  assert.equal(parseThreshold('p99 < 0.25s').value, 250);
  assert.equal(parseThreshold('p99.9<=1s').metric, 'p999');
  assert.equal(parseThreshold('errors<1%').percent, true);
  assert.equal(parseThreshold('rate>=990').op, '>=');
  assert.equal(parseThreshold('service_p99<50').value, 50);
});

test('evaluates against a summary, reporting the measured value', () => {
  const r = evaluateThresholds(
    ['p99<250ms', 'p99<100ms', 'errors<1%', 'errors<2%', 'rate>=99', 'rate>=990', 'service_p99<50ms', 'errors<=15'].map(parseThreshold),
    summary,
  );
  assert.deepEqual(r.map((x) => x.ok), [true, false, false, true, true, false, true, true]);
  assert.equal(r[2]!.value, 1.5);
  assert.equal(r[0]!.value, 120);
});

test('rejects malformed thresholds naming the flag', () => {
  for (const bad of ['p99', 'p99<', 'p99<abc', 'latency<5ms', 'errors<5ms', 'rate>5%', 'p99<5%', 'p99 = 5']) {
    assert.throws(() => parseThreshold(bad), (e: unknown) =>
      e instanceof HeadroomError && e.code === 'HR_E_BAD_THRESHOLD' && e.message.startsWith('--threshold:'), bad);
  }
});

test('property: any text either parses or fails with HR_E_BAD_THRESHOLD, never anything else', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(fc.string(), (s) => {
      try {
        const t = parseThreshold(s);
        assert.ok(Number.isFinite(t.value));
      } catch (e) {
        assert.ok(e instanceof HeadroomError && e.code === 'HR_E_BAD_THRESHOLD', String(e));
      }
    }),
    { numRuns: 2000 },
  );
});
