import { maseScale } from './accuracy.js';
import { qnorm, qt } from './distributions.js';
import type { ForecastContext } from './context.js';
import { MODELS, MODEL_NAMES, type ModelName } from './models.js';
import { applyEventEffects, type CalendarFit } from './calendar-regression.js';

/**
 * The forecast `headroom predict` gives: every model fitted, scored by a rolling-origin
 * backtest on the end of the history (Tashman 2000, "Out-of-sample tests of forecasting
 * accuracy", IJF 16:437–450), combined with weights from those scores (forecast
 * combination: Bates & Granger 1969; FPP3 §13.4), and quantiles from the empirical
 * distribution of the combination's backtest errors, by horizon (the empirical
 * prediction intervals of Williams & Goodman 1971; FPP3 §5.5 "bootstrapped residuals").
 */

export interface PredictOptions {
  horizon: number;
  quantiles: number[];
  /** Backtest origins used for weights and intervals (default 4). */
  origins?: number;
  /** Steps between origins (default: the short period, or h/2). */
  originStep?: number;
  models?: ModelName[];
  /** Re-optimise parameters on the full history (default) or reuse the backtest's. */
  refit?: boolean;
}

export interface ModelScore {
  name: ModelName;
  detail: string;
  weight: number;
  /** Mean absolute scaled error over the backtest origins (lower is better). */
  mase: number;
}

export interface PredictResult {
  mean: Float64Array;
  /** Quantile forecasts, in the order of `options.quantiles`. */
  quantiles: Float64Array[];
  /** Per-model point forecasts, in the order of `scores`. */
  perModel: Float64Array[];
  scores: ModelScore[];
  /** Central intervals for backtests: 80% and 95%. */
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
  warnings: string[];
}

/** Linear-interpolation empirical quantile of sorted values (R's type 7). */
function quantileSorted(s: Float64Array, p: number): number {
  const n = s.length;
  if (n === 0) return 0;
  const x = (n - 1) * Math.min(1, Math.max(0, p));
  const i = Math.floor(x);
  return i + 1 < n ? s[i]! + (x - i) * (s[i + 1]! - s[i]!) : s[n - 1]!;
}

/**
 * Forecasts y `horizon` steps ahead with the combination and its quantiles.
 *
 * @example
 * const r = predict(y, makeContext([24, 168], time), { horizon: 48, quantiles: [0.5, 0.9, 0.99] });
 */
export function predict(y: Float64Array, ctx: ForecastContext, opts: PredictOptions): PredictResult {
  const h = opts.horizon;
  const n = y.length;
  const warnings: string[] = [];
  const m = ctx.periods[0] ?? 1;
  let nonNeg = true;
  for (let i = 0; i < n; i++) if (y[i]! < 0) nonNeg = false;
  const asked = (opts.models ?? MODEL_NAMES).filter((name) => MODELS[name].applies?.(ctx) ?? true);
  const wanted = asked.filter((name) => n >= MODELS[name].minLength(ctx));
  let step = opts.originStep ?? (m > 1 ? Math.min(m, Math.max(1, Math.round(h / 2))) : Math.max(1, Math.round(h / 2)));
  let K = opts.origins ?? 8;
  const minTrain = Math.max(2 * m + 2, 16, ...wanted.map((w) => MODELS[w].minLength(ctx)));
  // Origins spread over the history (not only the last days), so that the error
  // distribution has seen the series' past surprises, not just its calm recent days.
  if (opts.originStep === undefined) step = Math.max(step, Math.floor((n - h - Math.max(minTrain, 3 * Math.max(...ctx.periods, m))) / K));
  while (K > 0 && n - h - (K - 1) * step < minTrain) K--;
  const names: ModelName[] = wanted.length > 0 ? wanted : ['snaive'];
  if (wanted.length < asked.length) {
    warnings.push(`series of ${n} points is too short for ${asked.filter((x) => !wanted.includes(x)).join(', ')}; using ${names.join(', ')}`);
  }
  // Rolling-origin backtest: fit once at the earliest origin, then re-run each model's
  // recursions with those parameters at the later origins (all strictly out of sample).
  const origins: number[] = [];
  for (let k = K - 1; k >= 0; k--) origins.push(n - h - k * step);
  const bt: Float64Array[][] = names.map(() => []);
  const states: unknown[] = names.map(() => undefined);
  const calendarAt: (CalendarFit | undefined)[] = [];
  names.forEach((name, i) => {
    origins.forEach((o, k) => {
      const fitted = MODELS[name].fit(y.subarray(0, o), ctx, states[i]);
      states[i] = fitted.state;
      bt[i]!.push(fitted.forecast(h));
      if (name === 'calendar') calendarAt[k] = fitted.state as CalendarFit;
    });
  });
  // Known events: only the calendar regression reads the events file; the others get its
  // estimated event effects on the steps an event covers.
  const withEvents = ctx.events !== null && ctx.eventLabels > 0;
  if (withEvents) {
    names.forEach((name, i) => {
      if (name === 'calendar') return;
      origins.forEach((_, k) => calendarAt[k] && applyEventEffects(calendarAt[k]!, ctx, bt[i]![k]!));
    });
  }
  const scale = maseScale(y.subarray(0, origins[0] ?? n), m);
  const score = names.map((_, i) => {
    if (origins.length === 0) return NaN;
    let s = 0;
    let c = 0;
    origins.forEach((o, k) => {
      const f = bt[i]![k]!;
      for (let j = 0; j < h; j++) {
        const v = f[j]!;
        s += Number.isFinite(v) ? Math.abs(y[o + j]! - v) : 1e9;
        c++;
      }
    });
    return s / c / scale;
  });
  // Weights: inverse squared scaled error over the three best models; equal weights
  // when there was no room for a backtest.
  const weights = new Float64Array(names.length);
  if (origins.length === 0) {
    weights.fill(1 / names.length);
    warnings.push(`series of ${n} points is too short to backtest a ${h}-step forecast; models weighted equally and intervals from a naive error model`);
  } else {
    const order = names.map((_, i) => i).sort((a, b) => score[a]! - score[b]!);
    let tot = 0;
    for (const i of order.slice(0, 3)) tot += weights[i] = 1 / Math.max(score[i]!, 1e-6) ** 2;
    for (let i = 0; i < names.length; i++) weights[i] = weights[i]! / tot;
  }
  // Final fits on the whole history.
  const finals = names.map((name, i) => MODELS[name].fit(y, ctx, opts.refit === false ? states[i] : states[i] && name !== 'calendar' && name !== 'theta' ? { warm: states[i] } : undefined));
  const perModel = finals.map((f) => clean(f.forecast(h), y, nonNeg));
  const cal = names.indexOf('calendar');
  if (withEvents && cal >= 0) names.forEach((name, i) => i !== cal && applyEventEffects(finals[cal]!.state as CalendarFit, ctx, perModel[i]!));
  const mean = new Float64Array(h);
  perModel.forEach((f, i) => {
    for (let j = 0; j < h; j++) mean[j] = mean[j]! + weights[i]! * f[j]!;
  });
  // Empirical errors of the combination at each backtest origin, relative to the
  // forecast for non-negative series (errors scale with the level), absolute otherwise.
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i]!;
  meanY /= Math.max(1, n);
  const relative = nonNeg && meanY > 0;
  // Error scale model: proportional to the forecast above the series' mean level, constant
  // below it. Traffic errors grow with the level at the peaks, but the quiet night hours'
  // relative errors (a few requests against a tiny forecast) must not set the peak's tail.
  const floor = meanY;
  const errs: number[][] = Array.from({ length: h }, () => []);
  for (const fs of bt) for (const f of fs) clean(f, y, nonNeg);
  origins.forEach((o, k) => {
    for (let j = 0; j < h; j++) {
      let f = 0;
      for (let i = 0; i < names.length; i++) f += weights[i]! * bt[i]![k]![j]!;
      const e = y[o + j]! - f;
      errs[j]!.push(relative ? e / Math.max(f, floor) : e);
    }
  });
  // The backtest windows are a sample of the history; if they were calmer than the history
  // as a whole, the intervals would be too narrow. The seasonal difference is a cheap probe
  // of "how surprising" each stretch is: inflate the error scale by how much rougher the
  // whole history is than the backtest windows (never shrink it).
  let inflate = 1;
  if (origins.length > 0 && m > 1 && n > 2 * m) {
    const rough = (t: number) => Math.abs(y[t]! - y[t - m]!) / (relative ? Math.max(y[t - m]!, floor) : 1);
    let hs = 0;
    for (let t = m; t < n; t++) hs += rough(t);
    hs /= n - m;
    let bs = 0;
    let bc = 0;
    for (const o of origins) {
      for (let j = 0; j < h && o + j < n; j++) {
        if (o + j < m) continue;
        bs += rough(o + j);
        bc++;
      }
    }
    if (bc > 0 && bs > 0) inflate = Math.min(3, Math.max(1, hs / (bs / bc)));
  }
  const quant = intervals(mean, errs, relative, nonNeg, y, m, origins.length === 0, origins.length, floor, inflate);
  const qs = opts.quantiles.map((p) => quant(p));
  const scores: ModelScore[] = names.map((name, i) => ({ name, detail: finals[i]!.detail, weight: weights[i]!, mase: score[i]! }));
  return { mean, quantiles: qs, perModel, scores, lo80: quant(0.1), hi80: quant(0.9), lo95: quant(0.025), hi95: quant(0.975), warnings };
}

function clean(f: Float64Array, y: Float64Array, nonNeg: boolean): Float64Array {
  const last = y[y.length - 1] ?? 0;
  for (let j = 0; j < f.length; j++) {
    if (!Number.isFinite(f[j]!)) f[j] = last;
    if (nonNeg && f[j]! < 0) f[j] = 0;
  }
  return f;
}

/**
 * Quantile function builder. The error scale at horizon j is the mean |error| of
 * horizons near j (made non-decreasing: uncertainty does not shrink with the horizon);
 * standardised errors from all horizons are pooled for the shape of the distribution.
 */
function intervals(mean: Float64Array, errs: number[][], relative: boolean, nonNeg: boolean, y: Float64Array, m: number, naive: boolean, K: number, floor: number, inflate: number): (p: number) => Float64Array {
  const h = mean.length;
  const sc = new Float64Array(h);
  let pooled: Float64Array;
  if (naive) {
    // No backtest possible: a random-walk-like error growing with √j from the one-step
    // seasonal differences.
    const base = maseScale(y, m) * 1.25;
    for (let j = 0; j < h; j++) sc[j] = base * Math.sqrt(1 + j / Math.max(1, m));
    pooled = Float64Array.from([-1.64, -1.28, -0.67, 0, 0.67, 1.28, 1.64, -2.33, 2.33, -1.96, 1.96]).sort();
    relative = false;
  } else {
    const w = Math.max(2, Math.round(h / 8));
    let prev = 0;
    for (let j = 0; j < h; j++) {
      let s = 0;
      let c = 0;
      for (let k = Math.max(0, j - w); k <= Math.min(h - 1, j + w); k++) {
        for (const e of errs[k]!) {
          s += Math.abs(e);
          c++;
        }
      }
      sc[j] = Math.max(prev, c > 0 ? s / c : 0, 1e-12);
      prev = sc[j]!;
    }
    const all: number[] = [];
    errs.forEach((es, j) => es.forEach((e) => all.push(e / sc[j]!)));
    pooled = Float64Array.from(all).sort();
  }
  return (p: number) => {
    const q = quantileSorted(pooled, p);
    // Beyond the observed range the empirical quantile is flat; stretch the tails
    // with a normal-like factor so that 99% is wider than 95%.
    const n = pooled.length;
    const tail = p < 1 / (n + 1) || p > n / (n + 1) ? 1.25 : 1;
    // Few backtest origins estimate the spread loosely: widen as a prediction interval
    // from a small sample does, by √(1 + 1/K) · t_{K−1}(p) / z(p) (K = origins).
    const z = qnorm(p);
    const small = naive || K < 2 || Math.abs(z) < 1e-6 ? 1 : (Math.sqrt(1 + 1 / K) * qt(p, Math.max(K - 1, 3))) / z;
    const out = new Float64Array(h);
    for (let j = 0; j < h; j++) {
      const d = q * tail * sc[j]! * small * inflate;
      let v = relative ? mean[j]! + Math.max(mean[j]!, floor) * d : mean[j]! + d;
      if (nonNeg && v < 0) v = 0;
      out[j] = v;
    }
    return out;
  };
}
