import { invalidInput } from '../errors.js';

/**
 * Seasonal periods: parsed from `--season 24,168` or detected from the autocorrelation
 * function at the calendar periods that fit the sampling step (Hyndman & Athanasopoulos,
 * FPP3 §2.8: a seasonal series has a large ACF at the seasonal lag).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/**
 * Parses `--season` values: positive integers, comma separated, e.g. `24,168`.
 *
 * @example
 * parseSeason('24,168') // [24, 168]
 */
export function parseSeason(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const out = parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 2 || Number(p) > 100_000) {
      throw invalidInput('HR_E_BAD_SEASON', `--season: expected seasonal periods in steps as integers ≥ 2 like 24,168, got "${text}"`);
    }
    return Number(p);
  });
  return [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Sample autocorrelation at one lag (FPP3 eq. 2.1).
 *
 * @example
 * acf(hourly, 24) // near 1 for a strong daily cycle
 */
export function acf(y: Float64Array, lag: number): number {
  const n = y.length;
  if (lag >= n - 1) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let den = 0;
  let num = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i]! - mean;
    den += d * d;
    if (i >= lag) num += d * (y[i - lag]! - mean);
  }
  return den > 0 ? num / den : 0;
}

/**
 * Calendar periods (day, week) expressed in steps, when the step divides them.
 *
 * @example
 * candidatePeriods(3_600_000) // [24, 168]
 */
export function candidatePeriods(stepMs: number): number[] {
  const out: number[] = [];
  for (const p of [DAY, WEEK]) {
    const k = p / stepMs;
    if (Number.isInteger(k) && k >= 2) out.push(k);
  }
  return out;
}

/**
 * Keeps the candidate periods the data supports: at least two full cycles and an ACF at
 * that lag above both 0.2 and the 95% white-noise bound.
 *
 * @example
 * detectSeasonality(y, 3_600_000) // [24, 168] for hourly traffic with 3+ weeks of data
 */
export function detectSeasonality(y: Float64Array, stepMs: number): number[] {
  const n = y.length;
  return candidatePeriods(stepMs).filter((m) => n >= 2 * m && acf(y, m) > Math.max(0.2, 1.96 / Math.sqrt(n)));
}
