import { invalidInput } from '../core/errors.js';
import { parseSlo, type SloClause } from '../core/slo.js';
import { startCollapseTarget } from './collapse-target.js';
import { startNoisyTarget } from './noisy-target.js';
import { startQueueTarget } from './queue-target.js';
import { startRateLimitTarget } from './rate-limit-target.js';
import type { SampleTarget } from './sample-target.js';
import { startUslTarget } from './usl-target.js';

export type { SampleTarget } from './sample-target.js';

/** A named sample target with the SLO it is meant to be squeezed under. */
export interface SampleTargetPreset {
  name: string;
  /** SLO clauses, as on the command line. */
  slo: string[];
  start(): Promise<SampleTarget>;
}

/**
 * The engine's queue target (c workers, fixed service time S, bounded FIFO) as a
 * SampleTarget. With evenly paced arrivals and a fixed service time nothing waits
 * below c/S req/s (a D/D/c queue), so every percentile is S there and the backlog grows
 * without bound above: the true capacity is c/S for any latency limit above S.
 */
export async function startQueueSample(workers: number, serviceMs: number): Promise<SampleTarget> {
  const q = await startQueueTarget({ workers, serviceMs, distribution: 'fixed', queueLimit: workers * 100 });
  return {
    name: `queue-${workers}x${serviceMs}ms`,
    url: q.url,
    description: `queue: ${workers} workers × ${serviceMs} ms fixed service = ${q.capacity} req/s`,
    trueCapacity: (slo: readonly SloClause[]) => (slo.some((c) => c.kind === 'latency' && c.limitMs <= serviceMs) ? 0 : q.capacity),
    close: q.close,
  };
}

/** The family used by tests, `headroom demo` and bench/: different capacities, shapes and noise. */
export const SAMPLE_TARGETS: readonly SampleTargetPreset[] = [
  // Service times of 10–40 ms and SLOs of 100 ms and more keep the truth meaningful on a
  // shared machine, where timers and event loops jitter by a few to tens of ms.
  { name: 'queue-8x20ms', slo: ['p99<200ms', 'errors<1%'], start: () => startQueueSample(8, 20) },
  { name: 'queue-2x10ms', slo: ['p99<100ms', 'errors<1%'], start: () => startQueueSample(2, 10) },
  { name: 'queue-12x40ms', slo: ['p99<400ms', 'errors<1%'], start: () => startQueueSample(12, 40) },
  { name: 'usl', slo: ['p50<50ms', 'errors<1%'], start: () => startUslTarget({ serviceMs: 20, sigma: 0.05, kappa: 0.002 }) },
  { name: 'collapse', slo: ['p99<100ms', 'errors<1%'], start: () => startCollapseTarget({ limitRps: 300, serviceMs: 10, collapsedMs: 100 }) },
  { name: 'noisy', slo: ['p99<200ms', 'errors<1%'], start: () => startNoisyTarget({ mu: 500, serviceMs: 20, sigmaLn: 0.25 }) },
  { name: 'rate-limit', slo: ['p99<100ms', 'errors<1%'], start: () => startRateLimitTarget({ limitRps: 250, serviceMs: 5 }) },
];

/** Looks a preset up by name; the SLO is parsed. */
export function samplePreset(name: string): SampleTargetPreset & { clauses: SloClause[] } {
  const p = SAMPLE_TARGETS.find((t) => t.name === name);
  if (!p) throw invalidInput('HR_E_USAGE', `--target: expected one of ${SAMPLE_TARGETS.map((t) => t.name).join(', ')}, got "${name}"`);
  return { ...p, clauses: p.slo.map((s) => parseSlo(s)) };
}
