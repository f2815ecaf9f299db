/**
 * What the dashboard draws for a stored forecast or plan: the end of the demand history,
 * the forecast's median with its 80% and 95% intervals, and for a plan the planning
 * quantile, the current fleet's usable capacity and the runway. Times are epoch ms.
 * Stored inside the forecast/plan document (src/store/predictions.ts) as `chart`.
 */
export interface PredictionChart {
  step_s: number;
  history: { t: number[]; v: number[] };
  forecast: {
    t: number[];
    mean: number[];
    /** The median forecast (the P50 line). */
    p50: number[];
    lo80: number[];
    hi80: number[];
    lo95: number[];
    hi95: number[];
  };
  /** Plans: the demand quantile the plan provisions for. */
  planning?: { quantile: number; values: number[] };
  /** Plans with --instances: what today's fleet serves at the target utilisation (rps). */
  capacity_rps?: number | null;
  /** Plans with --instances: when that capacity stops covering the planning quantile (null: beyond the horizon). */
  runway_ms?: number | null;
}

export interface ChartInput {
  startMs: number;
  stepMs: number;
  history: ArrayLike<number>;
  times: number[];
  mean: ArrayLike<number>;
  p50: ArrayLike<number>;
  lo80: ArrayLike<number>;
  hi80: ArrayLike<number>;
  lo95: ArrayLike<number>;
  hi95: ArrayLike<number>;
  planning?: { quantile: number; values: ArrayLike<number> };
  capacityRps?: number | null;
  runwayMs?: number | null;
}

/** Six significant digits: forecasts are not more precise than that, and the store stays small. */
const sig = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 0);
const arr = (a: ArrayLike<number>) => Array.from(a, sig);

/** History points kept for the chart: two horizons or two weeks of steps, whichever is more, at most 4,000. */
export function historyPoints(n: number, horizon: number, stepMs: number): number {
  return Math.min(n, 4000, Math.max(2 * horizon, Math.round((14 * 86_400_000) / stepMs)));
}

/**
 * Builds the chart part of a forecast or plan document.
 *
 * @example
 * const chart = predictionChart({ startMs, stepMs, history: y, times, mean: r.mean, p50, lo80: r.lo80, hi80: r.hi80, lo95: r.lo95, hi95: r.hi95 });
 */
export function predictionChart(c: ChartInput): PredictionChart {
  const n = c.history.length;
  const keep = historyPoints(n, c.times.length, c.stepMs);
  const first = n - keep;
  const hv: number[] = [];
  for (let i = first; i < n; i++) hv.push(sig(c.history[i]!));
  return {
    step_s: c.stepMs / 1000,
    history: { t: Array.from({ length: keep }, (_, i) => c.startMs + (first + i) * c.stepMs), v: hv },
    forecast: { t: [...c.times], mean: arr(c.mean), p50: arr(c.p50), lo80: arr(c.lo80), hi80: arr(c.hi80), lo95: arr(c.lo95), hi95: arr(c.hi95) },
    ...(c.planning ? { planning: { quantile: c.planning.quantile, values: arr(c.planning.values) } } : {}),
    ...(c.capacityRps !== undefined ? { capacity_rps: c.capacityRps === null || !Number.isFinite(c.capacityRps) ? null : sig(c.capacityRps) } : {}),
    ...(c.runwayMs !== undefined ? { runway_ms: c.runwayMs } : {}),
  };
}
