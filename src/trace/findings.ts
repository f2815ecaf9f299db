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


/**
 * Every detector that looks at repeats of one URL by one client needs the same ordering,
 * so it is computed once, and on narrow rows: `trace_seq` keys each counted record by a
 * 64-bit hash of (client, method, path, query) and keeps only numbers, flags and the
 * predecessor's status, size and cache headers (one window sort on integers instead of
 * four sorts on strings). Strings for display are joined back at the end, for the few
 * flagged groups only (see `finish`).
 *
 * `present` says which optional columns hold any value in the selection: a column that is
 * NULL throughout (an access log has no body hashes or cache headers) gets its constant
 * result instead of a `lag` over the sort (a third of the cost of the pass on a log).
 */
export function seqSql(present: Record<'body_hash' | 'req_hash' | 'cache_control' | 'expires', boolean>): string {
  const opt = (Object.keys(present) as (keyof typeof present)[]).filter((c) => present[c]);
  return `CREATE OR REPLACE TEMP TABLE trace_seq AS
  SELECT k, id, ts, method, status, bytes,
    ts - lag(ts) OVER w AS gap, lag(status) OVER w AS pstatus, lag(bytes) OVER w AS pbytes,
    ${present.body_hash ? 'coalesce(body_hash = lag(body_hash) OVER w, false) AS same_body, body_hash IS NULL' : 'false AS same_body, true'} AS no_body_hash,
    ${present.req_hash ? "coalesce(req_hash, '') = coalesce(lag(req_hash) OVER w, '')" : 'true'} AS same_req,
    ${present.cache_control ? 'lag(cache_control) OVER w' : 'NULL::VARCHAR'} AS pcc, ${present.expires ? 'lag(expires) OVER w' : 'NULL::VARCHAR'} AS pexp
  FROM (SELECT hash(client, method, path, query) AS k, id, ts, method, status, bytes${opt.map((c) => `, ${c}`).join('')}
        FROM trace_sel WHERE counted)
  WINDOW w AS (PARTITION BY k ORDER BY ts, id)`;
}

/**
 * Turns flagged groups (`out`: rep = one record id of the group, ev = up to 5 evidence ids,
 * n, saved, saved_bytes, plus detector columns) into finding rows: client, endpoint and
 * URL from the representative record, evidence refs from the evidence ids.
 */
function finish(detail: string): string {
  return `, evs AS (SELECT rep, unnest(ev) AS eid FROM out),
    refs AS (SELECT evs.rep, list(t.ref ORDER BY t.ts, t.id) AS evidence FROM evs JOIN trace_sel t ON t.id = evs.eid GROUP BY evs.rep)
    SELECT r.client, CASE WHEN r.method = '' THEN r.route ELSE r.method || ' ' || r.route END AS endpoint,
      out.n, out.saved, out.saved_bytes, ${detail} AS detail, refs.evidence
    FROM out JOIN trace_sel r ON r.id = out.rep JOIN refs ON refs.rep = out.rep`;
}

/** Flagged rows of trace_seq grouped per client and endpoint (the strings joined back for those rows only). */
function perEndpoint(flagged: string, extra = ''): string {
  return `f AS (${flagged}),
    fr AS (SELECT f.*, r.client, r.method AS m, r.route FROM f JOIN trace_sel r ON r.id = f.id),
    out AS (SELECT min(id) AS rep, min_by(id, ts, 5) AS ev, count(*) AS n${extra} FROM fr GROUP BY client, m, route)`;
}

/** Identical requests (same client, method, URL and request body) within the window, after a 1xx–3xx response. */
function duplicateSql(c: DetectorConfig): string {
  return `WITH ${perEndpoint(
    `SELECT id, ts, bytes, gap FROM trace_seq WHERE method <> '' AND gap <= ${c.duplicateWindowMs} AND pstatus BETWEEN 100 AND 399 AND same_req`,
    ', count(*) AS saved, coalesce(sum(bytes), 0) AS saved_bytes, median(gap) AS med',
  )}${finish(`'median gap ' || round(out.med) || ' ms'`)}`;
}

/**
 * N+1: many calls to one route under one parent span (or HAR page), with different
 * parameters. Sequential when each call starts after the previous one ended, parallel
 * otherwise. Records without a parent are grouped into bursts per client and route.
 */
function nPlusOneSql(c: DetectorConfig): string {
  // Bursts are only possible where a client called an endpoint often enough at all: that
  // cheap hash aggregate keeps most rows out of the sort below.
  return `WITH p AS (
      SELECT hash(client, method, route) AS kr, hash(trace_id, parent_id) AS g, ts, id, hash(path, query) AS url,
        lag(ts + coalesce(latency_ms, 0)) OVER (PARTITION BY client, method, route, trace_id, parent_id ORDER BY ts, id) AS pend
      FROM trace_sel WHERE parent_id IS NOT NULL),
    cand AS (SELECT hash(client, method, route) AS kr FROM trace_sel WHERE parent_id IS NULL AND counted GROUP BY 1 HAVING count(*) >= ${c.nPlusOneMin}),
    b0 AS (SELECT kr, ts, id, url, lag(ts) OVER w AS pts, lead(ts) OVER w AS nts, lag(ts + lat) OVER w AS pend
           FROM (SELECT hash(client, method, route) AS kr, ts, id, hash(path, query) AS url, coalesce(latency_ms, 0) AS lat
                 FROM trace_sel WHERE parent_id IS NULL AND counted) JOIN cand USING (kr)
           WINDOW w AS (PARTITION BY kr ORDER BY ts, id)),
    -- A request with no neighbour within the gap is a burst of one: dropping those before
    -- numbering the bursts renumbers them but keeps every burst of two or more as it was,
    -- and spares the costly grouping below (in a real log most requests are alone).
    b AS (SELECT kr, sum(CASE WHEN ts - pts <= ${c.burstGapMs} THEN 0 ELSE 1 END) OVER (PARTITION BY kr ORDER BY ts, id) AS g,
            ts, id, url, CASE WHEN ts - pts <= ${c.burstGapMs} THEN pend END AS pend
          FROM b0 WHERE ts - pts <= ${c.burstGapMs} OR nts - ts <= ${c.burstGapMs}),
    grp AS (SELECT kr, g, count(*) AS n, count(DISTINCT url) AS distinct_urls,
              avg(CASE WHEN pend IS NULL THEN NULL WHEN ts >= pend THEN 1.0 ELSE 0.0 END) AS seq_share,
              min_by(id, ts, 3) AS ids
            FROM (SELECT kr, g, ts, id, url, pend FROM p UNION ALL SELECT kr, g, ts, id, url, pend FROM b) GROUP BY ALL),
    out AS (SELECT min(ids[1]) AS rep, flatten(list(ids))[1:5] AS ev, sum(n) AS n, sum(n - 1) AS saved, 0 AS saved_bytes,
              count(*) AS groups, avg(n) AS avg_n, avg(seq_share) AS seq
            FROM grp WHERE n >= ${c.nPlusOneMin} AND distinct_urls >= ${c.nPlusOneMin} - 1 GROUP BY kr
            UNION ALL
            -- Spans without URLs (a Redis GetDriver): the calls cannot be told apart, so any n counts.
            SELECT min(ids[1]), flatten(list(ids))[1:5], sum(n), sum(n - 1), 0, count(*), avg(n), avg(seq_share)
            FROM grp WHERE n >= ${c.nPlusOneMin} AND distinct_urls < ${c.nPlusOneMin} - 1
              AND kr IN (SELECT hash(client, method, route) FROM trace_sel WHERE method = '' AND parent_id IS NOT NULL)
            GROUP BY kr)${finish(
              `out.groups || ' fan-out(s) of ' || round(out.avg_n, 1) || ' calls, ' || CASE WHEN out.seq >= 0.8 THEN 'sequential' ELSE 'parallel' END`,
            )}`;
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
      SELECT k, id, ts, bytes, gap,
        CASE WHEN status = 304 THEN 1
             WHEN gap IS NULL THEN NULL
             WHEN same_body THEN 1
             WHEN no_body_hash AND bytes IS NOT NULL AND bytes = pbytes AND status = pstatus THEN 1
             ELSE 0 END AS same
      FROM trace_seq WHERE method IN ('GET', 'HEAD')),
    k3 AS (SELECT k, quantile_cont(gap, 0.9) AS q90, min(id) AS rep, min_by(id, ts, 5) AS ev, count(*) AS n, avg(same) AS unchanged,
             coalesce(sum(same), 0) AS saved, sum(CASE WHEN same = 1 THEN coalesce(bytes, 0) ELSE 0 END) AS saved_bytes
           FROM s GROUP BY k HAVING count(*) >= ${c.pollingMin}),
    rs AS (SELECT s.k, s.ts - lag(s.ts) OVER (PARTITION BY s.k ORDER BY s.ts, s.id) AS rgap
           FROM s JOIN k3 USING (k) WHERE s.gap IS NULL OR s.gap > 0.5 * k3.q90),
    k2 AS (SELECT k, count(*) AS rounds, median(rgap) AS med, mad(rgap) AS mad FROM rs GROUP BY k),
    out AS (SELECT k3.* EXCLUDE (q90), k2.rounds, k2.med, k2.mad FROM k3 JOIN k2 USING (k)
            WHERE k2.rounds >= ${c.pollingMin} AND k2.med > ${c.duplicateWindowMs} AND k2.mad <= 0.2 * k2.med AND k3.unchanged >= 0.5)${finish(
              `r.path || CASE WHEN r.query = '' THEN '' ELSE '?' || r.query END || ' every ' || round(out.med / 1000, 1) || ' s in ' || out.rounds ||
               ' rounds (spread ' || round(100 * out.mad / out.med) || '%), ' || round(100 * out.unchanged) || '% unchanged'`,
            )}`;
}

/** Retry storms: repeats of a request that got 429/5xx/no response, without a growing backoff. */
function retrySql(c: DetectorConfig): string {
  return `WITH r0 AS (
      SELECT k, id, ts, bytes, gap, lag(gap) OVER (PARTITION BY k ORDER BY ts, id) AS pgap
      FROM trace_seq WHERE gap <= ${c.retryWindowMs} AND (pstatus = 429 OR pstatus >= 500 OR pstatus = 0)),
    byurl AS (SELECT k, min(id) AS id, min_by(id, ts, 5) AS ev, count(*) AS n, coalesce(sum(bytes), 0) AS b, median(gap) AS med,
                avg(CASE WHEN pgap IS NULL THEN NULL WHEN gap >= 1.5 * pgap THEN 1.0 ELSE 0.0 END) AS growing
              FROM r0 GROUP BY k HAVING count(*) >= ${c.retryMin} AND coalesce(avg(CASE WHEN pgap IS NULL THEN NULL WHEN gap >= 1.5 * pgap THEN 1.0 ELSE 0.0 END), 0) < 0.5),
    fr AS (SELECT byurl.*, r.client, r.method AS m, r.route FROM byurl JOIN trace_sel r ON r.id = byurl.id),
    out AS (SELECT min(id) AS rep, flatten(list(ev))[1:5] AS ev, sum(n) AS n, sum(n) AS saved, sum(b) AS saved_bytes,
              median(med) AS med, avg(coalesce(growing, 0)) AS growing
            FROM fr GROUP BY client, m, route)${finish(
              `out.n || ' retries after errors, median gap ' || round(out.med) || ' ms, backoff growing in ' || round(100 * out.growing) || '% of steps'`,
            )}`;
}

/** Oversized responses: bodies above the threshold; the excess is what could be saved. */
function oversizedSql(c: DetectorConfig): string {
  return `WITH out AS (
      SELECT min(id) AS rep, max_by(id, bytes, 5) AS ev, count(*) AS n, 0 AS saved, sum(bytes - ${c.oversizedBytes}) AS saved_bytes, max(bytes) AS mx
      FROM trace_sel WHERE counted AND bytes > ${c.oversizedBytes} GROUP BY client, method, route HAVING count(*) >= ${c.oversizedMin})${finish(
        `'responses up to ' || round(out.mx / 1048576, 1) || ' MiB'`,
      )}`;
}

/**
 * Cacheable responses fetched again while still fresh: the previous response to the same
 * client and URL allowed caching (RFC 9111 §4.2: max-age, else Expires) and the refetch
 * came within that lifetime.
 */
function cacheSql(): string {
  return `WITH ${perEndpoint(
    `SELECT id, ts, bytes, gap, fresh_ms FROM (
       SELECT id, ts, bytes, gap,
         CASE WHEN pcc ILIKE '%no-store%' OR pcc ILIKE '%no-cache%' THEN 0
              WHEN regexp_matches(coalesce(pcc, ''), 'max-age=\\d+') THEN 1000 * CAST(regexp_extract(pcc, 'max-age=(\\d+)', 1) AS DOUBLE)
              WHEN pexp IS NOT NULL THEN coalesce(epoch_ms(try_strptime(pexp, '%a, %d %b %Y %H:%M:%S GMT')) - (ts - gap), 0)
              ELSE 0 END AS fresh_ms
       FROM trace_seq WHERE method = 'GET' AND gap IS NOT NULL AND (pcc IS NOT NULL OR pexp IS NOT NULL) AND pstatus IN (200, 203, 204, 206, 300, 301, 404))
     WHERE fresh_ms > 0 AND gap < fresh_ms`,
    ', count(*) AS saved, coalesce(sum(bytes), 0) AS saved_bytes, median(gap) AS med, median(fresh_ms) AS fresh',
  )}${finish(`'fetched again ' || round(out.med / 1000, 1) || ' s after a response fresh for ' || round(out.fresh / 1000) || ' s'`)}`;
}

/** Error-heavy callers: clients with many requests of which a large share fails. */
function errorSql(c: DetectorConfig): string {
  return `WITH e AS (SELECT client, ts, id, bytes, (status >= 400 OR status = 0) AS err FROM trace_sel WHERE counted),
    k AS (SELECT client, count(*) AS total, sum(err::INT) AS errs FROM e GROUP BY client HAVING count(*) >= ${c.errorMinRequests}),
    bad AS (SELECT client FROM k WHERE errs >= ${c.errorShare} * total),
    ee AS (SELECT e.client, e.id, e.ts, e.bytes, r.method, r.route FROM e JOIN bad USING (client) JOIN trace_sel r ON r.id = e.id WHERE e.err),
    top AS (SELECT client, arg_max(method || chr(0) || route, n) AS mr FROM (SELECT client, method, route, count(*) AS n FROM ee GROUP BY ALL) GROUP BY client),
    out AS (SELECT min_by(ee.id, CASE WHEN ee.method || chr(0) || ee.route = top.mr THEN 0 ELSE 1 END) AS rep, min_by(ee.id, ee.ts, 5) AS ev,
              count(*) AS n, count(*) AS saved, coalesce(sum(ee.bytes), 0) AS saved_bytes, any_value(k.total) AS total
            FROM ee JOIN top USING (client) JOIN k USING (client) GROUP BY ee.client)${finish(
              `round(100 * out.n / out.total) || '% of ' || out.total || ' requests failed'`,
            )}`;
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
  const [present] = await db.all<Parameters<typeof seqSql>[0]>(
    `SELECT count(body_hash) > 0 AS body_hash, count(req_hash) > 0 AS req_hash, count(cache_control) > 0 AS cache_control, count(expires) > 0 AS expires
     FROM trace_sel WHERE counted`,
  );
  await db.run(seqSql(present!));
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
