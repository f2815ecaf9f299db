import { nelderMead } from './nelder-mead.js';
import { seasonalIndices } from './decompose.js';

/**
 * Exponential smoothing in innovations state-space form, ETS(error, trend, season):
 * Hyndman, Koehler, Ord & Snyder (2008), "Forecasting with Exponential Smoothing: the State
 * Space Approach", Springer, Tables 2.2/2.3; FPP3 §8.5–8.6. Parameters are estimated by
 * maximum likelihood with Nelder–Mead and the model is chosen by AICc, as R's
 * forecast::ets() does (same candidate set with restrict = TRUE and no multiplicative
 * trend, same "usual" parameter bounds, same likelihood and parameter count).
 *
 * The m − 1 initial seasonal states start from a classical decomposition of the first
 * three cycles (Hyndman et al. 2008 §2.6.1, R's initstate()). R optimises them with the
 * other parameters; so do we for the two best candidates (`optimiseSeason`), but the
 * screening of all candidates keeps them fixed, and fleet (fast) mode never optimises them.
 */

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: EtsError;
  trend: EtsTrend;
  season: EtsSeason;
}

/** A fitted ETS model with its state after the last observation. */
export interface EtsFit {
  spec: EtsSpec;
  m: number;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
  /** Initial seasonal states for times 0..m−1. */
  s0: Float64Array;
  aicc: number;
  /** Residual variance of the innovations (additive scale for A, relative for M). */
  sigma2: number;
  n: number;
  /** State after the last observation: level, trend, seasonal ring (slot t mod m). */
  l: number;
  b: number;
  s: Float64Array;
}

/**
 * `ETS(M,Ad,M)` style name.
 *
 * @example
 * etsName({ error: 'M', trend: 'Ad', season: 'M' }) // 'ETS(M,Ad,M)'
 */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

const BIG = 1e12;
const LOWER = 1e-4;
const UPPER = 0.9999;

interface FilterOut {
  lik: number;
  sse: number;
  l: number;
  b: number;
}

/**
 * Runs the state recursions over y and returns −2 log-likelihood up to a constant
 * (R's etscalc: n log Σe² (+ 2 Σ log|μ| for multiplicative errors)). `s` is the seasonal
 * ring, filled with the initial states on entry and holding the final states on exit.
 */
function filter(
  y: Float64Array,
  spec: EtsSpec,
  alpha: number,
  beta: number,
  gamma: number,
  phi: number,
  l0: number,
  b0: number,
  s: Float64Array,
  m: number,
  out: FilterOut,
): void {
  const n = y.length;
  const multErr = spec.error === 'M';
  const hasTrend = spec.trend !== 'N';
  const season = spec.season === 'N' ? 0 : spec.season === 'A' ? 1 : 2;
  let l = l0;
  let b = hasTrend ? b0 : 0;
  const ph = hasTrend ? phi : 0;
  let sse = 0;
  let logSum = 0;
  let slot = 0;
  for (let t = 0; t < n; t++) {
    const trendPart = l + ph * b; // level plus damped trend
    const st = season === 0 ? 0 : s[slot]!;
    const mu = season === 0 ? trendPart : season === 1 ? trendPart + st : trendPart * st;
    const yt = y[t]!;
    let e: number;
    if (multErr) {
      if (!(mu > 1e-10)) {
        out.lik = BIG;
        return;
      }
      e = (yt - mu) / mu;
      logSum += Math.log(mu);
    } else e = yt - mu;
    sse += e * e;
    // Table 2.2 (additive errors) and 2.3 (multiplicative errors) of Hyndman et al. 2008.
    if (!multErr) {
      if (season === 2) {
        l = trendPart + (alpha * e) / st;
        if (hasTrend) b = ph * b + (beta * e) / st;
        s[slot] = st + (gamma * e) / trendPart;
      } else {
        l = trendPart + alpha * e;
        if (hasTrend) b = ph * b + beta * e;
        if (season === 1) s[slot] = st + gamma * e;
      }
    } else if (season === 1) {
      l = trendPart + alpha * mu * e;
      if (hasTrend) b = ph * b + beta * mu * e;
      s[slot] = st + gamma * mu * e;
    } else {
      l = trendPart * (1 + alpha * e);
      if (hasTrend) b = ph * b + beta * trendPart * e;
      if (season === 2) s[slot] = st * (1 + gamma * e);
    }
    if (++slot === m) slot = 0;
  }
  if (!Number.isFinite(sse) || sse <= 0) {
    out.lik = sse === 0 ? -BIG : BIG;
    out.sse = sse;
    return;
  }
  out.lik = n * Math.log(sse) + 2 * logSum;
  out.sse = sse;
  out.l = l;
  out.b = b;
}

/** Initial states, after R's initstate(): decomposition of the first 3 cycles, then a line through the first max(10, 2m) adjusted values. */
function initStates(y: Float64Array, spec: EtsSpec, m: number): { l0: number; b0: number; s0: Float64Array } {
  const s0 = new Float64Array(Math.max(1, m)).fill(spec.season === 'M' ? 1 : 0);
  const sa = new Float64Array(y);
  if (spec.season !== 'N') {
    const head = y.subarray(0, Math.min(y.length, 3 * m));
    const idx = seasonalIndices(head, m, spec.season === 'A' ? 'additive' : 'multiplicative');
    for (let j = 0; j < m; j++) s0[j] = spec.season === 'M' ? Math.max(idx[j]!, 1e-2) : idx[j]!;
    for (let i = 0; i < sa.length; i++) sa[i] = spec.season === 'A' ? y[i]! - s0[i % m]! : y[i]! / s0[i % m]!;
  }
  const k = Math.min(Math.max(10, 2 * m), sa.length);
  if (spec.trend === 'N') {
    let mean = 0;
    for (let i = 0; i < k; i++) mean += sa[i]!;
    return { l0: mean / k, b0: 0, s0 };
  }
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < k; i++) {
    const x = i + 1;
    sx += x; sy += sa[i]!; sxx += x * x; sxy += x * sa[i]!;
  }
  const slope = k > 1 ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0;
  const icpt = (sy - slope * sx) / k;
  return { l0: icpt, b0: slope, s0 };
}

/**
 * Fits one ETS model by maximum likelihood. Returns null when there are too few data
 * for the model's parameters.
 *
 * @example
 * fitEtsModel(y, 24, { error: 'A', trend: 'Ad', season: 'A' })?.aicc
 */
export function fitEtsModel(y: Float64Array, m: number, spec: EtsSpec, maxEval = 300, start?: EtsFit, optimiseSeason = false): EtsFit | null {
  const n = y.length;
  const seasonal = spec.season !== 'N';
  const mm = seasonal ? m : 1;
  const hasTrend = spec.trend !== 'N';
  const damped = spec.trend === 'Ad';
  const np = 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) + (damped ? 1 : 0) + 1 + (hasTrend ? 1 : 0) + (seasonal ? mm - 1 : 0) + 1;
  if (n <= np + 1 || (seasonal && n < 2 * mm + 2)) return null;
  const init = initStates(y, spec, mm);
  // Start values as R's ets(): alpha small for seasonal data, beta and gamma smaller still.
  const a0 = LOWER + (0.2 * (UPPER - LOWER)) / mm;
  const x0: number[] = [a0];
  const step: number[] = [0.1];
  const add = (v: number, st: number) => {
    x0.push(v);
    step.push(st);
  };
  if (hasTrend) add(LOWER + 0.1 * (a0 - LOWER), 0.01);
  if (seasonal) add(LOWER + 0.05 * (UPPER - a0 - LOWER), 0.05);
  if (damped) add(0.97, 0.01);
  const scale = Math.max(Math.abs(init.l0), 1e-6);
  add(init.l0 / scale, 0.1);
  const bScale = Math.max(Math.abs(init.b0), scale * 1e-3);
  if (hasTrend) add(init.b0 / bScale, 0.5);
  // Optionally the initial seasonal states too, as R does: m − 1 free values, the last one
  // set so that they sum to 0 (additive) or m (multiplicative).
  const optS = optimiseSeason && seasonal && mm > 1;
  const iS = x0.length;
  const sScale = spec.season === 'A' ? scale : 1;
  const s0 = Float64Array.from(start && optS && start.s0.length === mm && etsName(start.spec) === etsName(spec) ? start.s0 : init.s0);
  if (optS) for (let j = 0; j < mm - 1; j++) add(s0[j]! / sScale, spec.season === 'A' ? 0.05 : 0.05);
  const seasonFrom = (x: Float64Array, into: Float64Array): boolean => {
    if (!optS) {
      into.set(s0);
      return true;
    }
    let sum = 0;
    for (let j = 0; j < mm - 1; j++) sum += into[j] = x[iS + j]! * sScale;
    into[mm - 1] = spec.season === 'A' ? -sum : mm - sum;
    if (spec.season === 'M') for (let j = 0; j < mm; j++) if (!(into[j]! > 0)) return false;
    return true;
  };
  const s = new Float64Array(mm);
  const out: FilterOut = { lik: 0, sse: 0, l: 0, b: 0 };
  const unpack = (x: Float64Array) => {
    let i = 0;
    const alpha = x[i++]!;
    const beta = hasTrend ? x[i++]! : 0;
    const gamma = seasonal ? x[i++]! : 0;
    const phi = damped ? x[i++]! : 1;
    const l0 = x[i++]! * scale;
    const b0 = hasTrend ? x[i++]! * bScale : 0;
    return { alpha, beta, gamma, phi, l0, b0 };
  };
  // No allocation per evaluation: this runs hundreds of times per model.
  const iBeta = hasTrend ? 1 : -1;
  const iGamma = seasonal ? (hasTrend ? 2 : 1) : -1;
  const iPhi = damped ? 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) : -1;
  const iL = 1 + (hasTrend ? 1 : 0) + (seasonal ? 1 : 0) + (damped ? 1 : 0);
  const objective = (x: Float64Array): number => {
    const alpha = x[0]!;
    const beta = iBeta > 0 ? x[iBeta]! : 0;
    const gamma = iGamma > 0 ? x[iGamma]! : 0;
    const phi = iPhi > 0 ? x[iPhi]! : 1;
    // The "usual" region (Hyndman et al. 2008 §10.2; R's ets bounds = "both" check).
    if (alpha < LOWER || alpha > UPPER) return BIG;
    if (hasTrend && (beta < LOWER || beta > alpha)) return BIG;
    if (seasonal && (gamma < LOWER || gamma > 1 - alpha)) return BIG;
    if (damped && (phi < 0.8 || phi > 0.98)) return BIG;
    if (!seasonFrom(x, s)) return BIG;
    filter(y, spec, alpha, beta, gamma, phi, x[iL]! * scale, hasTrend ? x[iL + 1]! * bScale : 0, s, mm, out);
    return out.lik;
  };
  if (start && start.m === mm && etsName(start.spec) === etsName(spec)) {
    // Warm start from an earlier fit of the same model (a shorter window of the series).
    let i = 0;
    x0[i++] = start.alpha;
    if (hasTrend) x0[i++] = Math.min(start.beta, start.alpha);
    if (seasonal) x0[i++] = start.gamma;
    if (damped) x0[i++] = start.phi;
    for (let k = 0; k < i; k++) step[k] = step[k]! / 4;
  }
  const res = nelderMead(objective, Float64Array.from(x0), Float64Array.from(step), maxEval, 1e-8);
  if (res.f >= BIG) return null;
  const p = unpack(res.x);
  const sInit = new Float64Array(mm);
  seasonFrom(res.x, sInit);
  s.set(sInit);
  filter(y, spec, p.alpha, p.beta, p.gamma, p.phi, p.l0, p.b0, s, mm, out);
  const aic = out.lik + 2 * np;
  const aicc = aic + (2 * np * (np + 1)) / (n - np - 1);
  return { spec, m: mm, ...p, s0: sInit, aicc, sigma2: out.sse / Math.max(1, n - np + 1), n, l: out.l, b: out.b, s };
}

/**
 * The candidate set of R's ets() with default arguments: errors A/M, trends N/A/Ad,
 * seasons N/A/M (seasonal only for 1 < m ≤ 24 as in R, "frequency too high" otherwise);
 * restrict = TRUE drops additive error with multiplicative season; multiplicative
 * components need strictly positive data.
 *
 * @example
 * etsCandidates(y, 24).length // 15 for positive data
 */
export function etsCandidates(y: Float64Array, m: number): EtsSpec[] {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) positive = false;
  const out: EtsSpec[] = [];
  for (const error of (positive ? ['A', 'M'] : ['A']) as EtsError[]) {
    for (const trend of ['N', 'A', 'Ad'] as EtsTrend[]) {
      for (const season of (m > 1 && m <= 24 ? (positive ? ['N', 'A', 'M'] : ['N', 'A']) : ['N']) as EtsSeason[]) {
        if (error === 'A' && season === 'M') continue;
        out.push({ error, trend, season });
      }
    }
  }
  return out;
}

/**
 * Automatic ETS: fits every candidate and keeps the one with the lowest AICc.
 *
 * @example
 * etsForecast(autoEts(y, 24), 48)
 */
export function autoEts(y: Float64Array, m: number, candidates = etsCandidates(y, m), optimiseSeason = false): EtsFit {
  let best: EtsFit | null = null;
  // Screen every candidate with a short optimisation, then optimise the two best fully:
  // AICc gaps between model classes are large, so the ranking settles early, and this is
  // several times cheaper than optimising all fifteen to convergence.
  const screened: EtsFit[] = [];
  for (const spec of candidates) {
    const f = fitEtsModel(y, m, spec, candidates.length > 3 ? 40 : 300);
    if (f) screened.push(f);
  }
  screened.sort((a, b) => a.aicc - b.aicc);
  const refine = screened.slice(0, 2);
  // With fixed heuristic seasonal states a seasonal model can screen worse than it fits:
  // when optimising them, always refine the best seasonal candidate too.
  const bestSeasonal = screened.find((f) => f.spec.season !== 'N');
  if (optimiseSeason && bestSeasonal && !refine.includes(bestSeasonal)) refine.push(bestSeasonal);
  for (const s of refine) {
    const f = candidates.length > 3 || optimiseSeason ? fitEtsModel(y, m, s.spec, optimiseSeason && s.spec.season !== 'N' ? 200 + 60 * s.m : 200, s, optimiseSeason) : s;
    if (f && (!best || f.aicc < best.aicc)) best = f;
  }
  if (!best) {
    // Too short for any model with parameters: simple exponential smoothing at α = 0.5.
    best = refitEts({ spec: { error: 'A', trend: 'N', season: 'N' }, m: 1, alpha: 0.5, beta: 0, gamma: 0, phi: 1, l0: y[0] ?? 0, b0: 0, s0: new Float64Array(1), aicc: Infinity, sigma2: 0, n: 0, l: 0, b: 0, s: new Float64Array(1) }, y);
  }
  return best;
}

/**
 * Runs a fitted model's recursions over (a longer or shorter) y with the same parameters
 * and initial states: the cheap update a rolling-origin backtest needs.
 *
 * @example
 * etsForecast(refitEts(fitOnEarlierWindow, y), 48)
 */
export function refitEts(fit: EtsFit, y: Float64Array): EtsFit {
  const s = Float64Array.from(fit.s0);
  const out: FilterOut = { lik: 0, sse: 0, l: fit.l0, b: fit.b0 };
  filter(y, fit.spec, fit.alpha, fit.beta, fit.gamma, fit.phi, fit.l0, fit.b0, s, fit.m, out);
  if (out.lik >= BIG) return autoEts(y, fit.m, [fit.spec]);
  return { ...fit, n: y.length, l: out.l, b: out.b, s, sigma2: out.sse / Math.max(1, y.length) };
}

/**
 * Point forecasts h steps ahead (Hyndman et al. 2008 §2.3).
 *
 * @example
 * etsForecast(fit, 48) // Float64Array(48)
 */
export function etsForecast(fit: EtsFit, h: number): Float64Array {
  const out = new Float64Array(h);
  const hasTrend = fit.spec.trend !== 'N';
  let damp = 0;
  let pw = 1;
  for (let j = 1; j <= h; j++) {
    pw *= fit.phi;
    damp += hasTrend ? pw : 0;
    const trend = fit.l + damp * fit.b;
    const st = fit.spec.season === 'N' ? 0 : fit.s[(fit.n + j - 1) % fit.m]!;
    out[j - 1] = fit.spec.season === 'N' ? trend : fit.spec.season === 'A' ? trend + st : trend * st;
  }
  return out;
}
