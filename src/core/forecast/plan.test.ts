import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetCapacity, instancesNeeded, parseRedundancy, plan, uslPeakInstances } from './plan.js';

test('instances: ceil(demand / (per-instance × target)) plus redundancy', () => {
  assert.equal(instancesNeeded(1000, 100, 0.7, { kind: 'n+k', k: 0 }), 15);
  assert.equal(instancesNeeded(1000, 100, 0.7, parseRedundancy('n+2')), 17);
  // cells:4 — losing one of 4 cells must leave 15: 4 cells of 5.
  assert.equal(instancesNeeded(1000, 100, 0.7, parseRedundancy('cells:4')), 20);
  assert.throws(() => parseRedundancy('cells:1'), /--redundancy/);
});

test('USL: capacity bends and peaks; needs more instances than linear', () => {
  const usl = { sigma: 0.05, kappa: 0.001 };
  assert.equal(uslPeakInstances(usl), 30);
  assert.ok(fleetCapacity(30, 100, usl) > fleetCapacity(60, 100, usl));
  assert.ok(instancesNeeded(1000, 100, 0.7, { kind: 'n+k', k: 0 }, usl) > 15);
  assert.equal(instancesNeeded(1e6, 100, 0.7, { kind: 'n+k', k: 0 }, usl), Infinity);
});

test('runway: first step above the current fleet, and the act-by date from the lead time', () => {
  const D = 86_400_000;
  const times = Array.from({ length: 10 }, (_, i) => (i + 1) * D);
  const demand = times.map((_, i) => 500 + 100 * i);
  const p = plan({ times, demand, currentDemand: 450, perInstanceRps: 100, instances: 11, targetUtil: 0.8, redundancy: { kind: 'n+k', k: 1 }, leadTimeMs: 3 * D, nowMs: 0 });
  // 10 serving × 100 × 0.8 = 800 usable: exceeded first by 900 at day 5.
  assert.equal(p.runway!.t, 5 * D);
  assert.equal(p.runway!.actBy, 2 * D);
  assert.equal(p.runway!.actNow, false);
  assert.equal(p.peak.demand, 1400);
  assert.equal(p.peak.instances, 19);
  assert.ok(Math.abs(p.current!.headroomPct - (1 - 450 / 800) * 100) < 1e-9);
  assert.ok(p.assumptions.length >= 4);
});
