import { acf } from './seasonality.js';
import { seasonalIndices } from './decompose.js';
import { etsForecast, fitEtsModel, refitEts, type EtsFit } from './ets.js';

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000, "The theta model: a decomposition
 * approach to forecasting", IJF 16:521–530) in the form of Hyndman & Billah (2003,
 * "Unmasking the Theta method", IJF 19:287–290): simple exponential smoothing with drift
 * equal to half the slope of a linear trend. Seasonal adjustment as R's forecast::thetaf():
 * classical multiplicative decomposition when the ACF at lag m is significant at 90%.
 */

export interface ThetaFit {
  ses: EtsFit;
  slope: number;
  n: number;
  m: number;
  /** Multiplicative seasonal indices by position (t mod m), or null. */
  season: Float64Array | null;
}

/** thetaf's seasonality test: |r_m| / sqrt((1 + 2 Σ_{k<m} r_k²)/n) > qnorm(0.95). */
function seasonalTest(y: Float64Array, m: number): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  let s = 0;
  for (let k = 1; k < m; k++) s += acf(y, k) ** 2;
  return Math.abs(acf(y, m)) / Math.sqrt((1 + 2 * s) / n) > 1.6448536;
}

function adjust(y: Float64Array, season: Float64Array | null, m: number): Float64Array {
  if (!season) return y;
  const x = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) x[i] = y[i]! / season[i % m]!;
  return x;
}

function slopeOf(x: Float64Array): number {
  const n = x.length;
  let sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sx += i; sy += x[i]!; sxx += i * i; sxy += i * x[i]!;
  }
  const d = n * sxx - sx * sx;
  return d > 0 ? (n * sxy - sx * sy) / d : 0;
}

/**
 * Fits thetaf; with `reuse`, keeps its seasonal indices and SES parameters (backtests).
 *
 * @example
 * thetaForecast(fitTheta(y, 24), 48)
 */
export function fitTheta(y: Float64Array, m: number, reuse?: ThetaFit): ThetaFit {
  let season: Float64Array | null = reuse ? reuse.season : null;
  if (!reuse && seasonalTest(y, m)) {
    // As thetaf: no positivity check, only "any seasonal index near 0" disables it.
    const idx = seasonalIndices(y, m, 'multiplicative');
    if (idx.every((v) => Number.isFinite(v) && Math.abs(v) >= 1e-4)) season = idx;
  }
  const x = adjust(y, season, m);
  const ses = reuse ? refitEts(reuse.ses, x) : (fitEtsModel(x, 1, { error: 'A', trend: 'N', season: 'N' }) ?? refitEts({ ...fallbackSes(x) }, x));
  return { ses, slope: slopeOf(x) / 2, n: y.length, m, season };
}

function fallbackSes(x: Float64Array): EtsFit {
  return { spec: { error: 'A', trend: 'N', season: 'N' }, m: 1, alpha: 0.5, beta: 0, gamma: 0, phi: 1, l0: x[0] ?? 0, b0: 0, s0: new Float64Array(1), aicc: Infinity, sigma2: 0, n: 0, l: 0, b: 0, s: new Float64Array(1) };
}

/**
 * Point forecasts: SES + b/2 · (j − 1 + (1 − (1 − α)^n)/α), reseasonalised.
 *
 * @example
 * thetaForecast(fitTheta(y, 24), 48)
 */
export function thetaForecast(fit: ThetaFit, h: number): Float64Array {
  const base = etsForecast(fit.ses, h);
  const alpha = Math.max(1e-10, fit.ses.alpha);
  const k = (1 - Math.pow(1 - alpha, fit.n)) / alpha;
  for (let j = 0; j < h; j++) {
    base[j] = base[j]! + fit.slope * (j + k);
    if (fit.season) base[j] = base[j]! * fit.season[(fit.n + j) % fit.m]!;
  }
  return base;
}
