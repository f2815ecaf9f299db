// The programmatic API. The CLI is built on exactly these exports.
export { HeadroomError, ExitCode, invalidInput } from './core/errors.js';
export { parseDuration } from './core/duration.js';
export { run, startLoad, LoadRun } from './load/engine.js';
export type { LoadEvents } from './load/engine.js';
export type { LoadOptions } from './load/load-plan.js';
export type { LoadDriver, SecondSample, RunSummary, LatencySummaryMs, GeneratorHealth, ThresholdResult, ErrorKind } from './core/load-types.js';
export { RateSchedule, parseStages } from './core/rate-schedule.js';
export type { RateStage } from './core/rate-schedule.js';
export { parseThreshold, evaluateThresholds } from './core/threshold.js';
export { startQueueTarget } from './targets/queue-target.js';
export type { QueueTarget, QueueTargetOptions } from './targets/queue-target.js';
