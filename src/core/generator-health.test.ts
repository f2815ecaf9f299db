import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeRun, judgeSecond } from './generator-health.js';
import type { SecondSample } from './load-types.js';

const z = { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
const second = (t: number, cpu: number, lag: number, pacing: number): SecondSample => ({
  t, offered_rps: 100, achieved_rps: 100, latency_ms: z, service_ms: z, errors: {}, status: {}, bytes_in: 0, bytes_out: 0,
  late: 0, dropped: 0, generator: judgeSecond(cpu, lag, pacing),
});

test('a second is saturated on CPU, event-loop lag or pacing error', () => {
  assert.equal(judgeSecond(0.5, 2, 0.6).saturated, false);
  assert.equal(judgeSecond(0.95, 2, 0.6).saturated, true);
  assert.equal(judgeSecond(0.5, 80, 0.6).saturated, true);
  assert.equal(judgeSecond(0.5, 2, 9).saturated, true);
});

test('the run is saturated when more than a fifth of its seconds were, with notes that say why', () => {
  const ok = Array.from({ length: 10 }, (_, i) => second(i + 1, 0.3, 2, 0.6));
  assert.deepEqual(judgeRun(ok), { saturated: false, notes: [] });
  // The first second (warm-up) does not count; one bad second in ten is noise.
  assert.equal(judgeRun([second(1, 1, 200, 20), ...ok.slice(1)]).saturated, false);
  const busy = ok.map((s, i) => (i >= 5 ? second(s.t, 0.99, 2, 7) : s));
  const v = judgeRun(busy);
  assert.equal(v.saturated, true);
  assert.match(v.notes.join('\n'), /CPU in 5 of 9 s \(peak 99%\)/);
  assert.match(v.notes.join('\n'), /behind schedule/);
  const starved = ok.map((s, i) => (i >= 5 ? second(s.t, 0.2, 90, 0.6) : s));
  assert.match(judgeRun(starved).notes.join('\n'), /other processes compete/);
});
