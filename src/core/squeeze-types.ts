import type { SloClause } from './slo.js';

/**
 * What a squeeze controller tells its load driver to do. The controller never touches a
 * socket: the same commands steer the synthetic engine, a traffic-shift proxy or a
 * fleet of agents.
 */
export type SqueezeCommand =
  | { type: 'rate'; rps: number }
  | { type: 'concurrency'; vus: number }
  | { type: 'stop'; reason: string };

export type StepPhase = 'baseline' | 'ramp' | 'refine' | 'confirm' | 'pass';

export type StepVerdict = 'good' | 'bad' | 'hard-breach' | 'generator-bound';

/** One held load level and what was measured there (warm-up excluded). */
export interface SqueezeStep {
  index: number;
  phase: StepPhase;
  /** Offered arrival rate (open model) or null (closed model). */
  offered_rps: number | null;
  /** Virtual users (closed model) or null. */
  concurrency: number | null;
  achieved_rps: number;
  /** Standard deviation of the per-second achieved rate (the step's noise). */
  achieved_sd: number;
  p50_ms: number;
  p99_ms: number;
  mean_ms: number;
  error_rate: number;
  /** Seconds the step was held, warm-up included. */
  duration_s: number;
  /** Seconds measured (warm-up excluded). */
  measured_s: number;
  /** Windows added because the step was not steady or was ambiguous. */
  extensions: number;
  steady: boolean;
  verdict: StepVerdict;
  /** Highest guard value/limit ratio in the measured seconds, and its guard. */
  max_ratio: number;
  binding: string;
  /** Each guard's value/limit over the measured seconds, keyed by SLO expression (and `throughput`). */
  ratios: Record<string, number>;
  /** Seconds in which the generator judged itself saturated (CPU, event-loop lag, pacing error). */
  generator_seconds: number;
  /** Responses per second that were not errors: what the target really served. */
  goodput_rps: number;
  note: string;
}

export type SqueezeOutcome = 'capacity' | 'max-rate' | 'no-headroom' | 'generator-bound' | 'aborted';

/** What the controller found; the report adds the USL fit and the curve. */
export interface SqueezeResult {
  mode: 'rate' | 'concurrency';
  outcome: SqueezeOutcome;
  /** Highest rate that held the SLO (rate mode) or best throughput within it (concurrency mode). */
  capacity_rps: number | null;
  /** Confidence interval of capacity_rps: [low, high]; high is null when unbounded (max-rate). */
  ci: [number, number | null] | null;
  /** The guard that bound the capacity: an SLO expression, `throughput`, or null. */
  binding_guard: string | null;
  /** Best concurrency (concurrency mode). */
  best_concurrency: number | null;
  /** Where the generator, not the target, became the limit. */
  generator_bound_rps: number | null;
  message: string;
  steps: SqueezeStep[];
  slo: string[];
  time_over_slo_s: number;
  requests_over_slo: number;
  requests: number;
  errors: number;
  hard_breaches: number;
  duration_s: number;
}

/** Options of the squeeze state machine (see DEFAULTS in squeeze-options.ts). */
export interface SqueezeOptions {
  mode: 'rate' | 'concurrency';
  slo: SloClause[];
  minRate: number;
  maxRate: number;
  /** Hold per step, seconds, warm-up included. */
  stepDurationS: number;
  /** Seconds discarded at the start of each step. */
  warmupS: number;
  /** Seconds per control window (guards are judged per window). */
  windowS: number;
  /** Bisection stops when (firstBad - lastGood) / lastGood <= resolution. */
  resolution: number;
  /** Geometric ramp factor far from the limits. */
  rampFactor: number;
  /** Hard breach when a latency clause exceeds limit × this in one second. */
  hardLatencyFactor: number;
  /** Hard breach when the error rate exceeds limit × this in one second. */
  hardErrorFactor: number;
  /** Failed requests the whole search may cause before it is stopped (the error budget; Infinity = none). */
  errorBudget: number;
  /** After a hard breach: resume the search (refine below the breach) or end it. */
  onHardBreach: 'resume' | 'end';
  maxHardBreaches: number;
  /** Extra windows a step may get when it is not steady. */
  maxExtensions: number;
  maxSteps: number;
  /** Confirm soak length, seconds. */
  confirmDurationS: number;
  throughputTolerance: number;
  // Concurrency mode (closed model).
  minConcurrency: number;
  maxConcurrency: number;
  /** Passes without a relative improvement above noiseThreshold that end the search. */
  plateauPasses: number;
  noiseThreshold: number;
}
