import { readFile } from 'node:fs/promises';
import { invalidInput } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import { parseSeriesCsv, parseSeriesJson } from '../core/forecast/series-parse.js';
import { aggregate, regularize, type RegularSeries } from '../core/forecast/series-regular.js';
import { detectSeasonality, parseSeason } from '../core/forecast/seasonality.js';
import { eventIndex, parseEventsCsv } from '../core/forecast/events.js';
import { makeContext, type ForecastContext } from '../core/forecast/context.js';
import { fetchPrometheusRange } from './prometheus.js';

/**
 * The input side of `headroom predict`: flags → a regular demand series and the model
 * context (seasonal periods, calendar phase, known events). Shared by forecast, backtest
 * and plan so that the three read demand the same way.
 */

/** The flags every predict subcommand accepts for its demand input. */
export const DEMAND_FLAGS = {
  demand: { type: 'string' },
  column: { type: 'string' },
  season: { type: 'string' },
  events: { type: 'string' },
  prometheus: { type: 'string' },
  query: { type: 'string' },
  range: { type: 'string' },
  step: { type: 'string' },
  agg: { type: 'string' },
} as const;

export interface DemandFlags {
  demand?: string;
  column?: string;
  season?: string;
  events?: string;
  prometheus?: string;
  query?: string;
  range?: string;
  step?: string;
  agg?: string;
}

export interface Demand {
  source: string;
  series: RegularSeries;
  periods: number[];
  warnings: string[];
  /** Builds the context for a forecast of `horizon` steps past the end of `n` points. */
  context(n: number, horizon: number): ForecastContext;
}

/**
 * Parses a positive integer flag.
 *
 * @example
 * positiveInt('48', '--horizon', 48) // 48
 */
export function positiveInt(text: string | undefined, flag: string, dflt: number, max = 1_000_000): number {
  if (text === undefined) return dflt;
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || Number(text) > max) {
    throw invalidInput('HR_E_BAD_NUMBER', `${flag}: expected a whole number from 1 to ${max}, got "${text}"`);
  }
  return Number(text);
}

/**
 * Parses a number in (lo, hi].
 *
 * @example
 * numberIn('0.7', '--target-util', 0.7, 0, 1) // 0.7
 */
export function numberIn(text: string | undefined, flag: string, dflt: number, lo: number, hi: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v <= lo || v > hi) throw invalidInput('HR_E_BAD_NUMBER', `${flag}: expected a number greater than ${lo} and at most ${hi}, got "${text}"`);
  return v;
}

/**
 * Parses `--quantiles 0.5,0.9,0.99`.
 *
 * @example
 * parseQuantiles('0.5,0.9', [0.99]) // [0.5, 0.9]
 */
export function parseQuantiles(text: string | undefined, dflt: number[]): number[] {
  if (text === undefined) return dflt;
  return text.split(',').map((p) => numberIn(p.trim(), '--quantiles', 0, 0, 0.9999));
}

/**
 * Reads the demand series named by the flags (file or Prometheus), regularises it,
 * aggregates it to `--step` when coarser than the data, and settles the seasonal periods.
 *
 * @example
 * const d = await readDemand({ season: '24,168' }, 'demand.csv', Date.now())
 */
export async function readDemand(flags: DemandFlags, positional: string | undefined, nowMs: number, signal?: AbortSignal): Promise<Demand> {
  const file = flags.demand ?? positional;
  const stepMs = flags.step !== undefined ? parseDuration(flags.step, '--step') : undefined;
  if (stepMs !== undefined && stepMs <= 0) throw invalidInput('HR_E_BAD_DURATION', `--step: expected a positive duration, got "${flags.step}"`);
  let source: string;
  let series: RegularSeries;
  const warnings: string[] = [];
  if (flags.prometheus) {
    if (!flags.query) throw invalidInput('HR_E_USAGE', '--query: expected a PromQL query with --prometheus');
    if (file) throw invalidInput('HR_E_USAGE', `--prometheus: give either a demand file or --prometheus, not both`);
    const rangeMs = parseDuration(flags.range ?? '14d', '--range');
    const step = stepMs ?? 3_600_000;
    const r = await fetchPrometheusRange({ url: flags.prometheus, query: flags.query, rangeMs, stepMs: step, endMs: Math.floor(nowMs / step) * step, signal });
    source = `prometheus query`;
    warnings.push(...r.warnings);
    series = regularize(r.points, { stepMs: step, source });
  } else {
    if (!file) throw invalidInput('HR_E_USAGE', 'expected a demand file (CSV or JSON of timestamp,value) or --prometheus URL --query Q');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw invalidInput('HR_E_SERIES_FILE', `${file}: cannot read the demand file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    source = file;
    const json = /\.json$/i.test(file) || /^\s*[[{]/.test(text);
    const raw = json ? parseSeriesJson(text, file) : parseSeriesCsv(text, file, flags.column);
    series = regularize(raw, { source: file });
    if (stepMs !== undefined && stepMs > series.stepMs) {
      const factor = stepMs / series.stepMs;
      if (!Number.isInteger(factor)) throw invalidInput('HR_E_BAD_DURATION', `--step: expected a multiple of the data's step (${series.stepMs / 1000}s), got "${flags.step}"`);
      const how = flags.agg ?? 'sum';
      if (how !== 'sum' && how !== 'mean') throw invalidInput('HR_E_USAGE', `--agg: expected sum (counts) or mean (rates, utilisation), got "${how}"`);
      series = aggregate(series, factor, how);
    }
  }
  warnings.push(...series.warnings);
  let periods: number[];
  if (flags.season) periods = parseSeason(flags.season);
  else {
    periods = detectSeasonality(series.values, series.stepMs);
    warnings.push(periods.length ? `detected seasonal periods ${periods.join(',')} (steps); set --season to override` : 'no daily or weekly seasonality detected; set --season to force one');
  }
  const tooLong = periods.filter((p) => p * 2 > series.values.length);
  if (tooLong.length) {
    warnings.push(`series of ${series.values.length} points is shorter than two cycles of ${tooLong.join(',')}; ignoring those periods`);
    periods = periods.filter((p) => p * 2 <= series.values.length);
  }
  let events: { startMs: number; endMs: number; label: string }[] = [];
  if (flags.events) {
    let text: string;
    try {
      text = await readFile(flags.events, 'utf8');
    } catch (e) {
      throw invalidInput('HR_E_EVENTS', `--events: cannot read ${flags.events} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    events = parseEventsCsv(text, flags.events);
  }
  return {
    source,
    series,
    periods,
    warnings,
    context(n: number, horizon: number) {
      const ev = events.length ? eventIndex(events, series.startMs, series.stepMs, n + horizon) : undefined;
      return makeContext(periods, series, ev);
    },
  };
}

/**
 * `2024-01-31 13:00:00`: naive timestamps as the inputs had them.
 *
 * @example
 * formatTime(Date.UTC(2024, 0, 31, 13)) // '2024-01-31 13:00:00'
 */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}
