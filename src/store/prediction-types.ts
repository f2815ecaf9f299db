/**
 * Stored forecasts and plans as the API returns them (src/store/predictions.ts), in a
 * file of types only so that the dashboard can import them.
 */

/** One stored forecast or plan as lists show it (no document). */
export interface PredictionSummary {
  id: string;
  kind: 'forecast' | 'plan';
  /** Epoch ms. */
  created_at: number;
  /** Where the demand came from: a file name or a Prometheus query. */
  source: string;
  horizon?: number;
  step_s?: number;
  /** Plans: the squeeze run whose capacity was used, when it came from the store. */
  capacity_run_id?: string | null;
  quantile?: number;
  peak_demand?: number | null;
  peak_instances?: number | null;
  /** Plans: instances today (`--instances`), which the runway is about. */
  instances?: number | null;
  /** Plans: epoch ms when current capacity no longer covers the demand quantile; null beyond the horizon or without --instances. */
  runway_until?: number | null;
}

export interface StoredPrediction<D = unknown> extends PredictionSummary {
  config: Record<string, unknown>;
  doc: D;
}
