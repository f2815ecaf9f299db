import type { ThreadSecond } from '../core/run-aggregate.js';
import type { LoadPlan } from './load-plan.js';

/**
 * Everything a generator thread needs, passed as workerData (structured-clone friendly):
 * the validated plan's fields, with `vus` and `maxConnections` as this thread's share.
 */
export type GeneratorConfig = Omit<LoadPlan, 'thresholds' | 'allowRemote' | 'hostname'> & { index: number };

export type ToWorker =
  | { type: 'rate'; rps: number; atMs: number }
  | { type: 'vus'; vus: number }
  | { type: 'stop' }
  /** Run start, ms since the Unix epoch with sub-ms precision (performance.timeOrigin + now()). */
  | { type: 'start'; startEpochMs: number };

/** One second (or the final partial second) of one generator thread; every thread reports its connections. */
export type WorkerSecond = ThreadSecond & { connections: number };

export type FromWorker = { type: 'ready' } | { type: 'second'; data: WorkerSecond } | { type: 'fatal'; message: string };
