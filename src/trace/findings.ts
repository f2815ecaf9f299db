import { severityOf, type DetectorConfig, type Detector, type Finding } from '../core/finding.js';
import type { TraceDb } from './db.js';

/**
 * The waste detectors, each one SQL query over the selected records (`trace_sel`, see
 * report.ts) so that tens of millions of rows are analysed by DuckDB's vectorised,
 * multi-threaded engine. Each returns rows of (client, endpoint, count, saved requests,
 * saved bytes, detail, evidence refs); `detectAll` turns them into findings with
 * rates and severities. Precision and recall are measured in test/trace-accuracy.test.ts.
 */
interface Row {
  client: string;
  endpoint: string;
  n: number;
  saved: number;
  saved_bytes: number;
  detail: string;
  evidence: string[];
}

const EP = `CASE WHEN method = '' THEN route ELSE method || ' ' || route END`;

/**
 * Every detector that looks at repeats of one URL by one client needs the same ordering,
 * so it is computed once: `trace_seq` holds each counted record with its predecessor's
 * time, status, size, body hash and cache headers (one window sort instead of four).
 */
export const SEQ_SQL = `CREATE OR REPLACE TEMP TABLE trace_seq AS
  SELECT client, method, route, path, query, ts, id, ref, bytes, status, req_hash, body_hash,
    ts - lag(ts) OVER w AS gap, lag(status) OVER w AS pstatus, lag(bytes) OVER w AS pbytes,
    lag(body_hash) OVER w AS pbody_hash, lag(req_hash) OVER w AS preq_hash,
    lag(cache_control) OVER w AS pcc, lag(expires) OVER w AS pexp
  FROM trace_sel WHERE counted
  WINDOW w AS (PARTITION BY client, method, path, query ORDER BY ts, id)`;

/** Identical requests (same client, method, URL and request body) within the window, after a non-error response. */
function duplicateSql(c: DetectorConfig): string {
  return `SELECT client, ${EP} AS endpoint, count(*) AS n, count(*) AS saved, coalesce(sum(bytes), 0) AS saved_bytes,
      'median gap ' || round(median(gap)) || ' ms' AS detail, min_by(ref, ts, 5) AS evidence
    FROM trace_seq WHERE method <> '' AND gap <= ${c.duplicateWindowMs} AND pstatus BETWEEN 100 AND 399
      AND coalesce(req_hash, '') = coalesce(preq_hash, '')
    GROUP BY ALL`;
}

/**
 * N+1: many calls to one route under one parent span (or page), with different
 * parameters. Sequential when each call starts after the previous one ended, parallel
 * otherwise. Records without a parent are grouped into bursts per client and route.
 */
function nPlusOneSql(c: DetectorConfig): string {
  // Bursts are only possible where a client called an endpoint often enough at all: that
  // cheap hash aggregate keeps most rows out of the sorts below.
  return `WITH p AS (
      SELECT client, ${EP} AS endpoint, trace_id AS g1, parent_id AS g2, ts, ref,
        hash(path, query) AS url, lag(ts + coalesce(latency_ms, 0)) OVER (PARTITION BY client, trace_id, parent_id, ${EP} ORDER BY ts, id) AS pend
      FROM trace_sel WHERE parent_id IS NOT NULL),
    cand AS (SELECT client, method, route FROM trace_sel WHERE parent_id IS NULL AND counted GROUP BY ALL HAVING count(*) >= ${c.nPlusOneMin}),
    b0 AS (SELECT client, ${EP} AS endpoint, ts, ref, hash(path, query) AS url,
             lag(ts) OVER w AS pts, lag(ts + coalesce(latency_ms, 0)) OVER w AS pend
           FROM trace_sel JOIN cand USING (client, method, route) WHERE parent_id IS NULL AND counted
           WINDOW w AS (PARTITION BY client, method, route ORDER BY ts, id)),
    b AS (SELECT client, endpoint, 'burst' AS g1, CAST(sum(CASE WHEN ts - pts <= ${c.burstGapMs} THEN 0 ELSE 1 END) OVER (PARTITION BY client, endpoint ORDER BY ts, ref) AS VARCHAR) AS g2,
            ts, ref, url, CASE WHEN ts - pts <= ${c.burstGapMs} THEN pend END AS pend
          FROM b0),
    g AS (SELECT client, endpoint, g1, g2, count(*) AS n, count(DISTINCT url) AS distinct_urls,
            avg(CASE WHEN pend IS NULL THEN NULL WHEN ts >= pend THEN 1.0 ELSE 0.0 END) AS seq_share,
            min_by(ref, ts, 3) AS refs
          FROM (SELECT * FROM p UNION ALL SELECT * FROM b) GROUP BY ALL)
    SELECT client, endpoint, sum(n) AS n, sum(n - 1) AS saved, 0 AS saved_bytes,
      count(*) || ' fan-out(s) of ' || round(avg(n), 1) || ' calls, ' ||
        CASE WHEN avg(seq_share) >= 0.8 THEN 'sequential' ELSE 'parallel' END AS detail,
      flatten(list(refs))[1:5] AS evidence
    FROM g WHERE n >= ${c.nPlusOneMin} AND (distinct_urls >= ${c.nPlusOneMin} - 1 OR endpoint NOT LIKE '% /%')
    GROUP BY ALL`;
}

/**
 * Polling: one URL fetched in regular rounds, mostly getting unchanged responses. Real
 * pollers often fire a few requests per round (several feed readers behind one address),
 * so requests are grouped into rounds first: a new round starts after a gap longer than
 * half the 90th-percentile gap. Rounds are regular when the median absolute deviation of
 * the gaps between round starts is at most 20% of their median (robust to a missed poll).
 * Saved: the requests whose response was unchanged (304, same body hash, or same size).
 */
function pollingSql(c: DetectorConfig): string {
  return `WITH s AS (
      SELECT client, method, path, query, route, ts, id, ref, bytes, gap,
        CASE WHEN status = 304 THEN 1
             WHEN gap IS NULL THEN NULL
             WHEN body_hash IS NOT NULL AND body_hash = pbody_hash THEN 1
             WHEN body_hash IS NULL AND bytes IS NOT NULL AND bytes = pbytes AND status = pstatus THEN 1
             ELSE 0 END AS same
      FROM trace_seq WHERE method IN ('GET', 'HEAD')),
    k1 AS (SELECT client, method, path, query, count(*) AS n, quantile_cont(gap, 0.9) AS q90 FROM s GROUP BY ALL HAVING count(*) >= ${c.pollingMin}),
    rs AS (SELECT s.client, s.method, s.path, s.query, s.ts - lag(s.ts) OVER (PARTITION BY s.client, s.method, s.path, s.query ORDER BY s.ts, s.id) AS rgap
           FROM s JOIN k1 USING (client, method, path, query) WHERE s.gap IS NULL OR s.gap > 0.5 * k1.q90),
    k2 AS (SELECT client, method, path, query, count(*) AS rounds, median(rgap) AS med, mad(rgap) AS mad FROM rs GROUP BY ALL),
    k3 AS (SELECT client, method, path, query, any_value(CASE WHEN method = '' THEN route ELSE method || ' ' || route END) AS endpoint,
             count(*) AS n, avg(same) AS unchanged, coalesce(sum(same), 0) AS same_n,
             sum(CASE WHEN same = 1 THEN coalesce(bytes, 0) ELSE 0 END) AS same_bytes, min_by(ref, ts, 5) AS evidence
           FROM s JOIN k1 USING (client, method, path, query) GROUP BY ALL)
    SELECT k3.client, k3.endpoint, k3.n, k3.same_n AS saved, k3.same_bytes AS saved_bytes,
      k3.path || CASE WHEN k3.query = '' THEN '' ELSE '?' || k3.query END || ' every ' || round(k2.med / 1000, 1) || ' s in ' || k2.rounds ||
        ' rounds (spread ' || round(100 * k2.mad / k2.med) || '%), ' || round(100 * k3.unchanged) || '% unchanged' AS detail,
      k3.evidence
    FROM k3 JOIN k2 USING (client, method, path, query)
    WHERE k2.rounds >= ${c.pollingMin} AND k2.med > ${c.duplicateWindowMs} AND k2.mad <= 0.2 * k2.med AND k3.unchanged >= 0.5`;
}

/** Retry storms: repeats of a request that got 429/5xx/no response, without a growing backoff. */
function retrySql(c: DetectorConfig): string {
  return `WITH r AS (
      SELECT *, lag(gap) OVER (PARTITION BY client, method, path, query ORDER BY ts, id) AS pgap
      FROM trace_seq WHERE gap <= ${c.retryWindowMs} AND (pstatus = 429 OR pstatus >= 500 OR pstatus = 0)),
    k AS (SELECT client, method, path, query, ${EP} AS endpoint, count(*) AS n, coalesce(sum(bytes), 0) AS b,
            avg(CASE WHEN pgap IS NULL THEN NULL WHEN gap >= 1.5 * pgap THEN 1.0 ELSE 0.0 END) AS growing,
            median(gap) AS med, min_by(ref, ts, 5) AS evidence
          FROM r GROUP BY ALL)
    SELECT client, endpoint, sum(n) AS n, sum(n) AS saved, sum(b) AS saved_bytes,
      sum(n) || ' retries after errors, median gap ' || round(median(med)) || ' ms, backoff growing in ' || round(100 * coalesce(avg(growing), 0)) || '% of steps' AS detail,
      flatten(list(evidence))[1:5] AS evidence
    FROM k WHERE n >= ${c.retryMin} AND coalesce(growing, 0) < 0.5
    GROUP BY ALL`;
}

/** Oversized responses: bodies above the threshold; the excess is what could be saved. */
function oversizedSql(c: DetectorConfig): string {
  return `SELECT client, ${EP} AS endpoint, count(*) AS n, 0 AS saved, sum(bytes - ${c.oversizedBytes}) AS saved_bytes,
      'responses up to ' || round(max(bytes) / 1048576, 1) || ' MiB' AS detail, max_by(ref, bytes, 5) AS evidence
    FROM trace_sel WHERE counted AND bytes > ${c.oversizedBytes} GROUP BY ALL HAVING count(*) >= ${c.oversizedMin}`;
}

/**
 * Cacheable responses fetched again while still fresh: the previous response to the same
 * client and URL allowed caching (RFC 9111 §4.2: max-age, else Expires) and the refetch
 * came within that lifetime.
 */
function cacheSql(): string {
  return `WITH f AS (SELECT *,
        CASE WHEN pcc ILIKE '%no-store%' OR pcc ILIKE '%no-cache%' THEN 0
             WHEN regexp_matches(coalesce(pcc, ''), 'max-age=\\d+') THEN 1000 * CAST(regexp_extract(pcc, 'max-age=(\\d+)', 1) AS DOUBLE)
             WHEN pexp IS NOT NULL THEN coalesce(epoch_ms(try_strptime(pexp, '%a, %d %b %Y %H:%M:%S GMT')) - (ts - gap), 0)
             ELSE 0 END AS fresh_ms
      FROM trace_seq WHERE method = 'GET' AND gap IS NOT NULL AND (pcc IS NOT NULL OR pexp IS NOT NULL) AND pstatus IN (200, 203, 204, 206, 300, 301, 404))
    SELECT client, ${EP} AS endpoint, count(*) AS n, count(*) AS saved, coalesce(sum(bytes), 0) AS saved_bytes,
      'fetched again ' || round(median(gap) / 1000, 1) || ' s after a response fresh for ' || round(median(fresh_ms) / 1000) || ' s' AS detail,
      min_by(ref, ts, 5) AS evidence
    FROM f WHERE fresh_ms > 0 AND gap < fresh_ms GROUP BY ALL`;
}

/** Error-heavy callers: clients with many requests of which a large share fails. */
function errorSql(c: DetectorConfig): string {
  return `WITH e AS (SELECT client, method, route, ts, ref, bytes, (status >= 400 OR status = 0) AS err FROM trace_sel WHERE counted),
    k AS (SELECT client, count(*) AS total, sum(err::INT) AS errs, coalesce(sum(CASE WHEN err THEN bytes END), 0) AS b,
            mode(CASE WHEN err THEN ${EP} END) AS endpoint, min_by(ref, ts, 5) FILTER (WHERE err) AS refs
          FROM e GROUP BY client)
    SELECT client, endpoint, errs AS n, errs AS saved, b AS saved_bytes,
      round(100 * errs / total) || '% of ' || total || ' requests failed' AS detail, refs[1:5] AS evidence
    FROM k WHERE total >= ${c.errorMinRequests} AND errs >= ${c.errorShare} * total`;
}

const DETECTORS: [Detector, (c: DetectorConfig) => string][] = [
  ['duplicate', duplicateSql],
  ['n_plus_1', nPlusOneSql],
  ['polling', pollingSql],
  ['retry_storm', retrySql],
  ['oversized', oversizedSql],
  ['cache_refetch', cacheSql],
  ['error_heavy', errorSql],
];

/** Totals of the selection, the denominators of rates and severities. */
export interface Totals {
  requests: number;
  bytes: number;
  backend_ms: number;
  start: number;
  end: number;
  /** Seconds covered, at least 1. */
  duration_s: number;
}

/**
 * Runs every detector over `trace_sel` and returns findings, largest saving first.
 *
 * @example
 * const findings = await detectAll(db, DEFAULT_DETECTOR_CONFIG, totals);
 */
export async function detectAll(db: TraceDb, config: DetectorConfig, totals: Totals, only?: readonly Detector[]): Promise<Finding[]> {
  const out: Finding[] = [];
  const totalRps = totals.requests / totals.duration_s;
  const totalBps = totals.bytes / totals.duration_s;
  await db.run(SEQ_SQL);
  for (const [name, sql] of DETECTORS) {
    if (only && !only.includes(name)) continue;
    const rows = await db.all<Row>(sql(config));
    for (const r of rows) {
      const saved_rps = r.saved / totals.duration_s;
      const saved_bps = r.saved_bytes / totals.duration_s;
      out.push({
        detector: name,
        client: r.client,
        endpoint: r.endpoint,
        count: r.n,
        saved_rps,
        saved_bps,
        severity: severityOf(saved_rps, saved_bps, totalRps, totalBps),
        summary: r.detail,
        evidence: r.evidence ?? [],
      });
    }
  }
  const rank = { high: 0, medium: 1, low: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity] || b.saved_rps - a.saved_rps || b.saved_bps - a.saved_bps);
}
