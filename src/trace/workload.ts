import type { Distribution, WorkloadModel } from '../core/workload-model.js';
import type { TraceDb } from './db.js';
import { selectRecords } from './report.js';

/**
 * Extracts the workload model from the selected records with SQL: the endpoint mix and
 * its rates, the rate over time, top clients, think times and session shapes. A session is a
 * client's run of requests with no gap longer than `sessionGapMs` (30 minutes by default,
 * the usual web-analytics convention). Non-HTTP spans are left out: they cannot be replayed.
 *
 * @example
 * const model = await extractWorkload(db, {});
 */
export async function extractWorkload(db: TraceDb, opts: { client?: string; since?: number; sessionGapMs?: number; maxEndpoints?: number }): Promise<WorkloadModel> {
  await selectRecords(db, opts);
  const gap = opts.sessionGapMs ?? 1_800_000;
  const src = `(SELECT * FROM trace_sel WHERE counted AND method <> '')`;
  const [t] = await db.all<{ n: number; start: number; end: number; dur: number }>(
    `SELECT count(*) AS n, coalesce(min(ts), 0) AS start, coalesce(max(ts), 0) AS "end", greatest(1, (coalesce(max(ts), 0) - coalesce(min(ts), 0)) / 1000) AS dur FROM ${src}`,
  );
  const { n, start, end, dur } = t!;
  const bucket_s = Math.max(60, Math.ceil(dur / 1440 / 60) * 60);
  const buckets = Math.max(1, Math.ceil(dur / bucket_s));
  const perBucket = await db.all<{ m: number; c: number }>(
    `SELECT CAST(floor((ts - ${start}) / ${bucket_s * 1000}) AS INTEGER) AS m, count(*) AS c FROM ${src} GROUP BY 1 ORDER BY 1`,
  );
  const rps = new Array<number>(buckets).fill(0);
  for (const r of perBucket) rps[Math.min(buckets - 1, r.m)]! += r.c / Math.min(bucket_s, dur);
  const endpoints = await db.all<WorkloadModel['endpoints'][number]>(
    `SELECT method, route, count(*) / ${Math.max(1, n)} AS share, count(*) / ${dur} AS rps,
       list(DISTINCT path || CASE WHEN query = '' THEN '' ELSE '?' || query END)[1:5] AS examples,
       CASE WHEN count(latency_ms) = 0 THEN NULL ELSE {'p50': quantile_cont(latency_ms, 0.5), 'p95': quantile_cont(latency_ms, 0.95)} END AS latency_ms,
       avg(bytes) AS bytes_mean, avg(CASE WHEN status >= 400 OR status = 0 THEN 1.0 ELSE 0.0 END) AS error_share
     FROM ${src} GROUP BY method, route ORDER BY count(*) DESC, route LIMIT ${opts.maxEndpoints ?? 200}`,
  );
  const clients = await db.all<{ client: string; share: number }>(
    `SELECT client, count(*) / ${Math.max(1, n)} AS share FROM ${src} GROUP BY client ORDER BY count(*) DESC, client LIMIT 20`,
  );
  const sess = `WITH g AS (SELECT client, ts, method || ' ' || route AS ep, ts - lag(ts) OVER (PARTITION BY client ORDER BY ts, id) AS gap FROM ${src}),
      s AS (SELECT *, sum(CASE WHEN gap IS NULL OR gap > ${gap} THEN 1 ELSE 0 END) OVER (PARTITION BY client ORDER BY ts) AS sid FROM g)`;
  const dist = (e: string) => `{'mean': avg(${e}), 'p50': quantile_cont(${e}, 0.5), 'p90': quantile_cont(${e}, 0.9), 'p99': quantile_cont(${e}, 0.99)}`;
  const [think] = await db.all<{ d: Distribution | null; k: number }>(`${sess} SELECT ${dist('gap')} AS d, count(gap) AS k FROM s WHERE gap <= ${gap}`);
  const [shape] = await db.all<{ count: number; requests: Distribution; duration_s: Distribution }>(
    `${sess}, ss AS (SELECT client, sid, count(*) AS r, (max(ts) - min(ts)) / 1000 AS d FROM s GROUP BY ALL)
     SELECT count(*) AS count, ${dist('r')} AS requests, ${dist('d')} AS duration_s FROM ss`,
  );
  const transitions = await db.all<{ from: string; to: string; share: number }>(
    `${sess}, tr AS (SELECT lag(ep) OVER (PARTITION BY client, sid ORDER BY ts) AS "from", ep AS "to" FROM s)
     SELECT "from", "to", count(*) / sum(count(*)) OVER () AS share FROM tr WHERE "from" IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, "from", "to" LIMIT 50`,
  );
  const round = (d: Distribution | null) => (d && d.mean !== null ? { mean: +d.mean.toFixed(3), p50: +d.p50.toFixed(3), p90: +d.p90.toFixed(3), p99: +d.p99.toFixed(3) } : null);
  return {
    version: 1,
    source: { records: n, start: new Date(start).toISOString(), end: new Date(end).toISOString(), duration_s: dur },
    rate: { mean_rps: n / dur, peak_rps: Math.max(0, ...rps), bucket_s, rps: rps.map((x) => +x.toFixed(4)) },
    endpoints: endpoints.map((e) => ({ ...e, latency_ms: e.latency_ms ? { p50: +e.latency_ms.p50.toFixed(3), p95: +e.latency_ms.p95.toFixed(3) } : null })),
    clients,
    think_time_ms: think && think.k > 0 ? round(think.d) : null,
    sessions: { gap_ms: gap, count: shape?.count ?? 0, requests: round(shape?.requests ?? null), duration_s: round(shape?.duration_s ?? null), transitions },
  };
}
