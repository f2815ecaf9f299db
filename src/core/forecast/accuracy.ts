/**
 * Forecast accuracy measures (Hyndman & Koehler 2006, "Another look at measures of
 * forecast accuracy", IJF 22:679–688; FPP3 §5.8): sMAPE as in the M3/M4 competitions
 * (0–200 scale) and MASE scaled by the in-sample seasonal naive MAE.
 */

/**
 * sMAPE in percent: mean of 200·|y − f| / (|y| + |f|); 0 when both are 0.
 *
 * @example
 * smape([100, 200], [110, 180]) // ≈ 10.0
 */
export function smape(actual: ArrayLike<number>, fc: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(fc[i]!);
    s += d > 0 ? (200 * Math.abs(actual[i]! - fc[i]!)) / d : 0;
  }
  return s / actual.length;
}

/**
 * Mean absolute seasonal difference of the training data at lag m (MASE's scale).
 *
 * @example
 * maseScale(train, 24) // mean |y[t] − y[t−24]|
 */
export function maseScale(train: ArrayLike<number>, m: number): number {
  const lag = train.length > m ? m : 1;
  let s = 0;
  let c = 0;
  for (let i = lag; i < train.length; i++) {
    s += Math.abs(train[i]! - train[i - lag]!);
    c++;
  }
  return c > 0 && s > 0 ? s / c : 1;
}

/**
 * MASE: mean absolute error over the seasonal naive in-sample MAE.
 *
 * @example
 * mase([3, 4], [3, 5], [1, 2, 3, 4], 1) // 0.5
 */
export function mase(actual: ArrayLike<number>, fc: ArrayLike<number>, train: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - fc[i]!);
  return s / actual.length / maseScale(train, m);
}

/**
 * Share of actual values inside [lo, hi].
 *
 * @example
 * coverage(actual, r.lo80, r.hi80) // ≈ 0.8 when calibrated
 */
export function coverage(actual: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lo[i]! && actual[i]! <= hi[i]!) c++;
  return c / actual.length;
}
