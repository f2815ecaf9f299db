import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidInput } from '../core/errors.js';
import { withDb } from './db.js';
import { query } from './rows.js';
import { newRunId, type Store } from './store.js';
import type { PredictionSummary, StoredPrediction } from './prediction-types.js';

export type { PredictionSummary, StoredPrediction };

/**
 * Forecasts and capacity plans (`headroom predict forecast|plan`) in the store
 * (migration 3), for the dashboard's forecast and plan pages and the API. Each is kept
 * whole as JSON (`doc`); the columns beside it are the list's.
 */

export interface NewForecast {
  source: string;
  horizon: number;
  stepS: number;
  config: Record<string, unknown>;
  doc: unknown;
}

export interface NewPlan {
  source: string;
  capacityRunId: string | null;
  quantile: number;
  peakDemand: number | null;
  peakInstances: number | null;
  instances: number | null;
  runwayUntil: number | null;
  config: Record<string, unknown>;
  doc: unknown;
}

const fin = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Records a forecast; returns its id.
 *
 * @example
 * const id = await saveForecast(store, { source: 'demand.csv', horizon: 48, stepS: 3600, config: { argv }, doc });
 */
export async function saveForecast(store: Store, f: NewForecast): Promise<string> {
  const id = newRunId();
  await withDb(store.path, (c) =>
    c.run(`INSERT INTO forecasts (id, created_at, source, horizon, step_s, config, doc) VALUES ($1, now(), $2, $3, $4, $5, $6)`,
      [id, f.source, f.horizon, f.stepS, JSON.stringify(f.config), JSON.stringify(f.doc)]));
  return id;
}

/**
 * Records a capacity plan; returns its id.
 *
 * @example
 * const id = await savePlan(store, { source: 'demand.csv', capacityRunId: null, quantile: 0.99, peakDemand: 1200, peakInstances: 9, instances: 6, runwayUntil: null, config, doc });
 */
export async function savePlan(store: Store, p: NewPlan): Promise<string> {
  const id = newRunId();
  await withDb(store.path, (c) =>
    c.run(
      `INSERT INTO plans (id, created_at, source, capacity_run_id, quantile, peak_demand, peak_instances, instances, runway_until, config, doc)
       VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8::TIMESTAMPTZ, $9, $10)`,
      [id, p.source, p.capacityRunId, p.quantile, fin(p.peakDemand), fin(p.peakInstances), p.instances, ts(p.runwayUntil),
        JSON.stringify(p.config), JSON.stringify(p.doc)],
    ));
  return id;
}

const FORECAST_COLS = `id, 'forecast' AS kind, epoch_ms(created_at) AS created_at, source, horizon, step_s`;
const PLAN_COLS = `id, 'plan' AS kind, epoch_ms(created_at) AS created_at, source, capacity_run_id, quantile, peak_demand, peak_instances,
  instances, epoch_ms(runway_until) AS runway_until`;

function summary(r: Record<string, unknown>): PredictionSummary {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'doc' && k !== 'config') out[k] = v;
  return out as unknown as PredictionSummary;
}

/** Forecasts or plans, newest first (at most `limit`, 1..1000). */
export async function listPredictions(store: Store, kind: 'forecast' | 'plan', limit = 100): Promise<PredictionSummary[]> {
  const n = Math.max(1, Math.min(1000, Math.floor(limit)));
  const sql = kind === 'forecast'
    ? `SELECT ${FORECAST_COLS} FROM forecasts ORDER BY created_at DESC, id DESC LIMIT ${n}`
    : `SELECT ${PLAN_COLS} FROM plans ORDER BY created_at DESC, id DESC LIMIT ${n}`;
  return (await withDb(store.path, (c) => query(c, sql))).map(summary);
}

/** One forecast or plan by id or unique id prefix, with its document. */
export async function getPrediction<D = unknown>(store: Store, kind: 'forecast' | 'plan', idOrPrefix: string): Promise<StoredPrediction<D>> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(idOrPrefix)) {
    throw invalidInput('HR_E_BAD_RUN_ID', `${kind} id: expected letters, digits and dashes, got ${JSON.stringify(idOrPrefix.slice(0, 80))}`);
  }
  const rows = await withDb(store.path, (c: DuckDBConnection) => query(c,
    `SELECT ${kind === 'forecast' ? FORECAST_COLS : PLAN_COLS}, config, doc FROM ${kind === 'forecast' ? 'forecasts' : 'plans'}
     WHERE id = $1 OR starts_with(id, $1) ORDER BY id LIMIT 3`, [idOrPrefix]));
  const row = rows.find((r) => r.id === idOrPrefix) ?? (rows.length === 1 ? rows[0] : undefined);
  if (!row) {
    if (rows.length > 1) throw invalidInput('HR_E_RUN_AMBIGUOUS', `${kind} id: "${idOrPrefix}" matches several; give more characters`);
    throw invalidInput('HR_E_PREDICTION_NOT_FOUND', `${kind} id: no ${kind} "${idOrPrefix}" in the store`, `list them with GET /api/${kind}s`);
  }
  return { ...summary(row), config: JSON.parse(row.config as string) as Record<string, unknown>, doc: JSON.parse(row.doc as string) as D };
}
