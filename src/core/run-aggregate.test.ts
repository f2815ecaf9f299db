import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLatencyHistogram, encodeHistogram, recordUs, summarizeMs } from './histogram.js';
import { RunAggregate, type ThreadSecond } from './run-aggregate.js';
import { seededRandom } from './seeded-random.js';

function report(worker: number, index: number, values: number[], final = false): ThreadSecond {
  const h = createLatencyHistogram();
  for (const v of values) recordUs(h, v);
  const enc = encodeHistogram(h);
  return {
    worker, index, final, latency: enc, service: enc, responses: values.length, errors: { http_5xx: 1 }, status: { '200': values.length },
    bytesIn: 10, bytesOut: 5, sent: values.length, late: 0, dropped: 0, cpu: 0.5, loopLagMs: worker, pacingErrorMs: 0.5,
    sendEndMs: final ? 2000 : undefined,
  };
}

test('merges threads exactly: percentiles equal those of one histogram of all values', () => {
  const rng = seededRandom(5);
  const values = [0, 1, 2].map(() => Array.from({ length: 5000 }, () => Math.floor(rng() ** 3 * 2_000_000)));
  const agg = new RunAggregate(3, () => 300);
  const emitted = [];
  for (let w = 0; w < 3; w++) emitted.push(...agg.add(report(w, 0, values[w]!)));
  assert.equal(emitted.length, 1, 'second 1 is emitted once all three threads reported');
  const all = createLatencyHistogram();
  for (const v of values.flat()) recordUs(all, v);
  const merged = emitted[0]!.latency_ms;
  const single = summarizeMs(all);
  for (const k of ['p50', 'p90', 'p99', 'p999', 'mean'] as const) assert.equal(merged[k], single[k], k);
  // HdrHistogram's add() keeps the max at its bucket's highest equivalent value (3 significant digits).
  assert.ok(Math.abs(merged.max - single.max) / single.max < 1e-3, `max ${merged.max} vs ${single.max}`);
  assert.equal(emitted[0]!.achieved_rps, 15000);
  assert.deepEqual(emitted[0]!.errors, { http_5xx: 3 });
  assert.equal(emitted[0]!.generator.loop_lag_ms, 2, 'worst lag of the threads');
});

test('seconds come out in order, and a thread that ended early does not hold them back', () => {
  const agg = new RunAggregate(2, (i) => i * 10);
  assert.deepEqual(agg.add(report(0, 1, [5])), []);
  assert.deepEqual(agg.add(report(1, 0, [5], true)).map((s) => s.t), []);
  assert.deepEqual(agg.add(report(0, 0, [5])).map((s) => s.t), [1, 2]);
  assert.deepEqual(agg.add(report(0, 2, [5], true)).map((s) => s.t), [3]);
  assert.equal(agg.complete, true);
  const s = agg.summary(10);
  assert.equal(s.requests, 4);
  assert.equal(s.duration_s, 2);
  assert.equal(s.rate.achieved, 2);
  assert.equal(s.errors.total, 4);
});
