import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqueezeController } from './squeeze-controller.js';
import { ConcurrencySqueeze } from './concurrency-squeeze.js';
import { resolveSqueezeOptions } from './squeeze-options.js';
import { parseSlo } from './slo.js';
import { SimulatedClosedTarget, SimulatedTarget, runSimulated } from './simulated-target.js';
import { buildSqueezeReport, formatSqueezeReport } from './squeeze-report.js';

test('the report carries the curve, the USL fit on the Little axis, and renders', () => {
  const c = new SqueezeController(resolveSqueezeOptions({ slo: [parseSlo('p99<100ms')], minRate: 20, maxRate: 5000, stepDurationS: 6 }));
  runSimulated(c, new SimulatedTarget({ mu: 1000, serviceMs: 5, seed: 2 }));
  const rep = buildSqueezeReport(c.result());
  assert.equal(rep.steps_count, rep.steps.length);
  assert.ok(rep.curve.length >= 6);
  for (let i = 1; i < rep.curve.length; i++) assert.ok(rep.curve[i]!.achieved_rps >= rep.curve[i - 1]!.achieved_rps);
  assert.match(rep.usl.load_axis, /Little/);
  const text = formatSqueezeReport(rep);
  assert.match(text, /^capacity: \d+(\.\d)? req\/s \(95% CI/);
  assert.match(text, /above the SLO \d+s/);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(rep)));
});

test('a concurrency squeeze fits the USL on virtual users', () => {
  const c = new ConcurrencySqueeze(resolveSqueezeOptions({ mode: 'concurrency', slo: [parseSlo('p99<10s')], stepDurationS: 3, maxConcurrency: 100 }));
  runSimulated(c, new SimulatedClosedTarget({ sigma: 0.02, kappa: 0.001, lambda: 50 }, 0.01, 3));
  const rep = buildSqueezeReport(c.result(), { seed: 1 });
  assert.ok(rep.usl.ok, JSON.stringify(rep.usl));
  if (rep.usl.ok) {
    assert.equal(rep.usl.load_axis, 'virtual users');
    assert.ok(Math.abs(rep.usl.kappa - 0.001) / 0.001 < 0.3, `κ ${rep.usl.kappa}`);
  }
  assert.match(formatSqueezeReport(rep), /at \d+ users/);
});
