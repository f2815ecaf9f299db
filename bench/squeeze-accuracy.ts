/**
 * Squeeze accuracy and safety on the sample targets (src/targets), whose capacity under
 * their SLO is known by construction. For each: the capacity found vs the truth, steps,
 * time above the SLO, hard breaches; for the collapsing target, from the target's own
 * per-100 ms arrival counts, how fast the load fell back after the safety gate tripped.
 *
 *   npm run build && node dist/bench/squeeze-accuracy.js [--step-duration 5] [--only NAME] [--out FILE] [--record DIR]
 *
 * --record appends every second's sample to DIR/NAME.jsonl (fixtures for the controller's tests).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { runSqueeze, stepLine } from '../src/squeeze/run-squeeze.js';
import { SAMPLE_TARGETS, samplePreset } from '../src/targets/index.js';
import type { SqueezeReport } from '../src/core/squeeze-report.js';
import { startCollapseTarget } from '../src/targets/collapse-target.js';

const { values } = parseArgs({
  options: { 'step-duration': { type: 'string' }, only: { type: 'string' }, out: { type: 'string' }, threads: { type: 'string' }, record: { type: 'string' } },
});
const stepS = Number(values['step-duration'] ?? 5);
const threads = Number(values.threads ?? 1);
const names = values.only ? values.only.split(',') : SAMPLE_TARGETS.map((t) => t.name);

interface Row {
  name: string;
  slo: string;
  truth: number;
  found: number | null;
  err: number | null;
  outcome: string;
  steps: number;
  badHolds: number;
  hard: number;
  overPct: number;
  durationS: number;
  note: string;
}

const rows: Row[] = [];
const aborts: string[] = [];
const load0 = loadavg()[0]!;

for (const name of names) {
  const preset = samplePreset(name);
  const target = name === 'collapse' ? await startCollapseTarget({ limitRps: 300, serviceMs: 10, collapsedMs: 100 }) : await preset.start();
  const truth = target.trueCapacity(preset.clauses);
  const drops: number[] = [];
  let report: SqueezeReport;
  try {
    report = await runSqueeze({
      url: target.url,
      slo: preset.clauses,
      minRate: Math.max(10, Math.round(truth / 16)),
      maxRate: Math.round(truth * 8),
      stepDurationS: stepS,
      threads,
      maxConnections: 2000,
      timeoutMs: 5000,
      onStep: (step) => process.stderr.write(`  ${name} ${stepLine(step)} [${step.duration_s}s${step.note ? `; ${step.note}` : ''}]\n`),
      onSecond: (s, cmds) => {
        if (values.record) appendFileSync(`${values.record}/${name}.jsonl`, JSON.stringify(s) + '\n');
        // A drop to the baseline right after a hard breach: note when, on the target's clock.
        if ('elapsedMs' in target && cmds.some((c) => c.type === 'rate')) drops.push((target as { elapsedMs(): number }).elapsedMs());
      },
    });
  } finally {
    await target.close();
  }
  const found = report.capacity_rps;
  const badHolds = report.steps.filter((s) => s.verdict === 'bad').length;
  rows.push({
    name,
    slo: preset.slo.join(', '),
    truth,
    found,
    err: found === null ? null : (found - truth) / truth,
    outcome: report.outcome,
    steps: report.steps_count,
    badHolds,
    hard: report.hard_breaches,
    overPct: report.duration_s ? (100 * report.time_over_slo_s) / report.duration_s : 0,
    durationS: report.duration_s,
    note: report.outcome === 'capacity' ? '' : report.message.slice(0, 120),
  });
  process.stderr.write(`${name}: truth ${truth.toFixed(1)}, found ${found}, ${report.steps_count} steps, ${report.hard_breaches} hard, ${report.time_over_slo_s}/${report.duration_s}s over\n`);
  if (name === 'collapse' && 'receivedPer100ms' in target) {
    const buckets = (target as unknown as { receivedPer100ms(): { t_ms: number; received: number; collapsed: number }[] }).receivedPer100ms();
    const baselinePer100 = (Math.max(10, Math.round(truth / 16)) / 10) * 1.5 + 2;
    let i = 0;
    while (i < buckets.length) {
      const onset = buckets.findIndex((b, k) => k >= i && b.collapsed > 0);
      if (onset < 0) break;
      const trip = drops.find((d) => d >= buckets[onset]!.t_ms);
      const fall = buckets.findIndex((b, k) => k > onset && (trip === undefined || b.t_ms + 100 > trip) && b.received <= baselinePer100);
      const peak = Math.max(...buckets.slice(onset, fall < 0 ? undefined : fall).map((b) => b.received));
      if (fall < 0) {
        aborts.push(`| ${(buckets[onset]!.t_ms / 1000).toFixed(1)} s | ${peak * 10} | ${trip === undefined ? '—' : (trip / 1000).toFixed(2) + ' s'} | never | — | — |`);
        break;
      }
      const fb = buckets[fall]!.t_ms;
      aborts.push(
        `| ${(buckets[onset]!.t_ms / 1000).toFixed(1)} s | ${peak * 10} req/s | ${trip === undefined ? '—' : (trip / 1000).toFixed(2) + ' s'} | ${(fb / 1000).toFixed(1)} s | ${trip === undefined ? '—' : Math.max(0, fb - trip).toFixed(0) + ' ms'} | ${(fb - buckets[onset]!.t_ms).toFixed(0)} ms |`,
      );
      i = fall + 1;
      while (i < buckets.length && buckets[i]!.collapsed > 0) i++;
    }
  }
}

const errs = rows.filter((r) => r.err !== null).map((r) => Math.abs(r.err!)).sort((a, b) => a - b);
const median = errs.length ? errs[Math.floor((errs.length - 1) / 2)]! : NaN;
const worst = errs.length ? errs[errs.length - 1]! : NaN;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const md = [
  `# Squeeze accuracy on the sample targets`,
  ``,
  `Command: \`npm run build && node dist/bench/squeeze-accuracy.js --step-duration ${stepS} --threads ${threads}\``,
  `Machine: ${availableParallelism()} cores shared with other work (load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end); Node ${process.version}; ${new Date().toISOString()}.`,
  ``,
  `| target | SLO | true capacity | found | error | outcome | steps | bad holds | hard breaches | time above SLO | search time |`,
  `| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.slo} | ${r.truth.toFixed(1)} | ${r.found ?? '—'} | ${r.err === null ? '—' : (r.err >= 0 ? '+' : '') + pct(r.err)} | ${r.outcome}${r.note ? ` (${r.note})` : ''} | ${r.steps} | ${r.badHolds} | ${r.hard} | ${r.overPct.toFixed(1)}% | ${r.durationS} s |`,
  ),
  ``,
  `Absolute error: median ${pct(median)}, worst ${pct(worst)} (targets: median ≤ 5%, worst ≤ 10%). ` +
    `Steps: max ${Math.max(...rows.map((r) => r.steps))} (target ≤ 15). Bad holds (soft stops above the SLO): max ${Math.max(...rows.map((r) => r.badHolds))} (target ≤ 2). ` +
    `Time above the SLO: max ${Math.max(...rows.map((r) => r.overPct)).toFixed(1)}% (target ≤ 10%).`,
  ``,
  ...(aborts.length
    ? [
        `## Hard abort on the collapsing target, from the target's own counts`,
        ``,
        `The collapse target counts the requests it receives per 100 ms. For each collapse: when it began, the peak arrival rate, when the controller's safety gate dropped the rate (same clock), when the target's count fell back to the baseline level, and the delays.`,
        ``,
        `| collapse at | peak arrivals | gate dropped the rate at | arrivals back at baseline | gate → baseline | collapse → baseline |`,
        `| --- | ---: | ---: | ---: | ---: | ---: |`,
        ...aborts,
        ``,
      ]
    : []),
].join('\n');
if (values.out) writeFileSync(values.out, md + '\n');
process.stdout.write(md + '\n');
