import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { SecondSample } from '../core/load-types.js';

/** Runs a query and returns plain row objects, with BIGINTs as numbers (our counts fit). */
export async function query(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'bigint' ? Number(v) : v;
    return out;
  });
}

export const SERIES_COLUMNS = [
  'run_id', 't', 'offered_rps', 'achieved_rps', 'lat_p50', 'lat_p99', 'lat_max', 'svc_p99', 'errors', 'sample',
] as const;

const num = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The column values of one series row, in SERIES_COLUMNS order. */
export function sampleToRow(runId: string, s: SecondSample): DuckDBValue[] {
  const errors = Object.values(s.errors ?? {}).reduce<number>((a, b) => a + (b ?? 0), 0);
  return [
    runId, Math.round(s.t), num(s.offered_rps), num(s.achieved_rps) ?? 0,
    num(s.latency_ms?.p50), num(s.latency_ms?.p99), num(s.latency_ms?.max), num(s.service_ms?.p99),
    errors, JSON.stringify(s),
  ];
}

/**
 * SQL that returns a run's series as one JSON array text (`$1` run id, `$2` after t).
 * Aggregating in DuckDB and parsing once is ~10× faster than converting row objects,
 * which keeps a one-hour series well under the API's 100 ms budget.
 */
export const SERIES_JSON_SQL =
  `SELECT '[' || coalesce(string_agg(sample, ',' ORDER BY t), '') || ']' AS json FROM series WHERE run_id = $1 AND t > $2`;

/** `INSERT ... VALUES (...), (...)` for `rows` rows of `columns` with $n placeholders. */
export function multiInsert(table: string, columns: readonly string[], rows: number): string {
  const tuples: string[] = [];
  let n = 1;
  for (let i = 0; i < rows; i++) tuples.push(`(${columns.map(() => `$${n++}`).join(', ')})`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
}
