export { Store, defaultStorePath, newRunId, type NewRun, type FinishRun } from './store.js';
export { RunRecorder, type RecorderOptions, type HistogramInput } from './recorder.js';
export { MIGRATIONS, SCHEMA_VERSION, migrate } from './schema.js';
export { withDb, closeAllDbs } from './db.js';
export * from './types.js';
