import { performance } from 'node:perf_hooks';
import type { SloClause } from '../core/slo.js';
import { listenLoopback, replyAfter } from './loopback-server.js';
import { RateMeter } from './rate-meter.js';
import type { SampleTarget } from './sample-target.js';

export interface CollapseTargetOptions {
  /** Requests per second it serves; more than this in one second and it collapses. */
  limitRps: number;
  /** Service time when healthy, ms. */
  serviceMs: number;
  /** Collapsed: every request is answered 503 after this long, ms. */
  collapsedMs?: number;
  port?: number;
}

/** Requests the target received in one 100 ms bucket. */
export interface ReceivedBucket {
  /** Start of the bucket, ms since the target started. */
  t_ms: number;
  received: number;
  /** Of those, answered while collapsed. */
  collapsed: number;
}

/**
 * A server that works perfectly up to its limit and collapses abruptly past it — the
 * shape that makes a squeeze dangerous. Healthy, it answers 200 after `serviceMs`.
 * When the arrival rate over the last two seconds exceeds `limitRps` it collapses: each
 * request is answered 503 after `collapsedMs`, until that rate falls below 80% of the
 * limit (a real meltdown needs the load to back off before it heals).
 *
 * True capacity: `limitRps` for any latency limit above serviceMs (a flat curve with a
 * cliff). It counts what it received per 100 ms, so a benchmark can show from the
 * target's own counts how fast the load fell back after the collapse.
 *
 * @example
 * const t = await startCollapseTarget({ limitRps: 600, serviceMs: 5 });
 * t.receivedPer100ms() // [{ t_ms: 0, received: 60, collapsed: 0 }, ...]
 */
export async function startCollapseTarget(
  o: CollapseTargetOptions,
): Promise<SampleTarget & { receivedPer100ms(): ReceivedBucket[]; collapses(): number; elapsedMs(): number }> {
  const meter = new RateMeter(2000);
  const t0 = performance.now();
  const buckets: ReceivedBucket[] = [];
  let collapsed = false;
  let collapses = 0;
  const server = await listenLoopback((_req, res) => {
    const now = performance.now();
    meter.arrive(now);
    // Judged over two seconds, so that a generator's catch-up after a short stall (which
    // compresses a few extra sends into any one second) does not count as overload.
    const n = meter.count(now) / 2;
    if (!collapsed && n > o.limitRps) {
      collapsed = true;
      collapses++;
    } else if (collapsed && n < 0.8 * o.limitRps) {
      collapsed = false;
    }
    const i = Math.floor((now - t0) / 100);
    while (buckets.length <= i) buckets.push({ t_ms: buckets.length * 100, received: 0, collapsed: 0 });
    buckets[i]!.received++;
    if (collapsed) {
      buckets[i]!.collapsed++;
      replyAfter(res, o.collapsedMs ?? 1000, 503);
    } else {
      replyAfter(res, o.serviceMs);
    }
  }, o.port);
  return {
    name: 'collapse',
    url: server.url,
    description: `collapses abruptly above ${o.limitRps} req/s (healthy service ${o.serviceMs}ms; collapsed: 503 after ${o.collapsedMs ?? 1000}ms)`,
    receivedPer100ms: () => buckets.map((b) => ({ ...b })),
    collapses: () => collapses,
    /** Milliseconds since the target started, on the clock of its buckets. */
    elapsedMs: () => performance.now() - t0,
    trueCapacity(slo: readonly SloClause[]) {
      const tooTight = slo.some((c) => c.kind === 'latency' && c.limitMs <= o.serviceMs);
      return tooTight ? 0 : o.limitRps;
    },
    close: server.close,
  };
}
