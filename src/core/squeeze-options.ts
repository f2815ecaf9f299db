import { invalidInput } from './errors.js';
import type { SqueezeOptions } from './squeeze-types.js';

/** Defaults of a squeeze: safe for production-like targets, a few minutes per search. */
export const SQUEEZE_DEFAULTS: Omit<SqueezeOptions, 'slo' | 'warmupS' | 'windowS' | 'confirmDurationS' | 'errorBudget'> = {
  mode: 'rate',
  minRate: 10,
  maxRate: 10_000,
  stepDurationS: 20,
  resolution: 0.02,
  rampFactor: 2,
  hardLatencyFactor: 1.5,
  hardErrorFactor: 5,
  onHardBreach: 'resume',
  maxHardBreaches: 5,
  maxExtensions: 2,
  maxSteps: 25,
  throughputTolerance: 0.05,
  minConcurrency: 1,
  maxConcurrency: 256,
  plateauPasses: 3,
  noiseThreshold: 0.05,
};

/**
 * Fills in defaults and validates a squeeze's options: one line naming the flag on any
 * impossible value. Warm-up defaults to a quarter of the step (at least 1 s), control
 * windows split the rest in three (at least 1 s), the confirm soak is two steps long,
 * and the search's error budget (failed requests) is unlimited unless given: the
 * per-second gates and maxHardBreaches already bound the harm.
 *
 * @example
 * resolveSqueezeOptions({ slo: [parseSlo('p99<100ms')], minRate: 50, maxRate: 5000 })
 */
export function resolveSqueezeOptions(partial: Partial<SqueezeOptions> & Pick<SqueezeOptions, 'slo'>): SqueezeOptions {
  const o = { ...SQUEEZE_DEFAULTS, ...partial } as SqueezeOptions;
  if (!(o.minRate > 0) || !Number.isFinite(o.minRate)) {
    throw invalidInput('HR_E_BAD_RATE', `--min-rate: expected a positive number of requests per second, got "${o.minRate}"`);
  }
  if (!(o.maxRate > 0) || !Number.isFinite(o.maxRate)) {
    throw invalidInput('HR_E_BAD_RATE', `--max-rate: expected a positive number of requests per second, got "${o.maxRate}"`);
  }
  if (o.mode === 'rate' && o.minRate >= o.maxRate) {
    throw invalidInput('HR_E_BAD_RANGE', `--min-rate: expected less than --max-rate (${o.maxRate}), got ${o.minRate}`);
  }
  if (!(o.resolution >= 0.005 && o.resolution <= 0.5)) {
    throw invalidInput('HR_E_BAD_RESOLUTION', `--resolution: expected a percentage between 0.5% and 50%, got ${+(o.resolution * 100).toPrecision(4)}%`);
  }
  if (!(o.stepDurationS >= 2) || !Number.isFinite(o.stepDurationS)) {
    throw invalidInput('HR_E_BAD_DURATION', `--step-duration: expected at least 2s, got ${o.stepDurationS}s`);
  }
  if (o.mode === 'concurrency' && !(Number.isInteger(o.minConcurrency) && o.minConcurrency >= 1 && o.maxConcurrency > o.minConcurrency)) {
    throw invalidInput('HR_E_BAD_RANGE', `--min-concurrency: expected an integer ≥ 1 below --max-concurrency (${o.maxConcurrency}), got ${o.minConcurrency}`);
  }
  const step = Math.round(o.stepDurationS);
  const warmupS = partial.warmupS ?? Math.max(1, Math.round(step / 4));
  if (!(warmupS >= 0 && warmupS < step)) {
    throw invalidInput('HR_E_BAD_DURATION', `--warmup: expected less than the step duration (${step}s), got ${warmupS}s`);
  }
  const windowS = partial.windowS ?? Math.max(1, Math.floor((step - warmupS) / 3));
  if (!(o.errorBudget === undefined || o.errorBudget >= 0)) {
    throw invalidInput('HR_E_BAD_BUDGET', `--error-budget: expected a number of failed requests ≥ 0, got ${o.errorBudget}`);
  }
  return {
    ...o,
    stepDurationS: step,
    warmupS,
    windowS,
    confirmDurationS: partial.confirmDurationS ?? 2 * step,
    errorBudget: partial.errorBudget ?? Infinity,
  };
}
