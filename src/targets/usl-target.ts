import { uslPeak, uslThroughput } from '../core/usl.js';
import type { SloClause } from '../core/slo.js';
import { listenLoopback, replyAfter } from './loopback-server.js';
import { solveIncreasing, type SampleTarget } from './sample-target.js';

export interface UslTargetOptions {
  /** Service time of a request alone, ms (λ = 1000 / serviceMs req/s per unit of concurrency). */
  serviceMs: number;
  /** Contention σ. */
  sigma: number;
  /** Coherency κ. */
  kappa: number;
  port?: number;
}

/**
 * A contention-limited server shaped like the Universal Scalability Law (Gunther 2007):
 * a request that arrives when N requests are in service (itself included) takes
 * S(N) = S₁·(1 + σ(N−1) + κN(N−1)), so the throughput at concurrency N is
 * X(N) = N/S(N) = λN/(1 + σ(N−1) + κN(N−1)), λ = 1/S₁.
 *
 * True capacity under a latency limit L (every request takes S(N), so every percentile
 * is S(N) at steady concurrency N): N_L solves S(N_L) = L, and the capacity is X(N_L) —
 * or X(N*) at the USL peak N* = sqrt((1−σ)/κ) when N_L lies past it, since beyond the
 * peak more load only lowers throughput and the backlog runs away.
 *
 * @example
 * const t = await startUslTarget({ serviceMs: 10, sigma: 0.08, kappa: 0.0015 });
 * t.trueCapacity([parseSlo('p99<25ms')]) // ≈ 620 req/s
 */
export async function startUslTarget(o: UslTargetOptions): Promise<SampleTarget & { inFlight(): number }> {
  let inFlight = 0;
  const params = { sigma: o.sigma, kappa: o.kappa, lambda: 1000 / o.serviceMs };
  const serviceAt = (n: number) => o.serviceMs * (1 + o.sigma * (n - 1) + o.kappa * n * (n - 1));
  const server = await listenLoopback((_req, res) => {
    inFlight++;
    setTimeout(() => {
      inFlight--;
      replyAfter(res, 0);
    }, serviceAt(inFlight));
  }, o.port);
  return {
    name: 'usl',
    url: server.url,
    description: `contention-limited (USL σ=${o.sigma}, κ=${o.kappa}, S₁=${o.serviceMs}ms: peak ${uslPeak(params).x.toFixed(0)} req/s at N=${uslPeak(params).n.toFixed(1)})`,
    inFlight: () => inFlight,
    trueCapacity(slo: readonly SloClause[]) {
      const peak = uslPeak(params);
      let n = peak.n;
      for (const c of slo) {
        if (c.kind !== 'latency') continue;
        n = Math.min(n, solveIncreasing(serviceAt, c.limitMs, 1, peak.n));
      }
      return uslThroughput(params, n);
    },
    close: server.close,
  };
}
