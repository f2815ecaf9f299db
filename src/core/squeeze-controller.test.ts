import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqueezeController } from './squeeze-controller.js';
import { resolveSqueezeOptions } from './squeeze-options.js';
import { parseSlo } from './slo.js';
import { SimulatedTarget, runSimulated, type SimTargetSpec } from './simulated-target.js';
import type { SqueezeOptions } from './squeeze-types.js';

function squeeze(spec: SimTargetSpec, opts: Partial<SqueezeOptions> = {}) {
  const slo = opts.slo ?? [parseSlo('p99<100ms'), parseSlo('errors<1%')];
  const c = new SqueezeController(resolveSqueezeOptions({ minRate: 20, maxRate: 20_000, stepDurationS: 10, ...opts, slo }));
  const target = new SimulatedTarget(spec);
  const run = runSimulated(c, target);
  return { result: c.result(), target, run };
}

test('finds the capacity of a queue within 5% of the truth, in at most 15 steps', () => {
  for (const [i, spec] of [
    { mu: 1000, serviceMs: 5, seed: 1 },
    { mu: 300, serviceMs: 20, seed: 2 },
    { mu: 5000, serviceMs: 2, seed: 3, noise: 0.08 },
    { mu: 800, serviceMs: 10, k: 2, seed: 4 },
  ].entries()) {
    const { result, target } = squeeze(spec);
    const truth = target.trueCapacity(100);
    assert.equal(result.outcome, 'capacity', `target ${i}: ${result.message}`);
    const err = Math.abs(result.capacity_rps! - truth) / truth;
    assert.ok(err <= 0.05, `target ${i}: found ${result.capacity_rps}, truth ${truth.toFixed(1)} (${(err * 100).toFixed(1)}%)`);
    assert.ok(result.steps.length <= 15, `target ${i}: ${result.steps.length} steps`);
    assert.ok(result.ci![0] <= result.capacity_rps! && (result.ci![1] ?? Infinity) >= result.capacity_rps!);
    assert.ok(result.time_over_slo_s / result.duration_s <= 0.2, `target ${i}: ${result.time_over_slo_s}s of ${result.duration_s}s over SLO`);
  }
});

test('decisions are deterministic for a fixed seed', () => {
  const a = squeeze({ mu: 700, serviceMs: 8, noise: 0.1, seed: 7 }).result;
  const b = squeeze({ mu: 700, serviceMs: 8, noise: 0.1, seed: 7 }).result;
  assert.deepEqual(a, b);
});

test('a rate-limited target is bound by the error clause', () => {
  const { result } = squeeze({ mu: 5000, serviceMs: 2, limitRps: 400, seed: 5 });
  assert.equal(result.outcome, 'capacity');
  assert.equal(result.binding_guard, 'errors<1%');
  assert.ok(Math.abs(result.capacity_rps! - 400) / 400 <= 0.05, `found ${result.capacity_rps}`);
});

test('no headroom at the minimum rate ends the search without a capacity', () => {
  const { result } = squeeze({ mu: 15, serviceMs: 50, seed: 1 });
  assert.equal(result.outcome, 'no-headroom');
  assert.equal(result.capacity_rps, null);
  assert.match(result.message, /no headroom at the minimum rate 20 req\/s/);
});

test('a saturated generator is reported as generator-bound, never as capacity', () => {
  const { result } = squeeze({ mu: 5000, serviceMs: 2, seed: 1, generatorMaxRps: 300 });
  assert.equal(result.outcome, 'generator-bound');
  assert.equal(result.capacity_rps, null);
  assert.match(result.message, /generator-bound at \d+/);
});

test('a collapse trips the hard gate: load is back at baseline in the next second', () => {
  const { result, run } = squeeze({ mu: 5000, serviceMs: 2, collapseRps: 700, seed: 3 });
  assert.ok(result.hard_breaches >= 1);
  // Every second offered above the collapse point is followed by at most one more.
  for (let i = 0; i + 1 < run.offered.length; i++) {
    if (run.offered[i]! > 700 && run.offered[i + 1]! > 700) assert.fail(`load stayed above the collapse at seconds ${i}..${i + 1}`);
  }
  assert.equal(result.outcome, 'capacity', result.message);
  assert.ok(result.capacity_rps! <= 700 && result.capacity_rps! >= 700 * 0.9, `found ${result.capacity_rps}`);
});

test('onHardBreach end stops the search with no capacity', () => {
  const { result } = squeeze({ mu: 5000, serviceMs: 2, collapseRps: 700, seed: 3 }, { onHardBreach: 'end' });
  assert.equal(result.outcome, 'aborted');
  assert.equal(result.capacity_rps, null);
});

test('SLO held up to max-rate gives a lower bound', () => {
  const { result } = squeeze({ mu: 5000, serviceMs: 2, seed: 1 }, { maxRate: 500 });
  assert.equal(result.outcome, 'max-rate');
  assert.equal(result.capacity_rps, 500);
  assert.equal(result.ci![1], null);
});

test('a tail-only spike far below the limit is repeated as a stall, not taken as the limit', () => {
  const sim = new SimulatedTarget({ mu: 1000, serviceMs: 5, seed: 1 });
  // A 3-second stall of the machine during the third step: p99 × 30, the median untouched.
  const stalled = {
    second(rate: number) {
      const s = sim.second(rate);
      if (s.t >= 26 && s.t <= 28) s.latency_ms = { ...s.latency_ms, p99: s.latency_ms.p99 * 30, p999: s.latency_ms.p999 * 30 };
      return s;
    },
  };
  const c = new SqueezeController(resolveSqueezeOptions({ slo: [parseSlo('p99<100ms')], minRate: 20, maxRate: 20_000, stepDurationS: 10 }));
  runSimulated(c, stalled);
  const r = c.result();
  assert.ok(r.steps.some((s) => /probable stall/.test(s.note)), JSON.stringify(r.steps.map((s) => s.note)));
  assert.equal(r.outcome, 'capacity');
  assert.ok(Math.abs(r.capacity_rps! - sim.trueCapacity(100)) / sim.trueCapacity(100) <= 0.05, `found ${r.capacity_rps}`);
});

test('a target whose latency is flat up to its limit is caught by its growing backlog', () => {
  // Like a fixed-service-time queue: p99 barely moves below mu, then requests pile up.
  const { result, target } = squeeze({ mu: 400, serviceMs: 20, k: 0.02, seed: 6 }, { slo: [parseSlo('p99<200ms'), parseSlo('errors<1%')], minRate: 25, stepDurationS: 5 });
  assert.equal(result.outcome, 'capacity', result.message);
  const err = Math.abs(result.capacity_rps! - target.trueCapacity(200)) / target.trueCapacity(200);
  assert.ok(err <= 0.03, `found ${result.capacity_rps}`);
  // No step above mu may pass, whatever its latency said.
  for (const s of result.steps) if (s.offered_rps! > 400 * 1.02) assert.notEqual(s.verdict, 'good', `step ${s.index} at ${s.offered_rps}`);
  assert.ok(result.steps.filter((s) => s.verdict === 'bad').length <= 2, JSON.stringify(result.steps.map((s) => [s.offered_rps, s.verdict])));
  assert.ok(!result.steps.some((s) => /probable stall/.test(s.note)), 'a saturated target is not a stall');
});

test('after a hard breach, a saturated target is probed between the last good rate and what it served, above bisection', () => {
  // A 2× ramp step lands far past the limit; the target still served ~mu in that second.
  const { result } = squeeze({ mu: 400, serviceMs: 20, k: 0.02, seed: 1 }, { slo: [parseSlo('p99<100ms')], minRate: 75, stepDurationS: 5 });
  const i = result.steps.findIndex((s) => s.verdict === 'hard-breach');
  assert.ok(i > 0, 'the overshoot trips the gate');
  const next = result.steps[i + 1]!;
  // Last good 300 req/s at ratio ~0.2, 600 offered, 400 served: the secant to 1/ratio = 0 at 400.
  assert.ok(next.offered_rps! < 400 && next.offered_rps! > 360, `next probe at ${next.offered_rps}, expected below the 400 served and above 360`);
  assert.equal(result.outcome, 'capacity');
  assert.ok(Math.abs(result.capacity_rps! - 400) / 400 <= 0.03, `found ${result.capacity_rps}`);
});

test('the confirm soak runs one resolution below the capacity it confirms', () => {
  const { result } = squeeze({ mu: 1000, serviceMs: 5, seed: 1 });
  const confirm = result.steps.filter((s) => s.phase === 'confirm').at(-1)!;
  assert.equal(result.outcome, 'capacity');
  assert.equal(confirm.offered_rps, Math.round(result.capacity_rps! * 0.98 * 10) / 10);
  assert.match(result.message, /confirmed by a \d+s soak at [\d.]+ req\/s/);
});
