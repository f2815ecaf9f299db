/**
 * The Universal Scalability Law (Gunther 1993): X(N) = λN / (1 + σ(N−1) + κN(N−1)).
 * With N the mean concurrency, Little's law (N = X·R) gives the mean response time the
 * fit implies, R(N) = N / X(N), which is how the squeeze page draws the fit on the
 * latency–throughput plane.
 */
export interface Usl {
  lambda: number;
  sigma: number;
  kappa: number;
}

export function uslX(p: Usl, n: number): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/** Where X(N) peaks: N* = sqrt((1 − σ) / κ) (Gunther); Infinity without coherency cost. */
export function uslPeakN(p: Usl): number {
  return p.kappa > 0 ? Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa) : Infinity;
}

/**
 * Points (N, X, R ms) of the fitted curve from N = 0.5 to `maxN`, stopping at the peak:
 * past it throughput falls while latency rises, a branch that folds back on the
 * throughput axis and cannot be drawn as a function of it.
 */
export function uslCurve(p: Usl, maxN: number, points = 60): Array<{ n: number; x: number; r_ms: number }> {
  maxN = Math.min(maxN, uslPeakN(p));
  const out = [];
  for (let i = 0; i <= points; i++) {
    const n = 0.5 + ((maxN - 0.5) * i) / points;
    const x = uslX(p, n);
    if (x > 0 && Number.isFinite(x)) out.push({ n, x, r_ms: (n / x) * 1000 });
  }
  return out;
}
