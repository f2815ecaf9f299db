import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidInput } from '../core/errors.js';
import { withDb } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { TraceDb } from '../trace/db.js';
import { buildReport, type TraceReport } from '../trace/report.js';
import { HttpError, sendJson } from './http-util.js';

/**
 * The API over the trace tables (`headroom trace import`, issue #5), for the dashboard's
 * trace page. Every answer is computed by the same SQL as `headroom trace report`:
 *
 *   GET /api/trace/report?client=&since=&top=     the whole report (as `trace report --json`)
 *   GET /api/trace/impact?…                      {totals, clients, endpoints, matrix}
 *   GET /api/trace/findings?…                    {totals, findings} (each with its evidence refs)
 *   GET /api/trace/rates?…                       {totals, rate: {bucket_s, start, series: [{client, rps}]}}
 *
 * `since` is an ISO time or epoch ms; `top` the rows per table (default 10, at most 200).
 */
export async function handleTraceApi(store: Store, req: IncomingMessage, res: ServerResponse, parts: string[], q: URLSearchParams): Promise<boolean> {
  const [resource, view, ...rest] = parts;
  if (resource !== 'trace') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'HR_E_METHOD', `${req.method} /api/trace: method not allowed; expected GET`);
  if (!view || rest.length > 0 || !['report', 'impact', 'findings', 'rates'].includes(view)) {
    throw new HttpError(404, 'HR_E_NOT_FOUND', `/api/${parts.join('/').slice(0, 100)}: no such API path; expected /api/trace/report, impact, findings or rates`);
  }
  const r = await traceReport(store, traceQuery(q));
  const totals = r.totals;
  const body = view === 'report' ? r
    : view === 'impact' ? { totals, clients: r.clients, endpoints: r.endpoints, matrix: r.matrix }
    : view === 'findings' ? { totals, findings: r.findings }
    : { totals, rate: r.rate };
  sendJson(res, 200, body);
  return true;
}

export interface TraceQuery {
  client?: string;
  since?: number;
  top: number;
}

const KNOWN = ['client', 'since', 'top'];

/**
 * The query of the trace API, validated like the CLI's flags.
 *
 * @example
 * traceQuery(new URLSearchParams('client=frontend&top=5')) // { client: 'frontend', top: 5 }
 */
export function traceQuery(q: URLSearchParams): TraceQuery {
  for (const key of q.keys()) {
    if (!KNOWN.includes(key)) throw invalidInput('HR_E_BAD_QUERY', `${JSON.stringify(key.slice(0, 40))}: unknown query parameter; expected one of ${KNOWN.join(', ')}`);
  }
  const out: TraceQuery = { top: 10 };
  const client = q.get('client');
  if (client !== null && client !== '') out.client = client.slice(0, 500);
  const since = q.get('since');
  if (since !== null && since !== '') {
    const v = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (!Number.isFinite(v)) throw invalidInput('HR_E_BAD_QUERY', `since: expected an ISO time or epoch milliseconds, got ${JSON.stringify(since.slice(0, 60))}`);
    out.since = v;
  }
  const top = q.get('top');
  if (top !== null) {
    if (!/^\d{1,3}$/.test(top) || Number(top) < 1 || Number(top) > 200) throw invalidInput('HR_E_BAD_QUERY', `top: expected an integer from 1 to 200, got ${JSON.stringify(top.slice(0, 40))}`);
    out.top = Number(top);
  }
  return out;
}

/** The trace functions' database handle over one of the store's short-lived connections. */
function traceDbOver(conn: DuckDBConnection, path: string): TraceDb {
  return {
    conn,
    path,
    async all<T>(sql: string, params?: unknown[]) {
      const reader = await conn.runAndReadAll(sql, params as never);
      return (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => {
        for (const k of Object.keys(r)) if (typeof r[k] === 'bigint') r[k] = Number(r[k]);
        return r as T;
      });
    },
    async run(sql: string, params?: unknown[]) {
      await conn.run(sql, params as never);
    },
    close() {
      // The store's withDb closes the connection.
    },
  };
}

/**
 * The trace report over the store file (a store without trace imports gives an empty one).
 *
 * @example
 * const report = await traceReport(store, { top: 10 });
 */
export async function traceReport(store: Store, q: TraceQuery): Promise<TraceReport> {
  // Store.open migrated the file: the trace tables are there (migration 4), empty or not.
  return withDb(store.path, (conn) => buildReport(traceDbOver(conn, store.path), q));
}
