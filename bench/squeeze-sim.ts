/**
 * The squeeze controller against simulated targets (src/core/simulated-target.ts), many
 * seeds each: no sockets and no machine noise, so it isolates the search strategy's own
 * cost — steps, soft stops above the SLO, time above the SLO — from a shared machine's.
 *
 *   npm run build && node dist/bench/squeeze-sim.js [--seeds 20] [--step-duration 5] [--verbose NAME:SEED]
 */
import { parseArgs } from 'node:util';
import { SqueezeController } from '../src/core/squeeze-controller.js';
import { resolveSqueezeOptions } from '../src/core/squeeze-options.js';
import { parseSlo } from '../src/core/slo.js';
import { SimulatedTarget, runSimulated, type SimTargetSpec } from '../src/core/simulated-target.js';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, 'step-duration': { type: 'string' }, verbose: { type: 'string' } } });
const seeds = Number(values.seeds ?? 20);
const stepS = Number(values['step-duration'] ?? 5);

const SUITE: { name: string; spec: SimTargetSpec; slo: string }[] = [
  { name: 'queue-1000', spec: { mu: 1000, serviceMs: 5 }, slo: 'p99<100ms' },
  { name: 'queue-300', spec: { mu: 300, serviceMs: 20 }, slo: 'p99<100ms' },
  { name: 'noisy-5000', spec: { mu: 5000, serviceMs: 2, noise: 0.08 }, slo: 'p99<100ms' },
  { name: 'flat-800', spec: { mu: 800, serviceMs: 10, k: 2 }, slo: 'p99<100ms' },
  { name: 'knee-400', spec: { mu: 400, serviceMs: 20, k: 0.3 }, slo: 'p99<200ms' },
  { name: 'cliff-400', spec: { mu: 400, serviceMs: 20, k: 0.02 }, slo: 'p99<200ms' },
  { name: 'retrograde-500', spec: { mu: 500, serviceMs: 20, k: 1, retrograde: 4 }, slo: 'p99<200ms' },
  { name: 'rate-limit', spec: { mu: 5000, serviceMs: 2, limitRps: 250 }, slo: 'p99<100ms' },
  { name: 'collapse', spec: { mu: 5000, serviceMs: 10, collapseRps: 300 }, slo: 'p99<100ms' },
  { name: 'noisy-500', spec: { mu: 500, serviceMs: 20, noise: 0.15 }, slo: 'p99<200ms' },
];

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const rows: string[] = [];
const failed: string[] = [];
for (const t of SUITE) {
  const errs: number[] = [];
  const steps: number[] = [];
  const bad: number[] = [];
  const over: number[] = [];
  let failures = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const slo = [parseSlo(t.slo), parseSlo('errors<1%')];
    const target = new SimulatedTarget({ ...t.spec, seed });
    const truth = target.trueCapacity(slo[0]!.kind === 'latency' ? slo[0]!.limitMs : 0);
    const c = new SqueezeController(resolveSqueezeOptions({ slo, minRate: Math.max(10, Math.round(truth / 16)), maxRate: Math.round(truth * 8), stepDurationS: stepS }));
    runSimulated(c, target);
    const r = c.result();
    if (r.capacity_rps === null) failures++;
    else errs.push(Math.abs(r.capacity_rps - truth) / truth);
    steps.push(r.steps.length);
    bad.push(r.steps.filter((s) => s.verdict === 'bad').length);
    over.push(r.time_over_slo_s / r.duration_s);
    if (over[over.length - 1]! > 0.1 || bad[bad.length - 1]! > 2 || steps[steps.length - 1]! > 15) failed.push(`${t.name}:${seed}`);
    if (values.verbose === `${t.name}:${seed}`) {
      for (const s of r.steps) console.error(`${s.index} ${s.phase} ${s.offered_rps} → ${s.verdict} ratio ${s.max_ratio} ${s.duration_s}s ${s.note}`);
      console.error(`truth ${truth.toFixed(1)} found ${r.capacity_rps} over ${r.time_over_slo_s}/${r.duration_s}`);
    }
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  rows.push(
    `| ${t.name} | ${errs.length ? pct(q(errs, 0.5)) : '—'} / ${errs.length ? pct(Math.max(...errs)) : '—'} | ${failures} | ${q(steps, 0.5)} / ${Math.max(...steps)} | ${q(bad, 0.5)} / ${Math.max(...bad)} | ${pct(q(over, 0.5))} / ${pct(Math.max(...over))} |`,
  );
}
console.log(`Simulated squeezes, ${seeds} seeds each, ${stepS} s steps (median / worst):\n`);
console.log('| target | abs error | no capacity | steps | bad holds | time above SLO |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(rows.join('\n'));
console.log(`\nOver a limit (time above the SLO > 10%, bad holds > 2 or steps > 15): ${failed.length} of ${SUITE.length * seeds} (${failed.join(' ')})`);
