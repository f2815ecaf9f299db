import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DuckDBConnection } from '@duckdb/node-api';
import { invalidInput } from '../core/errors.js';
import { withDb } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { TraceDb } from '../trace/db.js';
import { buildReport, saveFindings, storedFindings, traceState, type TraceReport, type TraceState } from '../trace/report.js';
import { HttpError, sendJson } from './http-util.js';

/**
 * The API over the trace tables (`headroom trace import`, issue #5), for the dashboard's
 * trace page. Every answer is computed by the same SQL as `headroom trace report`, but not
 * on every request: the findings of all records (the seven detectors, seconds on millions of
 * records) are served from `trace_findings` while its basis matches the store's trace state,
 * and computed and stored otherwise; whole answers are kept in memory per trace state and query.
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
  const query = traceQuery(q);
  if (view === 'findings') {
    const { totals, findings } = await traceFindings(store, query);
    sendJson(res, 200, { totals, findings });
    return true;
  }
  const r = await traceReport(store, query);
  const totals = r.totals;
  const body = view === 'report' ? r
    : view === 'impact' ? { totals, clients: r.clients, endpoints: r.endpoints, matrix: r.matrix }
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
 * Answers by store path, trace state and query (a new import changes the state), kept as
 * promises so that concurrent loads of one page share one computation.
 */
const cache = new Map<string, Promise<TraceReport>>();
const CACHE_MAX = 32;

/**
 * The trace report over the store file (a store without trace imports gives an empty one).
 * Without a client or since filter it uses the stored findings when they are current, and
 * stores the ones it computes otherwise.
 *
 * @example
 * const report = await traceReport(store, { top: 10 });
 */
export async function traceReport(store: Store, q: TraceQuery): Promise<TraceReport> {
  // Store.open migrated the file: the trace tables are there (migration 4), empty or not.
  return withDb(store.path, async (conn) => {
    const db = traceDbOver(conn, store.path);
    const state = await traceState(db);
    const key = JSON.stringify([store.path, state, q]);
    let answer = cache.get(key);
    if (!answer) {
      answer = computeReport(db, state, q);
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(key, answer);
      answer.catch(() => cache.delete(key));
    }
    return answer;
  });
}

async function computeReport(db: TraceDb, state: TraceState, q: TraceQuery): Promise<TraceReport> {
  if (q.client !== undefined || q.since !== undefined) return buildReport(db, q);
  const stored = await storedFindings(db, state);
  if (stored) return buildReport(db, { ...q, findings: stored.findings });
  const r = await buildReport(db, q);
  // Storing only saves the next load its detectors: a conflict with a concurrent store (two
  // pages computing at once) or a read-only file must not fail this one.
  await saveFindings(db, r.findings, { state, totals: r.totals }).catch(() => {});
  return r;
}

/** The findings and totals: the stored ones when current (no report is built), else as traceReport. */
async function traceFindings(store: Store, q: TraceQuery): Promise<Pick<TraceReport, 'totals' | 'findings'>> {
  if (q.client === undefined && q.since === undefined) {
    const stored = await withDb(store.path, async (conn) => {
      const db = traceDbOver(conn, store.path);
      return storedFindings(db, await traceState(db));
    });
    if (stored) return stored;
  }
  return traceReport(store, q);
}
