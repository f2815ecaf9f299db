// The programmatic API. The CLI is built on exactly these exports.
export { HeadroomError, ExitCode, invalidInput } from './core/errors.js';
export { parseDuration } from './core/duration.js';
export type { TraceRecord } from './core/trace-record.js';
export { RouteTemplater } from './core/route-template.js';
export { parseClientSource, resolveClient } from './core/client-identity.js';
export type { Finding, DetectorConfig } from './core/finding.js';
export { DEFAULT_DETECTOR_CONFIG } from './core/finding.js';
export { validateWorkloadModel, workloadToRequests } from './core/workload-model.js';
export type { WorkloadModel, WeightedRequest } from './core/workload-model.js';
export { generateTraffic } from './core/traffic-generator.js';
export { openTraceDb } from './trace/db.js';
export { TRACE_SCHEMA } from './trace/schema.js';
export { importIntoStore } from './trace/store-import.js';
export { buildReport } from './trace/report.js';
export { startCapture } from './trace/capture.js';
export { extractWorkload } from './trace/workload.js';
export { replay } from './trace/replay.js';
