// The programmatic API. The CLI is built on exactly these exports.
export { HeadroomError, ExitCode, invalidInput } from './core/errors.js';
export { parseDuration } from './core/duration.js';
export { predict, type PredictOptions, type PredictResult } from './core/forecast/combine.js';
export { backtest, type BacktestOptions, type BacktestResult } from './core/forecast/backtest.js';
export { plan, bottlenecks, parseRedundancy, parseResources, instancesNeeded, fleetCapacity, type PlanInput, type PlanResult, type Resource } from './core/forecast/plan.js';
export { makeContext, type ForecastContext } from './core/forecast/context.js';
export { MODELS, MODEL_NAMES, type ModelName } from './core/forecast/models.js';
export { parseSeriesCsv, parseSeriesJson, parseBatchCsv, parseTimestamp } from './core/forecast/series-parse.js';
export { regularize, aggregate, fillMissing, type RegularSeries } from './core/forecast/series-regular.js';
export { detectSeasonality, parseSeason } from './core/forecast/seasonality.js';
export { parseEventsCsv, eventIndex } from './core/forecast/events.js';
export { smape, mase, coverage } from './core/forecast/accuracy.js';
export { fetchPrometheusRange } from './predict/prometheus.js';
export { forecastBatch } from './predict/batch.js';
