import { invalidInput } from './errors.js';
import type { RunSummary, ThresholdResult } from './load-types.js';

type Op = '<' | '<=' | '>' | '>=';
type Metric =
  | 'p50' | 'p90' | 'p99' | 'p999' | 'max' | 'mean'
  | 'service_p50' | 'service_p90' | 'service_p99' | 'service_p999' | 'service_max' | 'service_mean'
  | 'errors' | 'rate' | 'dropped' | 'late' | 'requests';

/** A parsed threshold: `metric op value`, with the value in the metric's unit (ms, %, count, req/s). */
export interface Threshold {
  expr: string;
  metric: Metric;
  op: Op;
  value: number;
  /** For errors/dropped/late: compare the percentage of requests instead of the count. */
  percent: boolean;
}

const LATENCY = new Set(['p50', 'p90', 'p99', 'p999', 'max', 'mean']);
const COUNTS = new Set(['errors', 'dropped', 'late', 'requests']);
const UNIT_MS: Record<string, number> = { us: 0.001, 'µs': 0.001, ms: 1, s: 1000 };
const RE = /^\s*([a-z_0-9.]+)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*(ms|us|µs|s|%)?\s*$/;

/**
 * Parses a threshold such as `p99<250ms`, `errors<1%`, `rate>=990`, `service_p99<50ms`,
 * `dropped<=0`. Latencies take ms (default), s or us; errors/dropped/late take a count or %.
 *
 * @example
 * parseThreshold('p99<250ms') // { metric: 'p99', op: '<', value: 250, ... }
 */
export function parseThreshold(expr: string): Threshold {
  const m = RE.exec(expr);
  const bad = (why: string) =>
    invalidInput(
      'HR_E_BAD_THRESHOLD',
      `--threshold: expected METRIC OP VALUE like p99<250ms, errors<1%, rate>=990 (${why}), got "${expr}"`,
    );
  if (!m) throw bad('unparsable');
  let metric = m[1]!.replace('p99.9', 'p999');
  const op = m[2] as Op;
  let value = Number(m[3]);
  const unit = m[4];
  const base = metric.startsWith('service_') ? metric.slice(8) : metric;
  if (LATENCY.has(base)) {
    if (unit === '%') throw bad('a latency takes ms, s or us');
    value *= UNIT_MS[unit ?? 'ms']!;
  } else if (COUNTS.has(metric)) {
    if (unit && unit !== '%') throw bad(`${metric} takes a count or a percentage`);
    if (unit === '%' && metric === 'requests') throw bad('requests takes a count');
  } else if (metric === 'rate') {
    if (unit) throw bad('rate takes requests per second, without a unit');
  } else {
    throw bad(`unknown metric "${metric}"; expected p50, p90, p99, p999, max, mean, service_p99, errors, rate, dropped, late or requests`);
  }
  metric = metric as Metric;
  return { expr: expr.trim(), metric: metric as Metric, op, value, percent: unit === '%' };
}

/**
 * The measured value of a threshold's metric in a summary, in the threshold's unit.
 *
 * @example
 * measure(parseThreshold('errors<1%'), summary) // 0.25 (per cent)
 */
export function measure(t: Threshold, s: RunSummary): number {
  const base = t.metric.startsWith('service_') ? t.metric.slice(8) : t.metric;
  if (LATENCY.has(base)) {
    const lat = t.metric.startsWith('service_') ? s.service_ms : s.latency_ms;
    return lat[base as keyof typeof lat];
  }
  if (t.metric === 'rate') return s.rate.achieved;
  const count =
    t.metric === 'errors' ? s.errors.total : t.metric === 'dropped' ? s.dropped : t.metric === 'late' ? s.late : s.requests;
  if (!t.percent) return count;
  const denom = t.metric === 'dropped' ? s.requests + s.dropped : s.requests;
  return denom === 0 ? (count === 0 ? 0 : 100) : Math.round((count / denom) * 100 * 1e4) / 1e4;
}

/**
 * Evaluates thresholds against a run summary.
 *
 * @example
 * evaluateThresholds([parseThreshold('errors<1%')], summary) // [{ expr: 'errors<1%', ok: true, value: 0.2 }]
 */
export function evaluateThresholds(ts: Threshold[], s: RunSummary): ThresholdResult[] {
  return ts.map((t) => {
    const v = measure(t, s);
    const ok = t.op === '<' ? v < t.value : t.op === '<=' ? v <= t.value : t.op === '>' ? v > t.value : v >= t.value;
    // A run with no requests cannot pass a latency or rate threshold.
    const empty = s.requests === 0 && t.metric !== 'errors' && t.metric !== 'dropped' && t.metric !== 'late';
    return { expr: t.expr, ok: ok && !empty, value: v };
  });
}
