import { performance } from 'node:perf_hooks';
import type { SloClause } from '../core/slo.js';
import { listenLoopback, replyAfter } from './loopback-server.js';
import { RateMeter } from './rate-meter.js';
import { errorLimit, type SampleTarget } from './sample-target.js';

export interface RateLimitTargetOptions {
  limitRps: number;
  serviceMs: number;
  port?: number;
}

/**
 * A rate-limited server, like nginx's `limit_req` without a burst: a request arriving
 * when `limitRps` requests were already accepted in the last second is refused with 503
 * at once; accepted ones are answered after `serviceMs`.
 *
 * True capacity under `errors < e`: above the limit a fraction 1 − limit/r is refused,
 * so the SLO holds up to r = limit/(1 − e); a latency limit above serviceMs does not bind.
 *
 * @example
 * const t = await startRateLimitTarget({ limitRps: 500, serviceMs: 2 });
 */
export async function startRateLimitTarget(o: RateLimitTargetOptions): Promise<SampleTarget> {
  const meter = new RateMeter(1000);
  const server = await listenLoopback((_req, res) => {
    const now = performance.now();
    if (meter.count(now) >= o.limitRps) {
      replyAfter(res, 0, 503);
      return;
    }
    meter.arrive(now);
    replyAfter(res, o.serviceMs);
  }, o.port);
  return {
    name: 'rate-limit',
    url: server.url,
    description: `rate-limited to ${o.limitRps} req/s (503 above, like nginx limit_req), service ${o.serviceMs}ms`,
    trueCapacity(slo: readonly SloClause[]) {
      if (slo.some((c) => c.kind === 'latency' && c.limitMs <= o.serviceMs)) return 0;
      return o.limitRps / (1 - errorLimit(slo));
    },
    close: server.close,
  };
}
