import { readFile, writeFile } from 'node:fs/promises';
import { invalidInput } from '../core/errors.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { predict } from '../core/forecast/combine.js';
import { MODEL_NAMES, type ModelName } from '../core/forecast/models.js';
import { parseBatchCsv, parseTimestamp } from '../core/forecast/series-parse.js';
import { parseDuration } from '../core/duration.js';
import { parseSeason } from '../core/forecast/seasonality.js';
import { DEMAND_FLAGS, formatTime, parseQuantiles, positiveInt, readDemand } from '../predict/demand-input.js';
import { forecastBatch } from '../predict/batch.js';
import { predictionChart } from '../predict/prediction-chart.js';
import type { ForecastDoc } from '../predict/prediction-docs.js';
import { saveForecast } from '../store/predictions.js';
import { checkStoreFlags, PREDICT_STORE_FLAGS, PREDICT_STORE_USAGE, recordPrediction, storedConfig } from './predict-store.js';

export const FORECAST_USAGE = `headroom predict forecast <demand.csv|json> [--horizon 48] [--quantiles 0.5,0.9,0.99] [--season 24,168]
    [--events events.csv] [--column NAME] [--step 1h --agg sum|mean] [--models snaive,snaive-long,ets,theta,mstl,calendar] [--json]
  headroom predict forecast --prometheus URL --query Q [--range 14d] [--step 1h] ...
  headroom predict forecast --batch fleet.csv --season 24,168 [--start '2024-01-01 00:00' --step 1h] [--out PREFIX]
    one series per row: id,v1,v2,... (--start: time of every row's first value, for hour-of-day/day-of-week features)
    writes id,F1..Fh (the combination) to stdout or PREFIX-mean.csv, and PREFIX-q<p>.csv per quantile
  a single-series forecast is recorded in the store for the dashboard (batch output is not)
${PREDICT_STORE_USAGE}`;

/** Parses `--models a,b`. */
export function parseModels(text: string | undefined): ModelName[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((m) => {
    const name = m.trim() as ModelName;
    if (!MODEL_NAMES.includes(name)) throw invalidInput('HR_E_BAD_FORECAST_MODEL', `--models: expected names from ${MODEL_NAMES.join(', ')}, got "${m}"`);
    return name;
  });
}

/** Six significant digits: forecasts are not more precise than that. */
export const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

export async function runForecast(argv: string[], io: CliIo): Promise<number> {
  const { values: f, positionals } = parseFlags(
    argv,
    { ...DEMAND_FLAGS, horizon: { type: 'string' }, quantiles: { type: 'string' }, models: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'string' }, out: { type: 'string' }, start: { type: 'string' }, ...PREDICT_STORE_FLAGS },
    'predict forecast',
  );
  if (positionals.length > 1) throw invalidInput('HR_E_USAGE', `headroom predict forecast: expected one demand file, got ${positionals.length}`);
  const horizon = positiveInt(f.horizon, '--horizon', 48, 100_000);
  const quantiles = parseQuantiles(f.quantiles, [0.5, 0.9, 0.99]);
  const models = parseModels(f.models);
  checkStoreFlags(f);
  if (f.batch) {
    let time: { startMs: number; stepMs: number } | undefined;
    if (f.start !== undefined) {
      const startMs = parseTimestamp(f.start);
      if (Number.isNaN(startMs)) throw invalidInput('HR_E_SERIES_TIMESTAMP', `--start: expected the timestamp of each row's first value, like 2024-01-01 00:00:00, got "${f.start}"`);
      time = { startMs, stepMs: parseDuration(f.step ?? '1h', '--step') };
    }
    return runBatch(f.batch, { horizon, quantiles, models, season: f.season, out: f.out, time }, io);
  }
  const demand = await readDemand(f, positionals[0], Date.now(), io.signal);
  const y = demand.series.values;
  // The median is always computed: the dashboard draws it as the P50 line.
  const all = quantiles.includes(0.5) ? quantiles : [...quantiles, 0.5];
  const r = predict(y, demand.context(y.length, horizon), { horizon, quantiles: all, models });
  const { startMs, stepMs } = demand.series;
  const warnings = [...demand.warnings, ...r.warnings];
  const times = Array.from({ length: horizon }, (_, j) => startMs + (y.length + j) * stepMs);
  const doc: ForecastDoc = {
    source: demand.source,
    history: { start: formatTime(startMs), end: formatTime(startMs + (y.length - 1) * stepMs), step_s: stepMs / 1000, points: y.length },
    periods: demand.periods,
    horizon,
    quantiles,
    models: r.scores.map((s) => ({ name: s.name, detail: s.detail, weight: num(s.weight), backtest_mase: num(s.mase) })),
    warnings,
    forecast: times.map((t, j) => ({ t: formatTime(t), mean: num(r.mean[j]!), ...Object.fromEntries(quantiles.map((q, k) => [`q${q}`, num(r.quantiles[k]![j]!)])), lo80: num(r.lo80[j]!), hi80: num(r.hi80[j]!), lo95: num(r.lo95[j]!), hi95: num(r.hi95[j]!) })),
    per_model: Object.fromEntries(r.scores.map((s, i) => [s.name, Array.from(r.perModel[i]!, num)])),
  };
  if (f.json) io.stdout.write(JSON.stringify(doc) + '\n');
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  const lines = [
    `${demand.source}: ${y.length} points every ${stepMs / 1000}s, ${formatTime(startMs)} → ${formatTime(startMs + (y.length - 1) * stepMs)}; seasonal periods ${demand.periods.join(',') || 'none'}; horizon ${horizon}`,
    '',
    `${'model'.padEnd(10)} ${'weight'.padStart(7)} ${'backtest MASE'.padStart(14)}  detail`,
    ...r.scores.map((s) => `${s.name.padEnd(10)} ${(s.weight * 100).toFixed(0).padStart(6)}% ${Number.isFinite(s.mase) ? s.mase.toFixed(3).padStart(14) : '–'.padStart(14)}  ${s.detail}`),
    '',
  ];
  let peak = 0;
  for (let j = 1; j < horizon; j++) if (r.mean[j]! > r.mean[peak]!) peak = j;
  lines.push(`peak of the mean forecast: ${formatTime(times[peak]!)}  mean ${num(r.mean[peak]!)}  ${quantiles.map((q, k) => `q${q} ${num(r.quantiles[k]![peak]!)}`).join('  ')}`);
  if (!f.json) {
    lines.push('', `${'time'.padEnd(19)} ${'mean'.padStart(10)} ${quantiles.map((q) => `q${q}`.padStart(10)).join(' ')}`);
    const stride = Math.max(1, Math.ceil(horizon / 24));
    for (let j = 0; j < horizon; j += stride) lines.push(`${formatTime(times[j]!)} ${String(num(r.mean[j]!)).padStart(10)} ${quantiles.map((_, k) => String(num(r.quantiles[k]![j]!)).padStart(10)).join(' ')}`);
    if (stride > 1) lines.push(`(every ${stride}th step shown; --json for all)`);
  }
  io.stderr.write(lines.join('\n') + '\n');
  const chart = predictionChart({
    startMs, stepMs, history: y, times, mean: r.mean, p50: r.quantiles[all.indexOf(0.5)]!, lo80: r.lo80, hi80: r.hi80, lo95: r.lo95, hi95: r.hi95,
  });
  await recordPrediction(f, io, (store) => saveForecast(store, { source: demand.source, horizon, stepS: stepMs / 1000, config: storedConfig(argv), doc: { ...doc, chart } }));
  return 0;
}

async function runBatch(file: string, o: { horizon: number; quantiles: number[]; models?: ModelName[]; season?: string; out?: string; time?: { startMs: number; stepMs: number } }, io: CliIo): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw invalidInput('HR_E_SERIES_FILE', `--batch: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows = parseBatchCsv(text, file);
  const periods = o.season ? parseSeason(o.season) : [24, 168];
  const t0 = performance.now();
  const res = await forecastBatch(rows, { horizon: o.horizon, quantiles: o.quantiles, periods, models: o.models, time: o.time });
  const csv = (pick: (i: number) => Float64Array) => res.map((r, i) => [r.id.includes(',') ? `"${r.id.replace(/"/g, '""')}"` : r.id, ...Array.from(pick(i), num)].join(',')).join('\n') + '\n';
  const header = ['id', ...Array.from({ length: o.horizon }, (_, j) => `F${j + 1}`)].join(',') + '\n';
  if (o.out) {
    await writeFile(`${o.out}-mean.csv`, header + csv((i) => res[i]!.mean));
    for (let k = 0; k < o.quantiles.length; k++) await writeFile(`${o.out}-q${o.quantiles[k]}.csv`, header + csv((i) => res[i]!.quantiles[k]!));
  } else io.stdout.write(header + csv((i) => res[i]!.mean));
  const warned = res.filter((r) => r.warnings.length);
  for (const r of warned.slice(0, 10)) io.stderr.write(`warning: ${r.warnings[0]}\n`);
  if (warned.length > 10) io.stderr.write(`warning: ... and ${warned.length - 10} more series with warnings\n`);
  io.stderr.write(`forecast ${rows.length} series, horizon ${o.horizon}, periods ${periods.join(',')}, in ${((performance.now() - t0) / 1000).toFixed(1)} s${o.out ? `; wrote ${o.out}-mean.csv and ${o.quantiles.map((q) => `${o.out}-q${q}.csv`).join(', ')}` : ''}\n`);
  return 0;
}
