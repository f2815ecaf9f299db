import type { SecondSample } from './load-types.js';
import { clauseRatio, type SloClause } from './slo.js';

/** The verdict on one control window (a few consecutive seconds of one step). */
export interface WindowVerdict {
  breached: boolean;
  /** The clause (its expression) or `throughput` with the highest ratio to its limit. */
  binding: string;
  /** Highest value/limit ratio among the guards (1 = on the limit). */
  maxRatio: number;
}

/**
 * Judges one window against the SLO clauses and, in the open model, a throughput guard:
 * the target must complete what was offered (within `throughputTolerance`), or the
 * excess is queueing somewhere and latency will follow.
 *
 * @example
 * judgeWindow([parseSlo('p99<100ms')], samples).breached
 */
export function judgeWindow(
  slo: readonly SloClause[],
  window: readonly SecondSample[],
  throughputTolerance = 0.05,
  /** Seconds over which to judge throughput (default: the window). A step passes all of
   * its measured seconds so far: responses delayed across a second boundary by a stall
   * then count, and only a sustained shortfall breaks the guard. */
  throughputOver: readonly SecondSample[] = window,
): WindowVerdict {
  let binding = '';
  let maxRatio = -Infinity;
  for (const c of slo) {
    const r = clauseRatio(c, window);
    if (r > maxRatio) {
      maxRatio = r;
      binding = c.expr;
    }
  }
  let offered = 0;
  let achieved = 0;
  let open = true;
  for (const s of throughputOver) {
    if (s.offered_rps === null) open = false;
    offered += s.offered_rps ?? 0;
    achieved += s.achieved_rps;
  }
  if (open && offered > 0) {
    // Ratio > 1 when achieved falls short of offered by more than the tolerance.
    const r = offered * (1 - throughputTolerance) > 0 ? offered * (1 - throughputTolerance) / Math.max(achieved, 1) : 0;
    if (r > 1 && r > maxRatio) {
      maxRatio = r;
      binding = 'throughput';
    }
  }
  return { breached: maxRatio > 1, binding, maxRatio };
}

/** Result of the noise check on a step's measured seconds. */
export interface Steadiness {
  steady: boolean;
  /** Coefficient of variation of the per-second achieved rate. */
  cv: number;
  /** Ratio of the guard ratio in the second half to the first half (latency trend). */
  trend: number;
  reason: string;
}

/**
 * The noise check that decides whether a step's measurement can be trusted: the
 * per-second throughput must not scatter more than counting noise allows
 * (max(maxCv, 3/sqrt(mean)) — Poisson counts have CV 1/sqrt(n)), and the guard
 * metric must not be climbing and, in the open model, requests must not pile up in the
 * target faster than `maxBacklogGrowth` of the rate (a queue that grows through the step
 * is an overload that a short hold would miss).
 *
 * @example
 * stepSteadiness(slo, measured).steady
 */
export function stepSteadiness(
  slo: readonly SloClause[],
  measured: readonly SecondSample[],
  maxCv = 0.15,
  maxTrend = 1.3,
  maxBacklogGrowth = 0.015,
): Steadiness {
  const n = measured.length;
  if (n < 2) return { steady: true, cv: 0, trend: 1, reason: 'too few seconds to judge' };
  const xs = measured.map((s) => s.achieved_rps);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const cv = mean > 0 ? sd / mean : 0;
  const cvLimit = Math.max(maxCv, mean > 0 ? 3 / Math.sqrt(mean) : Infinity);
  const half = Math.floor(n / 2);
  const first = measured.slice(0, half);
  const second = measured.slice(n - half);
  let trend = 1;
  let secondRatio = 0;
  for (const c of slo) {
    if (c.kind !== 'latency') continue;
    const a = clauseRatio(c, first);
    const b = clauseRatio(c, second);
    if (a > 0 && b / a > trend) {
      trend = b / a;
      secondRatio = b;
    }
  }
  if (cv > cvLimit) return { steady: false, cv, trend, reason: `throughput scatters (cv ${cv.toFixed(2)})` };
  const growth = backlogGrowth(measured);
  if (growth !== null && growth > Math.max(3, maxBacklogGrowth * mean)) {
    return { steady: false, cv, trend, reason: `backlog growing by ${growth.toFixed(1)} req/s (the target completes less than it is sent)` };
  }
  // A climb that stays under half the limit is harmless; above it, it predicts a breach.
  if (trend > maxTrend && secondRatio > 0.5) return { steady: false, cv, trend, reason: `latency climbing (×${trend.toFixed(2)})` };
  return { steady: true, cv, trend, reason: 'steady' };
}

/**
 * How fast requests pile up in the target, in req/s: the least-squares slope of the
 * running sum of (sent − completed) over the measured seconds. With evenly paced
 * arrivals a target that keeps up holds its in-flight count near λ·R (Little's law), so
 * the sum only wanders by a few requests; one that cannot keep up adds λ − μ every
 * second, long before a short hold's latency shows it (a queue with a fixed service time
 * has flat latency right up to its limit). Null in the closed model or below 3 seconds.
 *
 * @example
 * backlogGrowth(measured) // 6.4: 6.4 more requests in flight every second
 */
export function backlogGrowth(measured: readonly SecondSample[]): number | null {
  const n = measured.length;
  if (n < 3 || measured.some((s) => s.offered_rps === null)) return null;
  let sum = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const s = measured[i]!;
    sum += s.offered_rps! - s.dropped - s.achieved_rps;
    sx += i;
    sy += sum;
    sxx += i * i;
    sxy += i * sum;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}
