import type { RateStage } from '../core/rate-schedule.js';
import type { ErrorKind } from '../core/load-types.js';
import type { Endpoint } from './http-connection.js';

/** Everything a generator thread needs, passed as workerData (structured-clone friendly). */
export interface GeneratorConfig {
  index: number;
  threads: number;
  endpoint: Endpoint;
  /** Pre-serialised requests, one per URL. */
  requests: Uint8Array[];
  /** Cumulative weights in (0, 1], one per URL. */
  cumulativeWeights: number[];
  noBody: boolean;
  model: 'open' | 'closed';
  stages: RateStage[];
  poisson: boolean;
  seed: number;
  /** Closed model: this thread's virtual users. */
  vus: number;
  thinkMs: number;
  durationMs: number;
  /** This thread's share of --max-connections. */
  maxConnections: number;
  pipelining: number;
  timeoutMs: number;
  /** Iterations waiting longer than this for a connection are dropped. */
  maxWaitMs: number;
  /** Sent later than intended by more than this counts as late. */
  lateMs: number;
}

export type ToWorker =
  | { type: 'rate'; rps: number; atMs: number }
  | { type: 'vus'; vus: number }
  | { type: 'stop' }
  /** Run start, ms since the Unix epoch with sub-ms precision (performance.timeOrigin + now()). */
  | { type: 'start'; startEpochMs: number };

/** One second (or the final partial second) of one generator thread. */
export interface WorkerSecond {
  worker: number;
  /** 0-based second index since the start. */
  index: number;
  final: boolean;
  /** Encoded HDR histograms (µs). */
  latency: string;
  service: string;
  responses: number;
  errors: Partial<Record<ErrorKind, number>>;
  status: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  sent: number;
  late: number;
  dropped: number;
  cpu: number;
  loopLagMs: number;
  pacingErrorMs: number;
  connections: number;
  /** Time the thread stopped sending, ms since start (final report only). */
  sendEndMs?: number;
}

export type FromWorker = { type: 'ready' } | { type: 'second'; data: WorkerSecond } | { type: 'fatal'; message: string };
