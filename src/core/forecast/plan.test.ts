import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bottlenecks, fleetCapacity, instancesNeeded, parseRedundancy, parseResources, plan, uslPeakInstances } from './plan.js';

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

test('bottlenecks: the resource with the earliest runway binds first; fan-out scales its demand', () => {
  const D = 86_400_000;
  const times = Array.from({ length: 10 }, (_, i) => (i + 1) * D);
  const demand = times.map((_, i) => 1000 + 100 * i);
  const base = { times, demand, currentDemand: 900, targetUtil: 1, redundancy: { kind: 'n+k' as const, k: 0 }, leadTimeMs: 0, nowMs: 0 };
  const rows = bottlenecks(base, parseResources(JSON.stringify([
    { name: 'api', capacity_rps: 200, instances: 8 }, // 1600 usable: exceeded by 1700 on day 8
    { name: 'db', capacity_rps: 1000, instances: 3, per_demand: 2.5 }, // 3000 usable: exceeded by 3250 on day 4
  ]), 'r.json'));
  assert.deepEqual(rows.map((r) => r.name), ['db', 'api']);
  assert.equal(rows[0]!.plan.runway!.t, 4 * D);
  assert.equal(rows[0]!.plan.current!.demand, 2250);
  assert.equal(rows[1]!.plan.runway!.t, 8 * D);
  assert.throws(() => parseResources('[{"name":"x","capacity_rps":1,"instances":1,"colour":"red"}]', 'r.json'), /unknown field "colour"/);
  assert.throws(() => parseResources('[{"name":"x","capacity_rps":0,"instances":1}]', 'r.json'), /element 0 field "capacity_rps"/);
});
