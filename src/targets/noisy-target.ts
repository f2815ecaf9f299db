import { performance } from 'node:perf_hooks';
import type { SloClause } from '../core/slo.js';
import { normal, seededRandom } from '../core/seeded-random.js';
import { listenLoopback, replyAfter } from './loopback-server.js';
import { RateMeter } from './rate-meter.js';
import { errorLimit, type SampleTarget } from './sample-target.js';

export interface NoisyTargetOptions {
  /** Rate at which the latency curve's pole lies, req/s; above it requests get 503. */
  mu: number;
  /** Median latency with no load, ms. */
  serviceMs: number;
  /** σ of ln(latency): the per-request noise (0.3 ≈ p99 at 2× the median). */
  sigmaLn: number;
  seed?: number;
  port?: number;
}

/** z-scores of the standard normal for the latency percentiles an SLO may name. */
const Z: Record<string, number> = { p50: 0, p90: 1.2816, p99: 2.3263, p999: 3.0902 };

/**
 * A server with noisy latency whose distribution is defined, not emergent: at an
 * arrival rate r (measured over the last second) each request takes
 * S(r)·e^(σZ), Z standard normal, with S(r) = S₀/(1 − r/μ) — the mean-value shape of a
 * single queue, without a real queue, so that the distribution is exactly lognormal.
 * Above μ it answers 503 at once.
 *
 * True capacity under `pXX < L`: S(r)·e^(σ·z_XX) = L ⇒ r = μ(1 − S₀·e^(σ·z_XX)/L);
 * under `errors < e` alone: μ/(1 − e) (a fraction 1 − μ/r is refused above μ).
 *
 * @example
 * const t = await startNoisyTarget({ mu: 1000, serviceMs: 5, sigmaLn: 0.3 });
 * t.trueCapacity([parseSlo('p99<50ms')]) // 1000·(1 − 5·e^(0.3·2.326)/50) ≈ 799
 */
export async function startNoisyTarget(o: NoisyTargetOptions): Promise<SampleTarget> {
  const meter = new RateMeter(1000);
  const rng = seededRandom(o.seed ?? 11);
  const server = await listenLoopback((_req, res) => {
    const now = performance.now();
    const r = meter.count(now);
    if (r >= o.mu) {
      replyAfter(res, 0, 503);
      return;
    }
    meter.arrive(now);
    const s = o.serviceMs / (1 - r / o.mu);
    replyAfter(res, s * Math.exp(o.sigmaLn * normal(rng)));
  }, o.port);
  return {
    name: 'noisy',
    url: server.url,
    description: `noisy lognormal latency (σ_ln=${o.sigmaLn}) around S₀/(1 − r/μ), S₀=${o.serviceMs}ms, μ=${o.mu} req/s`,
    trueCapacity(slo: readonly SloClause[]) {
      let cap = o.mu / (1 - errorLimit(slo));
      for (const c of slo) {
        if (c.kind !== 'latency') continue;
        cap = Math.min(cap, Math.max(0, o.mu * (1 - (o.serviceMs * Math.exp(o.sigmaLn * Z[c.percentile]!)) / c.limitMs)));
      }
      return cap;
    },
    close: server.close,
  };
}
