import type { RunSummary, SecondSample } from '../core/load-types.js';

/** What a stored run is: a plain load run or a squeeze (which also has steps and a result). */
export type RunKind = 'run' | 'squeeze';

/**
 * The life of a stored run. `running` while its owner process is alive; `incomplete`
 * when that process died (kill -9, power loss) before it could finish the run.
 */
export type RunStatus = 'running' | 'passed' | 'failed' | 'aborted' | 'incomplete';

export const RUN_KINDS: readonly RunKind[] = ['run', 'squeeze'];
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'passed', 'failed', 'aborted', 'incomplete'];

/** One row of the `runs` table, as the API and the dashboard see it. */
export interface RunRecord {
  id: string;
  kind: RunKind;
  status: RunStatus;
  /** The URL the load went to (no credentials: they are stripped before storing). */
  target: string | null;
  /** The options of the run as the user gave them (flags or dashboard form), secrets removed. */
  config: Record<string, unknown>;
  /** Free-form labels (e.g. `{ "service": "checkout" }`) for filtering. */
  labels: Record<string, string>;
  /** Epoch milliseconds. */
  started_at: number;
  ended_at: number | null;
  /** Last time the recording process flushed (epoch ms): shows a live run is alive. */
  heartbeat_at: number | null;
  /** Seconds stored in the series. */
  seconds: number;
  summary: RunSummary | null;
  exit_code: number | null;
  /** A squeeze's capacity at its SLO (null for a run, or a squeeze without one). */
  capacity_rps: number | null;
}

/** Final merged HDR histograms of a run, each encoded with HdrHistogram's compressed base64 format. */
export interface StoredHistograms {
  latency?: string;
  service?: string;
}

/** One held step of a squeeze: the rate it held and what the guards saw. */
export interface SqueezeStepRecord {
  /** Step number, from 0. */
  step: number;
  /** Phase of the controller: baseline, ramp, bisect, confirm... */
  phase: string;
  target_rps: number;
  achieved_rps: number;
  p99_ms: number;
  error_rate: number;
  /** Whether every guard held at this step. */
  ok: boolean;
  /** Seconds since the start of the squeeze when the step started and ended. */
  t_start: number;
  t_end: number;
  /** Everything else the controller reports for the step. */
  detail?: Record<string, unknown>;
}

/** The Universal Scalability Law fit X(N) = λN / (1 + σ(N−1) + κN(N−1)) (Gunther 1993). */
export interface UslFitRecord {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Load at which the fitted throughput peaks, and that peak. */
  peak_n?: number | null;
  peak_x?: number | null;
  r2?: number | null;
}

/**
 * The result of a squeeze, as stored. The squeeze controller's own result JSON is kept
 * whole in `result`; the fields beside it are the ones the dashboard and queries use.
 */
export interface SqueezeResultRecord {
  /** Capacity at the SLO, requests per second; null when the squeeze found none. */
  capacity_rps: number | null;
  /** Confidence interval of the capacity. */
  ci: { low: number; high: number | null; level?: number } | null;
  /** The guard that bound the capacity (e.g. `p99 < 250ms`). */
  binding_guard: string | null;
  /** The SLO latency the squeeze held to, ms (the dashboard draws it as a line). */
  slo_p99_ms: number | null;
  usl: UslFitRecord | null;
  /** Latency/throughput points (one per step or per held second). */
  curve: Array<{ rps: number; p99_ms: number; p50_ms?: number; error_rate?: number; n?: number; verdict?: string }>;
  /** Why the squeeze ended. */
  stop_reason?: string | null;
  /** The controller's full result JSON. */
  result?: unknown;
}

/** Everything the dashboard shows on a run page. */
export interface RunDetail {
  run: RunRecord;
  series: SecondSample[];
  histograms: StoredHistograms;
  squeeze: { steps: SqueezeStepRecord[]; result: SqueezeResultRecord | null } | null;
}

/** Filters for listing runs. */
export interface RunFilter {
  kind?: RunKind;
  status?: RunStatus;
  /** Substring of the target URL. */
  target?: string;
  /** Epoch ms: only runs started at or after. */
  since?: number;
  /** Epoch ms: only runs started before. */
  until?: number;
  /** label key=value that must match. */
  label?: { key: string; value: string };
  limit?: number;
}
