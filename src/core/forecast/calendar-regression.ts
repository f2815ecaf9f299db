import { solveSpd } from './cholesky.js';
import type { ForecastContext } from './context.js';

/**
 * A regression on calendar features (FPP3 ch. 7, "Time series regression models"; the
 * additive calendar effects of Taylor & Letham 2018, "Forecasting at scale", without the
 * Bayesian machinery): position in the short cycle (hour of day), day of the long cycle
 * (day of week), position in the long cycle (hour of week, shrunk harder as it is the
 * interaction), a linear trend, one effect per known-event label plus a shared one, fitted
 * by weighted ridge least squares on log(y + c) with exponentially decaying weights so that
 * level shifts are followed. The residuals' recent structure is carried forward by an AR
 * model on lags 1 and m (the "level correction").
 */

export interface CalendarFit {
  coef: Float64Array;
  n: number;
  /** The n the trend column was scaled by when the coefficients were fitted. */
  nScale: number;
  /** log offset c, or NaN when fitted on the raw scale (series with negative values). */
  offset: number;
  ar1: number;
  arM: number;
  /** Mean residual of the last short cycle (log scale) and its per-step decay. */
  level: number;
  levelDecay: number;
  /** The last max(m, 1) residuals, oldest first. */
  lastResid: Float64Array;
  layout: Layout;
}

interface Layout {
  p1: number;
  p2: number;
  ph1: number;
  ph2: number;
  days: number;
  cTrend: number;
  cHod: number;
  cDow: number;
  cHow: number;
  how: boolean;
  cEvent: number;
  labels: number;
  p: number;
}

function layoutOf(ctx: ForecastContext): Layout {
  const p1 = ctx.periods[0] ?? 1;
  const p2 = ctx.periods.length > 1 ? ctx.periods[ctx.periods.length - 1]! : 1;
  const days = p2 > 1 && p2 % p1 === 0 ? p2 / p1 : 1;
  const cTrend = 1;
  const cHod = 2;
  const cDow = cHod + (p1 > 1 ? p1 : 0);
  const cHow = cDow + (days > 1 ? days : 0);
  // Position in the long cycle only while the system stays small (hourly: 168 columns);
  // 5-minute data would need 2016 and a Cholesky of that size per fit.
  const how = p2 > 1 && p2 <= 400;
  const cEvent = cHow + (how ? p2 : 0);
  const labels = ctx.events ? ctx.eventLabels : 0;
  return { p1, p2, ph1: ctx.phase[0] ?? 0, ph2: ctx.phase[ctx.phase.length - 1] ?? 0, days, cTrend, cHod, cDow, cHow, how, cEvent, labels, p: cEvent + (labels > 0 ? labels + 1 : 0) };
}

/** Nonzero columns of row t (absolute index from y[0]); returns the count. */
function rowCols(L: Layout, ctx: ForecastContext, t: number, n: number, cols: Int32Array, vals: Float64Array): number {
  let k = 0;
  cols[k] = 0; vals[k++] = 1;
  cols[k] = L.cTrend; vals[k++] = t / n;
  if (L.p1 > 1) {
    cols[k] = L.cHod + ((t + L.ph1) % L.p1); vals[k++] = 1;
  }
  if (L.p2 > 1) {
    const pos = (t + L.ph2) % L.p2;
    if (L.days > 1) {
      cols[k] = L.cDow + Math.floor(pos / L.p1); vals[k++] = 1;
    }
    if (L.how) {
      cols[k] = L.cHow + pos; vals[k++] = 1;
    }
  }
  const ev = ctx.events && t < ctx.events.length ? ctx.events[t]! : -1;
  if (L.labels > 0 && ev >= 0) {
    cols[k] = L.cEvent; vals[k++] = 1;
    cols[k] = L.cEvent + 1 + ev; vals[k++] = 1;
  }
  return k;
}

/**
 * Fits the calendar regression.
 *
 * @example
 * calendarForecast(fitCalendar(y, makeContext([24, 168], time)), 48)
 */
export function fitCalendar(y: Float64Array, ctx: ForecastContext, reuse?: CalendarFit): CalendarFit {
  const n = y.length;
  const L = reuse?.layout ?? layoutOf(ctx);
  let min = Infinity;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    if (y[i]! < min) min = y[i]!;
    mean += y[i]!;
  }
  mean /= n;
  const offset = reuse ? reuse.offset : min >= 0 ? Math.max(0.05 * mean, 1e-9) : NaN;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = Number.isNaN(offset) ? y[i]! : Math.log(y[i]! + offset);
  const cols = new Int32Array(8);
  const vals = new Float64Array(8);
  // With `reuse` (backtest origins) the coefficients stay; only the residual
  // corrections are recomputed. The trend column is scaled by the original n.
  const coef = reuse ? reuse.coef : solveCoefficients(z, L, ctx, cols, vals);
  const nScale = reuse ? reuse.nScale : n;
  return { ...corrections(z, coef, L, ctx, nScale, cols, vals), coef, n, nScale, offset, layout: L };
}

function solveCoefficients(z: Float64Array, L: Layout, ctx: ForecastContext, cols: Int32Array, vals: Float64Array): Float64Array {
  const n = z.length;
  const p = L.p;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  // Half-life of four long cycles (four weeks for hourly data): recent weeks dominate.
  const halfLife = 4 * Math.max(L.p2, L.p1, 24);
  const decay = Math.pow(0.5, 1 / halfLife);
  let w = 1;
  let W = 0;
  for (let t = n - 1; t >= 0; t--) {
    const k = rowCols(L, ctx, t, n, cols, vals);
    // Known events are rare: an old holiday is as informative about the next one as a
    // recent one, so event rows keep full weight whatever their age.
    const wt = L.labels > 0 && ctx.events && ctx.events[t]! >= 0 ? 1 : w;
    for (let a = 0; a < k; a++) {
      const ca = cols[a]!;
      const va = wt * vals[a]!;
      b[ca] = b[ca]! + va * z[t]!;
      for (let c = 0; c < k; c++) A[ca * p + cols[c]!] = A[ca * p + cols[c]!]! + va * vals[c]!;
    }
    W += w;
    w *= decay;
  }
  // Ridge penalties in units of weighted observations.
  A[0] = A[0]! + 1e-9 * W;
  A[L.cTrend * p + L.cTrend] = A[L.cTrend * p + L.cTrend]! + 0.05 * W;
  for (let c = L.cHod; c < L.cDow; c++) A[c * p + c] = A[c * p + c]! + 1;
  for (let c = L.cDow; c < L.cHow; c++) A[c * p + c] = A[c * p + c]! + 1;
  for (let c = L.cHow; c < L.cEvent; c++) A[c * p + c] = A[c * p + c]! + (0.5 * W) / L.p2;
  for (let c = L.cEvent; c < p; c++) A[c * p + c] = A[c * p + c]! + 2;
  if (!(L.how ? solveDiagonalBlock(A, b, p, L.cHow, L.cEvent) : solveSpd(A, b, p))) b.fill(0);
  return b;
}

/**
 * Solves A x = b when the columns [h0, h1) form a diagonal block (hour-of-week dummies:
 * each row has exactly one), by eliminating that block first (Schur complement): a Cholesky
 * of the ~35 remaining columns instead of ~200. Writes x into b.
 */
function solveDiagonalBlock(A: Float64Array, b: Float64Array, p: number, h0: number, h1: number): boolean {
  const others: number[] = [];
  for (let c = 0; c < p; c++) if (c < h0 || c >= h1) others.push(c);
  const q = others.length;
  const S = new Float64Array(q * q);
  const r = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    r[i] = b[others[i]!]!;
    for (let j = 0; j < q; j++) S[i * q + j] = A[others[i]! * p + others[j]!]!;
  }
  const nz: number[] = [];
  for (let c = h0; c < h1; c++) {
    const d = A[c * p + c]!;
    if (!(d > 0)) return false;
    nz.length = 0;
    for (let i = 0; i < q; i++) if (A[others[i]! * p + c] !== 0) nz.push(i);
    for (const i of nz) {
      const aic = A[others[i]! * p + c]! / d;
      r[i] = r[i]! - aic * b[c]!;
      for (const j of nz) S[i * q + j] = S[i * q + j]! - aic * A[c * p + others[j]!]!;
    }
  }
  if (!solveSpd(S, r, q)) return false;
  for (let i = 0; i < q; i++) b[others[i]!] = r[i]!;
  for (let c = h0; c < h1; c++) {
    let v = 0;
    for (let i = 0; i < q; i++) v += A[c * p + others[i]!]! * r[i]!;
    b[c] = (b[c]! - v) / A[c * p + c]!;
  }
  return true;
}

function corrections(z: Float64Array, coef: Float64Array, L: Layout, ctx: ForecastContext, nScale: number, cols: Int32Array, vals: Float64Array) {
  const n = z.length;
  // Residuals and an AR(1, m) on them, by least squares over the last few cycles.
  const m = L.p1 > 1 ? L.p1 : 1;
  const resid = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const k = rowCols(L, ctx, t, nScale, cols, vals);
    let f = 0;
    for (let a = 0; a < k; a++) f += coef[cols[a]!]! * vals[a]!;
    resid[t] = z[t]! - f;
  }
  // Level correction: the mean residual of the last short cycle, carried forward and
  // decaying with a half-life of one long cycle; the AR model works on what remains.
  let level = 0;
  for (let t = Math.max(0, n - m); t < n; t++) level += resid[t]!;
  level /= Math.min(n, m);
  for (let t = 0; t < n; t++) resid[t] = resid[t]! - level;
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (let t = Math.max(m, n - 6 * Math.max(L.p2, m)); t < n; t++) {
    const r1 = resid[t - 1]!;
    const r2 = m > 1 ? resid[t - m]! : 0;
    s11 += r1 * r1; s12 += r1 * r2; s22 += r2 * r2; s1y += r1 * resid[t]!; s2y += r2 * resid[t]!;
  }
  let ar1 = 0;
  let arM = 0;
  const det = s11 * s22 - s12 * s12;
  if (m > 1 && det > 1e-12 * (s11 * s22 + 1e-300)) {
    ar1 = (s1y * s22 - s2y * s12) / det;
    arM = (s2y * s11 - s1y * s12) / det;
  } else if (s11 > 0) ar1 = s1y / s11;
  // Keep the recursion stable: shrink when the coefficients could explode.
  const tot = Math.abs(ar1) + Math.abs(arM);
  if (tot > 0.95) {
    ar1 *= 0.95 / tot;
    arM *= 0.95 / tot;
  }
  return { ar1, arM, level, levelDecay: Math.pow(0.5, 1 / Math.max(L.p2, 7 * m, 2)), lastResid: resid.slice(Math.max(0, n - m)) };
}

/**
 * The fitted effect of the known event at absolute step t (0 when none), on the model's
 * scale: log (multiplicative) or raw (additive when the series has negative values).
 */
function eventEffect(fit: CalendarFit, ctx: ForecastContext, t: number): number {
  const L = fit.layout;
  const ev = L.labels > 0 && ctx.events && t < ctx.events.length ? ctx.events[t]! : -1;
  return ev >= 0 ? fit.coef[L.cEvent]! + fit.coef[L.cEvent + 1 + ev]! : 0;
}

/**
 * Applies the calendar model's known-event effects to another model's forecast that starts
 * right after the fitted history (other models know nothing of the event file).
 *
 * @example
 * applyEventEffects(calendarFit, ctx, etsForecast)
 */
export function applyEventEffects(fit: CalendarFit, ctx: ForecastContext, f: Float64Array): void {
  if (fit.layout.labels === 0 || !ctx.events) return;
  for (let j = 0; j < f.length; j++) {
    const e = eventEffect(fit, ctx, fit.n + j);
    if (e === 0) continue;
    f[j] = Number.isNaN(fit.offset) ? f[j]! + e : Math.max(0, (Math.max(f[j]!, 0) + fit.offset) * Math.exp(e) - fit.offset);
  }
}

/**
 * Forecasts h steps; `ctx` must be the one used to fit (its events reach past the end).
 *
 * @example
 * calendarForecast(fitCalendar(y, ctx), ctx, 48)
 */
export function calendarForecast(fit: CalendarFit, ctx: ForecastContext, h: number): Float64Array {
  const L = fit.layout;
  const m = fit.lastResid.length;
  const r = new Float64Array(m + h);
  r.set(fit.lastResid);
  const out = new Float64Array(h);
  const cols = new Int32Array(8);
  const vals = new Float64Array(8);
  for (let j = 0; j < h; j++) {
    const t = fit.n + j;
    const k = rowCols(L, ctx, t, fit.nScale, cols, vals);
    let f = 0;
    for (let a = 0; a < k; a++) f += fit.coef[cols[a]!]! * vals[a]!;
    const i = m + j;
    r[i] = fit.ar1 * r[i - 1]! + (m > 1 ? fit.arM * r[i - m]! : 0);
    f += r[i]! + fit.level * Math.pow(fit.levelDecay, j + 1);
    out[j] = Number.isNaN(fit.offset) ? f : Math.max(0, Math.exp(f) - fit.offset);
  }
  return out;
}
