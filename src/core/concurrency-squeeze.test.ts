import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencySqueeze } from './concurrency-squeeze.js';
import { resolveSqueezeOptions } from './squeeze-options.js';
import { parseSlo } from './slo.js';
import { SimulatedClosedTarget, runSimulated } from './simulated-target.js';
import { uslPeak } from './usl.js';

const usl = { sigma: 0.03, kappa: 0.0008, lambda: 100 };

test('finds the concurrency that maximises throughput (erlperf-style plateau)', () => {
  const c = new ConcurrencySqueeze(resolveSqueezeOptions({ mode: 'concurrency', slo: [parseSlo('p99<10s')], stepDurationS: 4, maxConcurrency: 200 }));
  runSimulated(c, new SimulatedClosedTarget(usl, 0.02, 5));
  const r = c.result();
  const peak = uslPeak(usl);
  assert.equal(r.outcome, 'capacity', r.message);
  assert.ok(Math.abs(r.capacity_rps! - peak.x) / peak.x < 0.05, `best ${r.capacity_rps} vs peak ${peak.x}`);
  assert.match(r.message, /stopped growing/);
});

test('stops early when the SLO breaks and reports the best pass within it', () => {
  const c = new ConcurrencySqueeze(resolveSqueezeOptions({ mode: 'concurrency', slo: [parseSlo('p99<40ms')], stepDurationS: 4, maxConcurrency: 200 }));
  runSimulated(c, new SimulatedClosedTarget(usl, 0.02, 5));
  const r = c.result();
  assert.equal(r.outcome, 'capacity');
  const last = r.steps[r.steps.length - 1]!;
  assert.notEqual(last.verdict, 'good');
  assert.ok(r.steps.filter((s) => s.concurrency! > r.best_concurrency!).every((s) => s.verdict !== 'good' || s.goodput_rps <= r.capacity_rps! * 1.05));
  const within = r.steps.find((s) => s.concurrency === r.best_concurrency)!;
  assert.ok(within.p99_ms < 40);
});
