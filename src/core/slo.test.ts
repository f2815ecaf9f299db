import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSlo, parseSlos, measureClause } from './slo.js';
import { HeadroomError } from './errors.js';

test('parses latency and error clauses', () => {
  assert.deepEqual(parseSlo('p99<100ms'), { kind: 'latency', percentile: 'p99', limitMs: 100, expr: 'p99<100ms' });
  assert.deepEqual(parseSlo(' p50 < 0.5s '), { kind: 'latency', percentile: 'p50', limitMs: 500, expr: 'p50<500ms' });
  assert.deepEqual(parseSlo('errors<0.5%'), { kind: 'errors', limitFraction: 0.005, expr: 'errors<0.5%' });
  assert.equal(parseSlo('p99.9<1s').kind, 'latency');
});

test('rejects malformed clauses with one line naming the flag', () => {
  for (const bad of ['', 'p99', 'p99>100ms', 'p98<100ms', 'errors<0%', 'errors<100%', 'p99<0ms', 'p99<100', 'latency<5ms']) {
    assert.throws(() => parseSlo(bad), (e: unknown) => e instanceof HeadroomError && e.code === 'HR_E_BAD_SLO' && e.message.startsWith('--slo:') && !e.message.includes('\n'), bad);
  }
  assert.throws(() => parseSlos(['p99<1ms', 'p99<2ms']), /given more than once/);
  assert.throws(() => parseSlos([]), /at least one/);
});

test('any string either parses or throws HR_E_BAD_SLO (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      try {
        const c = parseSlo(s);
        return c.kind === 'latency' ? c.limitMs > 0 : c.limitFraction > 0 && c.limitFraction < 1;
      } catch (e) {
        return e instanceof HeadroomError && e.code === 'HR_E_BAD_SLO';
      }
    }),
  );
});

test('error rate counts transport failures as requests', () => {
  const s = { errors: { timeout: 5, http_5xx: 5 }, achieved_rps: 95, latency_ms: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 } };
  // 95 responses (5 of them 5xx) + 5 timeouts = 100 requests, 10 failed.
  assert.equal(measureClause(parseSlo('errors<1%'), [s as never]), 0.1);
});
