import { readFile, writeFile } from 'node:fs/promises';
import { invalidInput } from '../core/errors.js';
import { renderPlanPage } from '../predict/plan-html.js';
import { parseDuration } from '../core/duration.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { predict } from '../core/forecast/combine.js';
import { bottlenecks, parseResources, plan } from '../core/forecast/plan.js';
import { DEMAND_FLAGS, formatTime, positiveInt, readDemand } from '../predict/demand-input.js';
import { num, parseModels } from './predict-forecast.js';
import { commonPlanFlags, PLAN_FLAGS, readPlanSettings } from './predict-plan-flags.js';
import { predictionChart } from '../predict/prediction-chart.js';
import type { PlanDoc } from '../predict/prediction-docs.js';
import { savePlan } from '../store/predictions.js';
import { capacityFromStore, checkStoreFlags, PREDICT_STORE_FLAGS, PREDICT_STORE_USAGE, recordPrediction, storedConfig } from './predict-store.js';

export const PLAN_USAGE = `headroom predict plan --demand demand.csv (--per-instance-rps N | --capacity SQUEEZE-RUN-ID|squeeze.json | --resources res.json) [--instances N]
    [--target-util 0.7] [--redundancy n+1|n+2|cells:4] [--lead-time 3d] [--quantile 0.99] [--horizon 14 days of steps] [--json] [--html plan.html]
    instances per day and at the peak, headroom today, the runway date, and the assumptions behind them
    --resources: JSON [{name, capacity_rps, instances, per_demand?, usl?}]: which resource binds first
    --capacity ID: the capacity (and USL fit) of a squeeze recorded in the store
${PREDICT_STORE_USAGE}`;

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw invalidInput('HR_E_RESOURCES', `--resources: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export async function runPlan(argv: string[], io: CliIo): Promise<number> {
  const { values: f, positionals } = parseFlags(
    argv,
    { ...DEMAND_FLAGS, ...PLAN_FLAGS, instances: { type: 'string' }, 'lead-time': { type: 'string' }, horizon: { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' }, html: { type: 'string' }, resources: { type: 'string' }, ...PREDICT_STORE_FLAGS },
    'predict plan',
  );
  const resources = f.resources ? parseResources(await readText(f.resources), f.resources) : undefined;
  const common = commonPlanFlags(f);
  checkStoreFlags(f);
  const fromStore = f.capacity && !f['per-instance-rps'] ? await capacityFromStore(f.capacity, f, io) : null;
  const settings = await readPlanSettings(f, !resources, fromStore ?? undefined);
  const instances = f.instances !== undefined ? positiveInt(f.instances, '--instances', 1, 10_000_000) : undefined;
  const leadTimeMs = parseDuration(f['lead-time'] ?? '0', '--lead-time');
  const models = parseModels(f.models);
  const demand = await readDemand(f, positionals[0], Date.now(), io.signal);
  const { startMs, stepMs, values: y } = demand.series;
  const horizon = positiveInt(f.horizon, '--horizon', Math.max(1, Math.round((14 * 86_400_000) / stepMs)), 100_000);
  if (instances !== undefined && common.redundancy.kind === 'cells' && instances < common.redundancy.cells) {
    throw invalidInput('HR_E_BAD_REDUNDANCY', `--instances: ${instances} instances cannot form ${common.redundancy.cells} cells`);
  }
  // The median too, for the dashboard's P50 line; the plan itself uses the first quantile.
  const r = predict(y, demand.context(y.length, horizon), { horizon, quantiles: [common.quantile, 0.5], models });
  const nowMs = startMs + (y.length - 1) * stepMs;
  const times = Array.from({ length: horizon }, (_, j) => startMs + (y.length + j) * stepMs);
  const base = { times, demand: r.quantiles[0]!, currentDemand: y[y.length - 1]!, targetUtil: common.targetUtil, redundancy: common.redundancy, leadTimeMs, nowMs };
  // Without a fleet-wide capacity, the plan's headline is the resource that binds first.
  const ranked = resources ? bottlenecks(base, resources) : undefined;
  const p = settings ? plan({ ...base, perInstanceRps: settings.perInstanceRps, usl: settings.usl, instances }) : ranked![0]!.plan;
  if (settings?.uslNote) p.assumptions.push(settings.uslNote);
  p.assumptions.push(`capacity from ${settings ? settings.capacitySource : `${f.resources} (resource "${ranked![0]!.name}", which binds first)`}; demand from ${demand.source}, "now" is its last point ${formatTime(nowMs)}`);
  if (ranked) p.assumptions.push('each resource receives per_demand requests per unit of demand and is planned with the same target utilisation and redundancy');
  // Per day: the largest need in each calendar day (what a capacity review reads).
  const days = new Map<string, { demand: number; instances: number }>();
  for (const s of p.perStep) {
    const d = formatTime(s.t).slice(0, 10);
    const cur = days.get(d);
    if (!cur || s.instances > cur.instances || (s.instances === cur.instances && s.demand > cur.demand)) days.set(d, { demand: s.demand, instances: s.instances });
  }
  const warnings = [...demand.warnings, ...r.warnings];
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  const doc: PlanDoc = {
    source: demand.source,
    capacity_run_id: fromStore?.runId ?? null,
    quantile: common.quantile,
    horizon,
    per_instance_rps: settings?.perInstanceRps ?? null,
    usl: settings?.usl ?? null,
    target_util: common.targetUtil,
    redundancy: f.redundancy ?? 'n+1',
    lead_time_s: leadTimeMs / 1000,
    peak: { t: formatTime(p.peak.t), demand: num(p.peak.demand), instances: Number.isFinite(p.peak.instances) ? p.peak.instances : null },
    current: p.current ? { instances: p.current.instances, demand: num(p.current.demand), usable_rps: num(p.current.usableRps), capacity_rps: num(p.current.capacityRps), headroom_pct: num(p.current.headroomPct), utilisation: num(p.current.utilisation) } : null,
    runway: p.runway ? { until: p.runway.t === null ? null : formatTime(p.runway.t), beyond_horizon: p.runway.beyondHorizon, act_by: p.runway.actBy === null ? null : formatTime(p.runway.actBy), act_now: p.runway.actNow } : null,
    usl_peak: p.uslPeak ?? null,
    infeasible: p.infeasible,
    per_day: [...days.entries()].map(([d, v]) => ({ day: d, demand: num(v.demand), instances: Number.isFinite(v.instances) ? v.instances : null })),
    per_step: p.perStep.map((s) => ({ t: formatTime(s.t), demand: num(s.demand), instances: Number.isFinite(s.instances) ? s.instances : null })),
    assumptions: p.assumptions,
    ...(ranked
      ? {
          binds_first: ranked[0]!.name,
          resources: ranked.map((b) => ({
            name: b.name,
            peak_instances: Number.isFinite(b.plan.peak.instances) ? b.plan.peak.instances : null,
            instances: b.plan.current!.instances,
            headroom_pct: num(b.plan.current!.headroomPct),
            runway_until: b.plan.runway!.t === null ? null : formatTime(b.plan.runway!.t),
            act_by: b.plan.runway!.actBy === null ? null : formatTime(b.plan.runway!.actBy),
          })),
        }
      : {}),
    warnings,
  };
  if (f.json) io.stdout.write(JSON.stringify(doc) + '\n');
  if (f.html) {
    const hist = Math.min(y.length, Math.max(horizon, Math.round((14 * 86_400_000) / stepMs)));
    const page = renderPlanPage({
      title: `Capacity plan: ${demand.source}`,
      history: { t: Array.from({ length: hist }, (_, i) => startMs + (y.length - hist + i) * stepMs), v: y.subarray(y.length - hist) },
      forecast: { t: times, mean: r.mean, lo80: r.lo80, hi80: r.hi80, q: r.quantiles[0]!, quantile: common.quantile },
      capacity: p.current?.usableRps,
      runway: p.runway?.t ?? null,
      rows: [...days.entries()].map(([day, v]) => ({ day, demand: v.demand, instances: Number.isFinite(v.instances) ? v.instances : null })),
      summary: [
        `Peak ${num(p.peak.demand)} rps at ${formatTime(p.peak.t)} needs ${Number.isFinite(p.peak.instances) ? p.peak.instances : '∞'} instances.`,
        ...(p.current ? [`Today ${p.current.instances} instances: headroom ${p.current.headroomPct.toFixed(1)}%. Runway: ${p.runway!.t === null ? 'beyond the horizon' : `until ${formatTime(p.runway!.t)}, act by ${formatTime(p.runway!.actBy!)}`}.`] : []),
      ],
      assumptions: p.assumptions,
    });
    await writeFile(f.html, page);
  }
  const lines = [`capacity plan for ${demand.source} at the q${common.quantile} demand forecast, ${horizon} steps ahead`, ''];
  if (ranked) {
    lines.push(`binds first: ${ranked[0]!.name}`, '', `${'resource'.padEnd(16)} ${'today'.padStart(6)} ${'headroom'.padStart(9)} ${'at peak'.padStart(8)}  runway`);
    for (const b of ranked) {
      const c = b.plan.current!;
      lines.push(`${b.name.padEnd(16)} ${String(c.instances).padStart(6)} ${(c.headroomPct.toFixed(1) + '%').padStart(9)} ${(Number.isFinite(b.plan.peak.instances) ? String(b.plan.peak.instances) : '∞').padStart(8)}  ${b.plan.runway!.t === null ? 'beyond the horizon' : `until ${formatTime(b.plan.runway!.t)}`}`);
    }
    lines.push('', `plan for ${ranked[0]!.name}:`);
  }
  lines.push(`peak: ${num(p.peak.demand)} rps at ${formatTime(p.peak.t)} → ${Number.isFinite(p.peak.instances) ? `${p.peak.instances} instances` : 'not reachable by scaling out'}`);
  if (p.current) {
    lines.push(`today: ${p.current.instances} instances serve ${num(p.current.demand)} rps of ${num(p.current.usableRps)} usable (${num(p.current.capacityRps)} at the SLO): headroom ${p.current.headroomPct.toFixed(1)}%`);
    if (p.runway!.beyondHorizon) lines.push(`runway: current capacity covers the forecast through ${formatTime(times[times.length - 1]!)} (the horizon)`);
    else lines.push(`runway: until ${formatTime(p.runway!.t!)}; with a lead time of ${(leadTimeMs / 3_600_000).toFixed(0)} h, act by ${formatTime(p.runway!.actBy!)}${p.runway!.actNow ? ' — that is now' : ''}`);
  }
  if (p.uslPeak) lines.push(`USL: throughput peaks at ${p.uslPeak.instances} instances (${num(p.uslPeak.rps)} rps); more instances add no capacity`);
  lines.push('', `${'day'.padEnd(10)} ${'peak demand'.padStart(12)} ${'instances'.padStart(10)}`);
  for (const [d, v] of days) lines.push(`${d} ${String(num(v.demand)).padStart(12)} ${(Number.isFinite(v.instances) ? String(v.instances) : '∞').padStart(10)}`);
  lines.push('', 'assumptions:', ...p.assumptions.map((a) => `  - ${a}`));
  io.stderr.write(lines.join('\n') + '\n');
  const chart = predictionChart({
    startMs, stepMs, history: y, times, mean: r.mean, p50: r.quantiles[1]!, lo80: r.lo80, hi80: r.hi80, lo95: r.lo95, hi95: r.hi95,
    planning: { quantile: common.quantile, values: r.quantiles[0]! },
    ...(p.current ? { capacityRps: p.current.usableRps, runwayMs: p.runway?.t ?? null } : {}),
  });
  await recordPrediction(f, io, (store) => savePlan(store, {
    source: demand.source, capacityRunId: fromStore?.runId ?? null, quantile: common.quantile, peakDemand: p.peak.demand,
    peakInstances: Number.isFinite(p.peak.instances) ? p.peak.instances : null, instances: p.current?.instances ?? null,
    runwayUntil: p.runway?.t ?? null, config: storedConfig(argv), doc: { ...doc, chart },
  }));
  return 0;
}
