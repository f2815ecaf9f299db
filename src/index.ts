// The programmatic API. The CLI is built on exactly these exports.
export { HeadroomError, ExitCode, invalidInput } from './core/errors.js';
export { parseDuration } from './core/duration.js';
export { Store, RunRecorder, defaultStorePath, SCHEMA_VERSION } from './store/index.js';
export type { RunRecord, RunKind, RunStatus, RunFilter, RunDetail, SqueezeResultRecord, SqueezeStepRecord, UslFitRecord } from './store/index.js';
export { startServer, type ServeOptions, type RunningServer } from './server/server.js';
export { compareRuns, type RunComparison } from './core/compare-runs.js';
