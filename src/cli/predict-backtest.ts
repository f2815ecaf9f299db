import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { backtest } from '../core/forecast/backtest.js';
import { DEMAND_FLAGS, formatTime, positiveInt, readDemand } from '../predict/demand-input.js';
import { num, parseModels } from './predict-forecast.js';
import { PLAN_FLAGS, readPlanSettings } from './predict-plan-flags.js';

export const BACKTEST_USAGE = `headroom predict backtest <demand.csv|json> [--horizon 48] [--origins 5] [--origin-step 24] [--season 24,168] [--json]
    rolling origin: sMAPE, MASE (seasonal scaling), 80%/95% interval coverage, per model and for the combination
    with --per-instance-rps N | --capacity squeeze.json [--target-util 0.7] [--redundancy n+1] [--quantile 0.99]:
    what the plan would have provisioned at each origin and how often demand exceeded it`;

export async function runBacktest(argv: string[], io: CliIo): Promise<number> {
  const { values: f, positionals } = parseFlags(
    argv,
    { ...DEMAND_FLAGS, ...PLAN_FLAGS, horizon: { type: 'string' }, origins: { type: 'string' }, 'origin-step': { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' } },
    'predict backtest',
  );
  const horizon = positiveInt(f.horizon, '--horizon', 48, 100_000);
  const origins = positiveInt(f.origins, '--origins', 5, 1000);
  const step = f['origin-step'] !== undefined ? positiveInt(f['origin-step'], '--origin-step', 1) : undefined;
  const models = parseModels(f.models);
  const planSettings = await readPlanSettings(f, false);
  const demand = await readDemand(f, positionals[0], Date.now(), io.signal);
  const y = demand.series.values;
  const r = backtest(y, demand.context(y.length, 0), { horizon, origins, step, models, plan: planSettings });
  const { startMs, stepMs } = demand.series;
  for (const w of demand.warnings) io.stderr.write(`warning: ${w}\n`);
  if (f.json) {
    io.stdout.write(
      JSON.stringify({
        source: demand.source,
        horizon,
        origins: r.origins.map((o) => formatTime(startMs + o * stepMs)),
        scores: r.scores.map((s) => ({ model: s.name, smape: num(s.smape), mase: num(s.mase), ...(s.cover80 !== undefined ? { coverage80: num(s.cover80), coverage95: num(s.cover95!) } : {}) })),
        ...(r.plan
          ? {
              plan: {
                quantile: planSettings!.quantile,
                under_provisioned_rate: num(r.plan.underRate),
                over_capacity_rate: num(r.plan.overCapacityRate),
                spare_instances_rate: num(r.plan.spareRate),
                origins: r.plan.replays.map((p) => ({ origin: formatTime(startMs + p.origin * stepMs), planned_instances: p.planned, forecast_peak: num(p.forecastPeak), actual_peak: num(p.actualPeak), needed_instances: p.needed, under_provisioned: p.underProvisioned, over_capacity: p.overCapacity })),
              },
            }
          : {}),
      }) + '\n',
    );
  }
  if (r.origins.length === 0) {
    io.stderr.write(`${demand.source}: ${y.length} points are too few for a backtest of horizon ${horizon}; no origins evaluated\n`);
    return 0;
  }
  const lines = [
    `${demand.source}: rolling-origin backtest, ${r.origins.length} origins from ${formatTime(startMs + r.origins[0]! * stepMs)} to ${formatTime(startMs + r.origins[r.origins.length - 1]! * stepMs)}, horizon ${horizon}`,
    '',
    `${'model'.padEnd(12)} ${'sMAPE'.padStart(7)} ${'MASE'.padStart(7)} ${'cov80'.padStart(6)} ${'cov95'.padStart(6)}`,
    ...r.scores.map((s) => `${s.name.padEnd(12)} ${s.smape.toFixed(2).padStart(7)} ${s.mase.toFixed(3).padStart(7)} ${s.cover80 !== undefined ? ((s.cover80 * 100).toFixed(0) + '%').padStart(6) : ''.padStart(6)} ${s.cover95 !== undefined ? ((s.cover95! * 100).toFixed(0) + '%').padStart(6) : ''}`),
  ];
  if (r.plan) {
    lines.push('', `plan replay at q${planSettings!.quantile}: demand exceeded the planned fleet's target utilisation at ${(r.plan.underRate * 100).toFixed(0)}% of origins, its full capacity at ${(r.plan.overCapacityRate * 100).toFixed(0)}%; on average it planned ${(r.plan.spareRate * 100).toFixed(0)}% more instances than the actual peak needed`);
    for (const p of r.plan.replays) lines.push(`  ${formatTime(startMs + p.origin * stepMs)}  planned ${p.planned} instances for a peak of ${num(p.forecastPeak)}; actual peak ${num(p.actualPeak)} needed ${p.needed}${p.underProvisioned ? '  UNDER-PROVISIONED' : ''}`);
  }
  io.stderr.write(lines.join('\n') + '\n');
  return 0;
}
