/**
 * Classical decomposition (FPP3 §3.4; R's stats::decompose): a centred moving average of
 * order m (2×m when m is even) for the trend, seasonal indices averaged per position of
 * the cycle and normalised to sum to 0 (additive) or average 1 (multiplicative).
 */

/**
 * Centred moving average of order m; NaN where the window does not fit.
 *
 * @example
 * centredMovingAverage(y, 24) // NaN for the first and last 12 points
 */
export function centredMovingAverage(y: Float64Array, m: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n).fill(NaN);
  const half = Math.floor(m / 2);
  if (m % 2 === 1) {
    for (let i = half; i < n - half; i++) {
      let s = 0;
      for (let k = -half; k <= half; k++) s += y[i + k]!;
      out[i] = s / m;
    }
  } else {
    // 2×m-MA: weights 1/(2m) at the ends, 1/m inside.
    for (let i = half; i < n - half; i++) {
      let s = 0.5 * (y[i - half]! + y[i + half]!);
      for (let k = -half + 1; k < half; k++) s += y[i + k]!;
      out[i] = s / m;
    }
  }
  return out;
}

/**
 * Seasonal indices of period m, index j for positions i ≡ j (mod m) of y.
 *
 * @example
 * seasonalIndices(y, 24, 'multiplicative') // 24 factors averaging 1
 */
export function seasonalIndices(y: Float64Array, m: number, type: 'additive' | 'multiplicative'): Float64Array {
  const trend = centredMovingAverage(y, m);
  const sum = new Float64Array(m);
  const cnt = new Float64Array(m);
  for (let i = 0; i < y.length; i++) {
    const t = trend[i]!;
    if (Number.isNaN(t)) continue;
    const v = type === 'additive' ? y[i]! - t : t !== 0 ? y[i]! / t : NaN;
    if (!Number.isFinite(v)) continue;
    sum[i % m] = sum[i % m]! + v;
    cnt[i % m] = cnt[i % m]! + 1;
  }
  const idx = new Float64Array(m);
  let total = 0;
  for (let j = 0; j < m; j++) {
    idx[j] = cnt[j]! > 0 ? sum[j]! / cnt[j]! : type === 'additive' ? 0 : 1;
    total += idx[j]!;
  }
  for (let j = 0; j < m; j++) idx[j] = type === 'additive' ? idx[j]! - total / m : (idx[j]! * m) / total;
  return idx;
}
