/**
 * Universal Scalability Law (N. J. Gunther, "Guerrilla Capacity Planning", Springer 2007,
 * ch. 4–6): throughput at load N is
 *
 *     X(N) = λN / (1 + σ(N − 1) + κN(N − 1))
 *
 * with λ the throughput of one unit of load, σ contention (serialisation) and κ
 * coherency (crosstalk). With κ > 0 throughput peaks at N* = sqrt((1 − σ)/κ).
 *
 * Fitting: Gunther's linearisation N/X = a + b(N−1) + cN(N−1) (a = 1/λ, b = σ/λ,
 * c = κ/λ) gives the start; Levenberg–Marquardt on the untransformed residuals X − X(N)
 * refines it under σ, κ ≥ 0. Confidence intervals come from a residual bootstrap with a
 * seeded generator (Efron & Tibshirani 1993, ch. 9: resample residuals, keep the loads).
 */
import { seededRandom } from './seeded-random.js';

export interface UslPoint {
  /** Load: concurrency (closed model) or Little's-law N = X·R (open model). */
  n: number;
  /** Throughput, req/s. */
  x: number;
}

export interface UslParams {
  sigma: number;
  kappa: number;
  lambda: number;
}

export interface UslFit extends UslParams {
  /** Load at which throughput peaks (Infinity when κ = 0: no retrograde region). */
  peak_n: number;
  peak_x: number;
  r2: number;
  /** 95% bootstrap intervals. */
  ci: { sigma: [number, number]; kappa: [number, number]; lambda: [number, number]; peak_x: [number, number]; peak_n: [number, number] };
  points: number;
  max_n_measured: number;
  warnings: string[];
}

export type UslResult = { ok: true; fit: UslFit } | { ok: false; reason: string };

/** Throughput predicted by the USL. */
export function uslThroughput(p: UslParams, n: number): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/** N* and X(N*) of a fit. */
export function uslPeak(p: UslParams): { n: number; x: number } {
  if (p.kappa <= 0) return { n: Infinity, x: p.sigma > 0 ? p.lambda / p.sigma : Infinity };
  const n = Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa);
  return { n, x: uslThroughput(p, n) };
}

/**
 * Fits the USL; refuses with fewer than 6 distinct loads (three parameters need a
 * margin of points to be worth anything) and warns when the predicted peak lies beyond
 * 1.5× the highest load measured (an extrapolation).
 *
 * @example
 * const r = fitUsl([{ n: 1, x: 100 }, { n: 2, x: 190 }, ...], { seed: 1 });
 * if (r.ok) console.log(r.fit.sigma, r.fit.kappa, r.fit.peak_n);
 */
export function fitUsl(points: readonly UslPoint[], opts: { seed?: number; bootstrap?: number } = {}): UslResult {
  const pts = points.filter((p) => p.n > 0 && p.x > 0 && Number.isFinite(p.n) && Number.isFinite(p.x));
  const distinct = new Set(pts.map((p) => p.n.toPrecision(3))).size;
  if (distinct < 6) {
    return { ok: false, reason: `the USL fit needs at least 6 distinct loads, got ${distinct}` };
  }
  const ns = pts.map((p) => p.n);
  const xs = pts.map((p) => p.x);
  const best = fitParams(ns, xs);
  const pred = ns.map((n) => uslThroughput(best, n));
  const resid = xs.map((x, i) => x - pred[i]!);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ssTot = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  const ssRes = resid.reduce((a, r) => a + r * r, 0);
  const rng = seededRandom(opts.seed ?? 1);
  const reps = opts.bootstrap ?? 200;
  const samples: { sigma: number[]; kappa: number[]; lambda: number[]; peak_x: number[]; peak_n: number[] } = { sigma: [], kappa: [], lambda: [], peak_x: [], peak_n: [] };
  for (let b = 0; b < reps; b++) {
    const ys = pred.map((p) => Math.max(1e-9, p + resid[Math.floor(rng() * resid.length)]!));
    const f = fitParams(ns, ys);
    const pk = uslPeak(f);
    samples.sigma.push(f.sigma);
    samples.kappa.push(f.kappa);
    samples.lambda.push(f.lambda);
    samples.peak_x.push(pk.x);
    samples.peak_n.push(pk.n);
  }
  const ci = (v: number[]): [number, number] => [quantile(v, 0.025), quantile(v, 0.975)];
  const peak = uslPeak(best);
  const maxN = Math.max(...ns);
  const warnings: string[] = [];
  if (peak.n > 1.5 * maxN) {
    warnings.push(
      Number.isFinite(peak.n)
        ? `extrapolating: the predicted peak at N=${peak.n.toFixed(1)} is beyond 1.5× the highest load measured (N=${maxN.toFixed(1)})`
        : `extrapolating: no coherency penalty was measured (κ=0), so no peak within or near the loads measured (up to N=${maxN.toFixed(1)})`,
    );
  }
  return {
    ok: true,
    fit: {
      ...best,
      peak_n: peak.n,
      peak_x: peak.x,
      r2: ssTot > 0 ? 1 - ssRes / ssTot : 1,
      ci: { sigma: ci(samples.sigma), kappa: ci(samples.kappa), lambda: ci(samples.lambda), peak_x: ci(samples.peak_x), peak_n: ci(samples.peak_n) },
      points: pts.length,
      max_n_measured: maxN,
      warnings,
    },
  };
}

function fitParams(ns: readonly number[], xs: readonly number[]): UslParams {
  // Start: least squares on N/X = a + b(N−1) + cN(N−1).
  const rows = ns.map((n) => [1, n - 1, n * (n - 1)]);
  const ys = ns.map((n, i) => n / xs[i]!);
  const [a, b, c] = leastSquares(rows, ys) ?? [ns[0]! / xs[0]!, 0, 0];
  let p: UslParams = { lambda: a! > 0 ? 1 / a! : Math.max(...xs.map((x, i) => x / ns[i]!)), sigma: 0, kappa: 0 };
  p.sigma = clamp01(b! * p.lambda);
  p.kappa = Math.max(0, c! * p.lambda);
  // Levenberg–Marquardt on X − X(N).
  let mu = 1e-3;
  let cost = sse(p, ns, xs);
  for (let it = 0; it < 200; it++) {
    const J: number[][] = [];
    const r: number[] = [];
    for (let i = 0; i < ns.length; i++) {
      const n = ns[i]!;
      const d = 1 + p.sigma * (n - 1) + p.kappa * n * (n - 1);
      J.push([n / d, (-p.lambda * n * (n - 1)) / (d * d), (-p.lambda * n * n * (n - 1)) / (d * d)]);
      r.push(xs[i]! - (p.lambda * n) / d);
    }
    const JtJ = [0, 1, 2].map((j) => [0, 1, 2].map((k) => J.reduce((s, row) => s + row[j]! * row[k]!, 0)));
    const Jtr = [0, 1, 2].map((j) => J.reduce((s, row, i) => s + row[j]! * r[i]!, 0));
    const A = JtJ.map((row, j) => row.map((v, k) => (j === k ? v * (1 + mu) + 1e-12 : v)));
    const delta = solve3(A, Jtr);
    if (!delta) break;
    const q: UslParams = { lambda: Math.max(1e-9, p.lambda + delta[0]!), sigma: clamp01(p.sigma + delta[1]!), kappa: Math.max(0, p.kappa + delta[2]!) };
    const qc = sse(q, ns, xs);
    if (qc < cost) {
      const done = (cost - qc) / Math.max(cost, 1e-12) < 1e-10;
      p = q;
      cost = qc;
      mu = Math.max(mu / 3, 1e-9);
      if (done) break;
    } else {
      mu *= 4;
      if (mu > 1e8) break;
    }
  }
  return p;
}

function sse(p: UslParams, ns: readonly number[], xs: readonly number[]): number {
  return ns.reduce((s, n, i) => s + (xs[i]! - uslThroughput(p, n)) ** 2, 0);
}

function leastSquares(rows: number[][], ys: number[]): number[] | null {
  const k = rows[0]!.length;
  const A = Array.from({ length: k }, (_, j) => Array.from({ length: k }, (_, l) => rows.reduce((s, r) => s + r[j]! * r[l]!, 0)));
  const b = Array.from({ length: k }, (_, j) => rows.reduce((s, r, i) => s + r[j]! * ys[i]!, 0));
  return solve3(A, b);
}

/** Gaussian elimination with partial pivoting (k×k, small k). */
function solve3(A0: number[][], b0: number[]): number[] | null {
  const k = b0.length;
  const A = A0.map((r, i) => [...r, b0[i]!]);
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(A[r]![col]!) > Math.abs(A[piv]![col]!)) piv = r;
    if (Math.abs(A[piv]![col]!) < 1e-300) return null;
    [A[col], A[piv]] = [A[piv]!, A[col]!];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = A[r]![col]! / A[col]![col]!;
      for (let c = col; c <= k; c++) A[r]![c]! -= f * A[col]![c]!;
    }
  }
  const out = A.map((row, i) => row[k]! / row[i]!);
  return out.every(Number.isFinite) ? out : null;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
}

function quantile(v: number[], q: number): number {
  const s = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return s[lo]! + (s[hi]! - s[lo]!) * (i - lo);
}
