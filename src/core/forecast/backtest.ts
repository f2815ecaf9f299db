import { coverage, mase, smape } from './accuracy.js';
import { predict, type PredictOptions } from './combine.js';
import type { ForecastContext } from './context.js';
import { instancesNeeded, type Redundancy, type UslParams } from './plan.js';

/**
 * Rolling-origin evaluation (Tashman 2000; FPP3 §5.10 "time series cross-validation"):
 * the whole forecasting procedure — model fits, inner backtest, weights, intervals — is
 * rerun at each origin on the history before it and scored on the `horizon` steps after.
 * Optionally replays the capacity plan: what it would have provisioned at each origin and
 * whether the actual demand exceeded it.
 */

export interface BacktestPlanOptions {
  perInstanceRps: number;
  targetUtil: number;
  redundancy: Redundancy;
  quantile: number;
  usl?: UslParams;
}

export interface BacktestOptions {
  horizon: number;
  /** Number of origins (default 5). */
  origins?: number;
  /** Steps between origins (default: the short seasonal period, else the horizon). */
  step?: number;
  models?: PredictOptions['models'];
  plan?: BacktestPlanOptions;
}

export interface Score {
  name: string;
  smape: number;
  mase: number;
  cover80?: number;
  cover95?: number;
}

export interface PlanReplay {
  /** Index of the first held-out step. */
  origin: number;
  planned: number;
  forecastPeak: number;
  actualPeak: number;
  needed: number;
  /** Actual demand went above the planned fleet's target utilisation. */
  underProvisioned: boolean;
  /** Actual demand went above the planned fleet's full SLO capacity. */
  overCapacity: boolean;
}

export interface BacktestResult {
  origins: number[];
  horizon: number;
  scores: Score[];
  /** `spareRate`: mean of planned/needed − 1 over the origins (the cost of the safety margin). */
  plan?: { replays: PlanReplay[]; underRate: number; overCapacityRate: number; spareRate: number };
}

/**
 * Runs the backtest.
 *
 * @example
 * backtest(y, makeContext([24, 168]), { horizon: 48, origins: 5 }).scores
 */
export function backtest(y: Float64Array, ctx: ForecastContext, opts: BacktestOptions): BacktestResult {
  const h = opts.horizon;
  const m = ctx.periods[0] ?? 1;
  const step = opts.step ?? (m > 1 ? m : h);
  const want = opts.origins ?? 5;
  const origins: number[] = [];
  for (let k = want - 1; k >= 0; k--) {
    const o = y.length - h - k * step;
    if (o >= Math.max(2 * m + 2, 16)) origins.push(o);
  }
  const acc = new Map<string, { s: number; m: number; c80: number; c95: number; k: number }>();
  const add = (name: string, s: number, ms: number, c80 = NaN, c95 = NaN) => {
    const a = acc.get(name) ?? { s: 0, m: 0, c80: 0, c95: 0, k: 0 };
    a.s += s; a.m += ms; a.c80 += c80; a.c95 += c95; a.k++;
    acc.set(name, a);
  };
  const replays: PlanReplay[] = [];
  for (const o of origins) {
    const train = y.subarray(0, o);
    const actual = y.subarray(o, o + h);
    const q = opts.plan ? [opts.plan.quantile] : [];
    const r = predict(train, ctx, { horizon: h, quantiles: q, models: opts.models });
    add('combination', smape(actual, r.mean), mase(actual, r.mean, train, m), coverage(actual, r.lo80, r.hi80), coverage(actual, r.lo95, r.hi95));
    r.scores.forEach((sc, i) => add(sc.name, smape(actual, r.perModel[i]!), mase(actual, r.perModel[i]!, train, m)));
    if (opts.plan) {
      const pl = opts.plan;
      const fq = r.quantiles[0]!;
      let fPeak = 0;
      let aPeak = 0;
      for (let j = 0; j < h; j++) {
        fPeak = Math.max(fPeak, fq[j]!);
        aPeak = Math.max(aPeak, actual[j]!);
      }
      const planned = instancesNeeded(fPeak, pl.perInstanceRps, pl.targetUtil, pl.redundancy, pl.usl);
      const needed = instancesNeeded(aPeak, pl.perInstanceRps, pl.targetUtil, pl.redundancy, pl.usl);
      const serving = pl.redundancy.kind === 'n+k' ? planned - pl.redundancy.k : Math.floor((planned * (pl.redundancy.cells - 1)) / pl.redundancy.cells);
      const cap = pl.usl ? (pl.perInstanceRps * serving) / (1 + pl.usl.sigma * (serving - 1) + pl.usl.kappa * serving * (serving - 1)) : pl.perInstanceRps * serving;
      replays.push({ origin: o, planned, forecastPeak: fPeak, actualPeak: aPeak, needed, underProvisioned: aPeak > cap * pl.targetUtil, overCapacity: aPeak > cap });
    }
  }
  const scores: Score[] = [...acc.entries()].map(([name, a]) => ({
    name,
    smape: a.s / a.k,
    mase: a.m / a.k,
    ...(name === 'combination' ? { cover80: a.c80 / a.k, cover95: a.c95 / a.k } : {}),
  }));
  const out: BacktestResult = { origins, horizon: h, scores };
  if (opts.plan) {
    out.plan = {
      replays,
      underRate: replays.filter((r) => r.underProvisioned).length / Math.max(1, replays.length),
      overCapacityRate: replays.filter((r) => r.overCapacity).length / Math.max(1, replays.length),
      spareRate: replays.reduce((a, r) => a + (Number.isFinite(r.planned) && r.needed > 0 ? r.planned / r.needed - 1 : 0), 0) / Math.max(1, replays.length),
    };
  }
  return out;
}
