/**
 * The data contract of the load engine, shared by the squeeze controller, the store,
 * the server and the dashboard. Field names are the JSON names users see in
 * `headroom run --json` and `--series FILE`; change them only with a migration.
 */

/** Error kinds, each counted separately. */
export type ErrorKind = 'timeout' | 'refused' | 'reset' | 'http_4xx' | 'http_5xx' | 'other';

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** One second of a run, as the engine emits it and `--series` writes it (one JSON line). */
export interface SecondSample {
  /** Seconds since the start of the run, the end of this one-second window (1, 2, ...). */
  t: number;
  /** Arrival rate the schedule asked for in this second (open model) or null (closed model). */
  offered_rps: number | null;
  /** Responses completed in this second (any status). */
  achieved_rps: number;
  /** Latency from the intended send time (open model) or the actual send (closed model). */
  latency_ms: LatencySummaryMs;
  /** Latency from the actual send time: what the server took, without queueing in the generator. */
  service_ms: LatencySummaryMs;
  /** Count of errors of each kind in this second. */
  errors: Partial<Record<ErrorKind, number>>;
  /** Response status counts, keyed by status code as a string. */
  status: Record<string, number>;
  bytes_in: number;
  bytes_out: number;
  /** Iterations sent later than their intended time by more than the lateness threshold. */
  late: number;
  /** Iterations never sent because all connections were busy at --max-connections. */
  dropped: number;
  /** Connections open at the end of this second (all generator threads). Added by the load engine. */
  connections?: number;
  /** The generator watching itself in this second. */
  generator: GeneratorHealth;
}

export interface GeneratorHealth {
  /** CPU time of the generator's threads over wall time, per thread on average (0..1). */
  cpu: number;
  /** Worst event-loop lag seen among the worker threads, ms. */
  loop_lag_ms: number;
  /** Median absolute difference between intended and actual send times, ms. */
  pacing_error_ms: number;
  /** True when the generator, not the target, limits the load in this window. */
  saturated: boolean;
}

export interface ThresholdResult {
  expr: string;
  ok: boolean;
  value: number;
}

/** The final summary of a run (`headroom run --json`). */
export interface RunSummary {
  requests: number;
  duration_s: number;
  rate: { target: number | null; achieved: number };
  latency_ms: LatencySummaryMs;
  service_ms: LatencySummaryMs;
  errors: { total: number; by_kind: Partial<Record<ErrorKind, number>> };
  status: Record<string, number>;
  bytes: { in: number; out: number };
  late: number;
  dropped: number;
  generator_saturated: boolean;
  /** Why the generator was judged saturated (empty when it was not). */
  generator_notes: string[];
  thresholds: ThresholdResult[];
}

/**
 * A load source that a controller (the squeeze) can steer while it runs: the synthetic
 * load engine implements it, and so will the traffic-shift proxy and the NATS coordinator.
 * It emits one SecondSample per second through `onSecond`.
 */
export interface LoadDriver {
  /** Change the arrival rate (open model); takes effect for the next intended send. */
  setRate(rps: number): void;
  /** Change the number of virtual users (closed model). */
  setConcurrency?(vus: number): void;
  onSecond(listener: (s: SecondSample) => void): () => void;
  /** Stops sending, waits for in-flight requests (bounded), returns the whole-run summary. */
  stop(): Promise<RunSummary>;
}
