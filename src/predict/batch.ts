import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { predict } from '../core/forecast/combine.js';
import { makeContext } from '../core/forecast/context.js';
import { fillMissing } from '../core/forecast/series-regular.js';
import type { BatchRow } from '../core/forecast/series-parse.js';
import type { ModelName } from '../core/forecast/models.js';

/**
 * Fleet forecasting: one series per row, spread over worker threads (one per core), each
 * forecasting its share of rows independently. Rows too short for the models fall back
 * with a warning, as single series do.
 */

export interface BatchOptions {
  horizon: number;
  quantiles: number[];
  periods: number[];
  models?: ModelName[];
  /** Worker threads (default: available cores; 0 runs in this thread). */
  threads?: number;
  /** Time of each row's first value and the step, when known: aligns the calendar features. */
  time?: { startMs: number; stepMs: number };
}

export interface BatchForecast {
  id: string;
  mean: Float64Array;
  quantiles: Float64Array[];
  warnings: string[];
}

/**
 * Forecasts rows in this thread.
 *
 * @example
 * forecastRows([{ id: 'api', values }], { horizon: 48, quantiles: [0.9], periods: [24, 168] })
 */
export function forecastRows(rows: BatchRow[], opts: BatchOptions): BatchForecast[] {
  return rows.map((row) => {
    const y = fillMissing(Float64Array.from(row.values), opts.periods[0] ?? 0);
    const periods = opts.periods.filter((p) => 2 * p <= y.length);
    if (y.length === 0) {
      return { id: row.id, mean: new Float64Array(opts.horizon), quantiles: opts.quantiles.map(() => new Float64Array(opts.horizon)), warnings: [`${row.id}: no values; forecast is 0`] };
    }
    if (y.every((v) => Number.isNaN(v))) y.fill(0);
    const r = predict(y, { ...makeContext(periods, opts.time), fast: true }, { horizon: opts.horizon, quantiles: opts.quantiles, models: opts.models, origins: 4 });
    return { id: row.id, mean: r.mean, quantiles: r.quantiles, warnings: r.warnings.map((w) => `${row.id}: ${w}`) };
  });
}

/**
 * Forecasts all rows using worker threads.
 *
 * @example
 * const out = await forecastBatch(rows, { horizon: 48, quantiles: [0.9], periods: [24, 168] });
 */
export async function forecastBatch(rows: BatchRow[], opts: BatchOptions): Promise<BatchForecast[]> {
  const threads = Math.min(opts.threads ?? availableParallelism(), rows.length);
  if (threads <= 1 || rows.length < 8) return forecastRows(rows, opts);
  // Interleave rows so that each worker gets a similar mix of long and short series.
  const shares: BatchRow[][] = Array.from({ length: threads }, () => []);
  rows.forEach((r, i) => shares[i % threads]!.push(r));
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<BatchForecast[]>((resolve, reject) => {
          const w = new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: { rows: share, opts } });
          w.once('message', (m: BatchForecast[]) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => code !== 0 && reject(new Error(`batch worker exited with code ${code}`)));
        }),
    ),
  );
  const out: BatchForecast[] = new Array(rows.length);
  results.forEach((res, k) => res.forEach((f, j) => (out[j * threads + k] = f)));
  return out;
}
