import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig, type Finding } from '../core/finding.js';
import { DuckDBTimestampValue } from '@duckdb/node-api';
import type { TraceDb } from './db.js';
import { detectAll, type Totals } from './findings.js';

export interface ReportOptions {
  client?: string;
  /** Only records at or after this time (epoch ms). */
  since?: number;
  /** Rows in each top-K table. */
  top: number;
  detectors?: DetectorConfig;
  /** Findings already known for this selection (stored ones): the detectors are not run. */
  findings?: Finding[];
}

export interface ImpactRow {
  key: string;
  requests: number;
  rps: number;
  share_requests: number;
  share_backend_time: number;
  share_bytes: number;
  errors: number;
}

export interface TraceReport {
  totals: Totals & { rps: number; clients: number; endpoints: number };
  clients: ImpactRow[];
  endpoints: ImpactRow[];
  /** Client × service: requests and the client's share of that service's requests and backend time. */
  matrix: { client: string; service: string; requests: number; share_of_service: number; share_of_service_time: number }[];
  /** Requests per second per bucket for the top clients. */
  rate: { bucket_s: number; start: number; series: { client: string; rps: number[] }[] };
  findings: Finding[];
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Defines `trace_sel`, the records one report looks at. */
export async function selectRecords(db: TraceDb, opts: { client?: string; since?: number }): Promise<void> {
  const where = ['true'];
  if (opts.client !== undefined) where.push(`client = ${lit(opts.client)}`);
  if (opts.since !== undefined && Number.isFinite(opts.since)) where.push(`ts >= ${opts.since}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW trace_sel AS SELECT * FROM trace_requests WHERE ${where.join(' AND ')}`);
}

async function impact(db: TraceDb, keyExpr: string, t: Totals, top: number): Promise<ImpactRow[]> {
  return db.all<ImpactRow>(
    `SELECT ${keyExpr} AS key, count(*) AS requests, count(*) / ${t.duration_s} AS rps,
       count(*) / ${Math.max(1, t.requests)} AS share_requests,
       coalesce(sum(latency_ms), 0) / ${Math.max(1e-9, t.backend_ms)} AS share_backend_time,
       coalesce(sum(bytes), 0) / ${Math.max(1, t.bytes)} AS share_bytes,
       count(*) FILTER (WHERE status >= 400 OR status = 0) AS errors
     FROM trace_sel WHERE counted GROUP BY 1 ORDER BY requests DESC, key LIMIT ${top}`,
  );
}

/**
 * Builds the whole report: totals, top-K impact tables per client and endpoint, the
 * client × service matrix, rate over time, and the findings.
 *
 * @example
 * const report = await buildReport(db, { top: 10 });
 */
export async function buildReport(db: TraceDb, opts: ReportOptions): Promise<TraceReport> {
  await selectRecords(db, opts);
  const [t] = await db.all<Totals & { clients: number; endpoints: number }>(
    `SELECT count(*) AS requests, coalesce(sum(bytes), 0) AS bytes, coalesce(sum(latency_ms), 0) AS backend_ms,
       coalesce(min(ts), 0) AS start, coalesce(max(ts), 0) AS "end", greatest(1, (coalesce(max(ts), 0) - coalesce(min(ts), 0)) / 1000) AS duration_s,
       count(DISTINCT client) AS clients, count(DISTINCT method || ' ' || route) AS endpoints
     FROM trace_sel WHERE counted`,
  );
  const totals = { ...t!, rps: t!.requests / t!.duration_s };
  const clients = await impact(db, 'client', totals, opts.top);
  const endpoints = await impact(db, `CASE WHEN method = '' THEN route ELSE method || ' ' || route END`, totals, opts.top);
  const matrix = await db.all<TraceReport['matrix'][number]>(
    `WITH s AS (SELECT service, count(*) AS n, coalesce(sum(latency_ms), 0) AS ms FROM trace_sel WHERE counted GROUP BY service)
     SELECT r.client, r.service, count(*) AS requests, count(*) / any_value(s.n) AS share_of_service,
       coalesce(sum(r.latency_ms), 0) / greatest(any_value(s.ms), 1e-9) AS share_of_service_time
     FROM trace_sel r JOIN s USING (service) WHERE r.counted
     GROUP BY ALL ORDER BY requests DESC LIMIT ${opts.top * 5}`,
  );
  // At most 60 buckets over the period, in whole seconds.
  const bucket_s = Math.max(1, Math.ceil(totals.duration_s / 60));
  const nb = Math.max(1, Math.ceil(totals.duration_s / bucket_s) + 1);
  const topClients = clients.slice(0, 5).map((c) => c.key);
  const rows = topClients.length
    ? await db.all<{ c: string; b: number; n: number }>(
        `SELECT client AS c, CAST(floor((ts - ${totals.start}) / ${bucket_s * 1000}) AS INTEGER) AS b, count(*) AS n
         FROM trace_sel WHERE counted AND client IN (${topClients.map(lit).join(', ')}) GROUP BY 1, 2`,
      )
    : [];
  const series = topClients.map((client) => {
    const rps = new Array<number>(nb).fill(0);
    for (const r of rows) if (r.c === client && r.b >= 0 && r.b < nb) rps[r.b] = r.n / bucket_s;
    return { client, rps };
  });
  const findings = opts.findings ?? await detectAll(db, opts.detectors ?? DEFAULT_DETECTOR_CONFIG, totals);
  return { totals, clients, endpoints, matrix, rate: { bucket_s, start: totals.start, series }, findings };
}

/** What the trace tables hold, cheaply told apart: every import adds a row to trace_imports. */
export interface TraceState {
  imports: number;
  last_import: number;
  records: number;
}

/** The store's trace state now (a small aggregate over trace_imports, not over the records). */
export async function traceState(db: TraceDb): Promise<TraceState> {
  const [s] = await db.all<TraceState>(
    'SELECT count(*) AS imports, coalesce(max(id), 0) AS last_import, coalesce(sum(records), 0) AS records FROM trace_imports',
  );
  return s!;
}

/** What stored findings were computed from: the trace state, the report's filter and totals. */
export interface FindingsBasis {
  state: TraceState;
  client?: string;
  since?: number;
  totals: TraceReport['totals'];
}

/**
 * Replaces the stored findings (table `trace_findings`, read by the dashboard) with these,
 * through the appender: thousands of findings must not cost thousands of statements. The
 * basis is stored with them, so a reader knows whether they are still current.
 */
export async function saveFindings(db: TraceDb, findings: readonly Finding[], basis: FindingsBasis): Promise<void> {
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run('DELETE FROM trace_findings');
    await db.run('DELETE FROM trace_findings_basis');
    const { state: st, client, since, totals } = basis;
    await db.run('INSERT INTO trace_findings_basis VALUES ($1, $2, $3, $4, $5, $6)', [
      st.imports, st.last_import, st.records, client ?? null, since ?? null, JSON.stringify(totals),
    ]);
    const a = await db.conn.createAppender('trace_findings');
    const now = new DuckDBTimestampValue(BigInt(Date.now()) * 1000n);
    findings.forEach((f, seq) => {
      a.appendTimestamp(now);
      a.appendVarchar(f.detector);
      a.appendVarchar(f.client);
      a.appendVarchar(f.endpoint);
      a.appendBigInt(BigInt(f.count));
      a.appendDouble(f.saved_rps);
      a.appendDouble(f.saved_bps);
      a.appendVarchar(f.severity);
      a.appendVarchar(f.summary);
      a.appendVarchar(JSON.stringify(f.evidence));
      a.appendInteger(seq);
      a.endRow();
    });
    a.flushSync();
    a.closeSync();
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
}

/**
 * The stored findings and their totals when they were computed over all records (no client or
 * since filter) in exactly the trace state `state`; null when there are none or they are stale.
 *
 * @example
 * const stored = await storedFindings(db, await traceState(db));
 */
export async function storedFindings(db: TraceDb, state: TraceState): Promise<{ totals: TraceReport['totals']; findings: Finding[] } | null> {
  const [b] = await db.all<{ totals: string }>(
    `SELECT totals FROM trace_findings_basis
     WHERE imports = $1 AND last_import = $2 AND records = $3 AND client IS NULL AND since IS NULL`,
    [state.imports, state.last_import, state.records],
  );
  if (!b) return null;
  const rows = await db.all<Omit<Finding, 'evidence'> & { evidence: string }>(
    'SELECT detector, client, endpoint, count, saved_rps, saved_bps, severity, summary, evidence FROM trace_findings ORDER BY seq',
  );
  return { totals: JSON.parse(b.totals) as TraceReport['totals'], findings: rows.map((r) => ({ ...r, evidence: JSON.parse(r.evidence) as string[] })) };
}
