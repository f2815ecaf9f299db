import type { SloClause } from '../core/slo.js';

/**
 * A loopback HTTP server whose capacity under an SLO is known by construction, for
 * tests, benchmarks and `headroom demo`. Service times are timers, so a target costs
 * almost no CPU and does not compete with the load generator on a small machine.
 */
export interface SampleTarget {
  name: string;
  url: string;
  /** What it does, and how its true capacity follows from that. */
  description: string;
  /**
   * Highest steady arrival rate (req/s, evenly paced) that meets every clause, from the
   * target's definition. Timer lateness (≈1 ms) is not modelled: keep latency limits
   * well above a few ms.
   */
  trueCapacity(slo: readonly SloClause[]): number;
  close(): Promise<void>;
}

/** Smallest root in [lo, hi] of an increasing function f − target, by bisection. */
export function solveIncreasing(f: (x: number) => number, target: number, lo: number, hi: number): number {
  if (f(hi) < target) return hi;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** The tightest error clause's limit (0 if none). */
export function errorLimit(slo: readonly SloClause[]): number {
  let e = Infinity;
  for (const c of slo) if (c.kind === 'errors') e = Math.min(e, c.limitFraction);
  return Number.isFinite(e) ? e : 0;
}
