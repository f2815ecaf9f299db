/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning
 * 1990, "STL: A Seasonal-Trend Decomposition Procedure Based on Loess", Journal of Official
 * Statistics 6(1):3–73). A port of the inner loop of the authors' Fortran (netlib stl.f,
 * routines stlstp/stlss/stlfts/stless/stlest) with R's stats::stl() defaults: s.degree 0,
 * t.degree = l.degree = 1, jumps ceil(window/10), 2 inner passes, no robustness passes.
 */

/**
 * Loess estimate at xs (1-based) from y[nleft..nright] (stlest). Returns NaN when all
 * weights vanish. One pass: the Fortran normalises the tricube weights, then applies the
 * local-linear correction w_j·(1 + b(j − m)); the same value follows from the weighted
 * sums Σw, Σwj, Σwj², Σwy, Σwjy, without storing the weights.
 */
function est(y: Float64Array, n: number, len: number, deg: number, xs: number, nleft: number, nright: number): number {
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let sy = 0;
  let sjy = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    if (r > h9) continue;
    let wj = 1;
    if (r > h1) {
      const q = r / h;
      const c = 1 - q * q * q;
      wj = c * c * c;
    }
    // Offsets from xs keep the sums small (the fit is shift-invariant).
    const d = j - xs;
    const yj = y[j]!;
    s0 += wj;
    s1 += wj * d;
    s2 += wj * d * d;
    sy += wj * yj;
    sjy += wj * d * yj;
  }
  if (s0 <= 0) return NaN;
  const mean = sy / s0;
  if (h > 0 && deg > 0) {
    const m = s1 / s0;
    const c = s2 / s0 - m * m;
    if (Math.sqrt(Math.max(c, 0)) > 0.001 * (n - 1)) {
      const b = -m / c;
      return mean + b * (sjy / s0 - m * mean);
    }
  }
  return mean;
}

/**
 * Loess smoothing of y[1..n] (1-based arrays) into ys[1..n], evaluated every `jump`
 * points and linearly interpolated in between (stless).
 */
function smooth(y: Float64Array, n: number, len: number, deg: number, jump: number, ys: Float64Array): void {
  if (n < 2) {
    ys[1] = y[1]!;
    return;
  }
  const newnj = Math.min(jump, n - 1);
  let nleft = 1;
  let nright = n;
  if (len >= n) {
    for (let i = 1; i <= n; i += newnj) {
      const v = est(y, n, len, deg, i, 1, n);
      ys[i] = Number.isNaN(v) ? y[i]! : v;
    }
  } else if (newnj === 1) {
    const nsh = (len + 1) >> 1;
    for (let i = 1; i <= n; i++) {
      if (i > nsh && nright !== n) {
        nleft++;
        nright++;
      }
      const v = est(y, n, len, deg, i, nleft, nright);
      ys[i] = Number.isNaN(v) ? y[i]! : v;
    }
  } else {
    const nsh = (len + 1) >> 1;
    for (let i = 1; i <= n; i += newnj) {
      if (i < nsh) {
        nleft = 1;
        nright = len;
      } else if (i >= n - nsh + 1) {
        nleft = n - len + 1;
        nright = n;
      } else {
        nleft = i - nsh + 1;
        nright = len + i - nsh;
      }
      const v = est(y, n, len, deg, i, nleft, nright);
      ys[i] = Number.isNaN(v) ? y[i]! : v;
    }
  }
  if (newnj !== 1) {
    let i = 1;
    for (; i <= n - newnj; i += newnj) {
      const delta = (ys[i + newnj]! - ys[i]!) / newnj;
      for (let j = i + 1; j < i + newnj; j++) ys[j] = ys[i]! + delta * (j - i);
    }
    const k = i;
    if (k !== n) {
      const v = est(y, n, len, deg, n, nleft, nright);
      ys[n] = Number.isNaN(v) ? y[n]! : v;
      if (k !== n - 1) {
        const delta = (ys[n]! - ys[k]!) / (n - k);
        for (let j = k + 1; j < n; j++) ys[j] = ys[k]! + delta * (j - k);
      }
    }
  }
}

/** Moving average of length len over x[1..n] into ave[1..n-len+1] (stlma). */
function movingAverage(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  const newn = n - len + 1;
  let v = 0;
  for (let i = 1; i <= len; i++) v += x[i]!;
  ave[1] = v / len;
  for (let j = 2; j <= newn; j++) {
    v += x[j + len - 1]! - x[j - 1]!;
    ave[j] = v / len;
  }
}

export interface StlOptions {
  /** Seasonal smoothing window (odd, ≥ 3): R's s.window. */
  sWindow: number;
  tWindow?: number;
  lWindow?: number;
  inner?: number;
}

const nextOdd = (x: number) => {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
};

/**
 * Decomposes y into seasonal + trend + remainder for one period.
 *
 * @example
 * const { seasonal, trend } = stl(y, 24, { sWindow: 11 });
 */
export function stl(y0: Float64Array, period: number, opts: StlOptions): { seasonal: Float64Array; trend: Float64Array } {
  const n = y0.length;
  const np = period;
  const ns = Math.max(3, nextOdd(opts.sWindow));
  const nt = Math.max(3, nextOdd(opts.tWindow ?? Math.ceil((1.5 * np) / (1 - 1.5 / ns))));
  const nl = Math.max(3, nextOdd(opts.lWindow ?? np));
  const nsjump = Math.ceil(ns / 10);
  const ntjump = Math.ceil(nt / 10);
  const nljump = Math.ceil(nl / 10);
  const inner = opts.inner ?? 2;
  // 1-based work arrays, as in the Fortran.
  const y = new Float64Array(n + 1);
  y.set(y0, 1);
  const trend = new Float64Array(n + 1);
  const season = new Float64Array(n + 1);
  const w1 = new Float64Array(n + 2 * np + 1);
  const c = new Float64Array(n + 2 * np + 1);
  const w3 = new Float64Array(n + 2 * np + 1);
  const sub = new Float64Array(Math.ceil(n / np) + 3);
  const subOut = new Float64Array(Math.ceil(n / np) + 3);
  const maxLen = Math.max(n, nt, nl) + 2 * np + 1;
  const work = new Float64Array(maxLen);
  for (let it = 0; it < inner; it++) {
    for (let i = 1; i <= n; i++) w1[i] = y[i]! - trend[i]!;
    // Step 2: cycle-subseries smoothing, extended one cycle at each end (stlss).
    for (let j = 1; j <= np; j++) {
      const k = Math.floor((n - j) / np) + 1;
      for (let i = 1; i <= k; i++) sub[i] = w1[(i - 1) * np + j]!;
      smooth(sub, k, ns, 0, nsjump, subOut);
      const nright = Math.min(ns, k);
      let v = est(sub, k, ns, 0, 0, 1, nright);
      const left = Number.isNaN(v) ? subOut[1]! : v;
      const nleft = Math.max(1, k - ns + 1);
      v = est(sub, k, ns, 0, k + 1, nleft, k);
      const right = Number.isNaN(v) ? subOut[k]! : v;
      c[j] = left;
      for (let m = 1; m <= k; m++) c[m * np + j] = subOut[m]!;
      c[(k + 1) * np + j] = right;
    }
    // Step 3: low-pass filter of the cycle-subseries (stlfts), then loess.
    movingAverage(c, n + 2 * np, np, w3);
    movingAverage(w3, n + np + 1, np, work);
    movingAverage(work, n + 2, 3, w3);
    smooth(w3, n, nl, 1, nljump, work);
    // Step 4–6: detrended seasonal, deseasonalised series, trend smoothing.
    for (let i = 1; i <= n; i++) {
      season[i] = c[np + i]! - work[i]!;
      w1[i] = y[i]! - season[i]!;
    }
    smooth(w1, n, nt, 1, ntjump, trend);
  }
  return { seasonal: season.slice(1), trend: trend.slice(1) };
}

/** Result of a multiple seasonal decomposition. */
export interface MstlResult {
  periods: number[];
  /** One seasonal component per period, in the order of `periods`. */
  seasonals: Float64Array[];
  /** y minus all seasonal components (trend + remainder). */
  adjusted: Float64Array;
}

/**
 * MSTL (Bandara, Hyndman & Bergmeir 2021, "MSTL: A Seasonal-Trend Decomposition
 * Algorithm for Time Series with Multiple Seasonal Patterns"), as R's forecast::mstl():
 * periods ≥ n/2 are dropped, s.window = 7 + 4i for the i-th period, 2 iterations.
 *
 * @example
 * const { adjusted, seasonals } = mstl(y, [24, 168]);
 */
export function mstl(y: Float64Array, periods: number[]): MstlResult {
  const ps = periods.filter((p) => p < y.length / 2).sort((a, b) => a - b);
  const seasonals: Float64Array[] = ps.map(() => new Float64Array(y.length));
  const deseas = Float64Array.from(y);
  for (let iter = 0; iter < (ps.length > 0 ? 2 : 0); iter++) {
    for (let i = 0; i < ps.length; i++) {
      const s = seasonals[i]!;
      for (let t = 0; t < y.length; t++) deseas[t] = deseas[t]! + s[t]!;
      const fit = stl(deseas, ps[i]!, { sWindow: 7 + 4 * (i + 1) });
      seasonals[i] = fit.seasonal;
      for (let t = 0; t < y.length; t++) deseas[t] = deseas[t]! - fit.seasonal[t]!;
    }
  }
  return { periods: ps, seasonals, adjusted: deseas };
}
