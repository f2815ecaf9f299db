import http from 'node:http';
import type { TraceDb } from './db.js';
import { loopbackUpstream } from './capture.js';
import { selectRecords } from './report.js';

/**
 * Re-sends recorded requests to a loopback target with their original spacing, divided by
 * `speed`. Bounded three ways: at most `limit` requests, at most `maxDurationMs` of
 * wall time, at most `maxInFlight` outstanding (a send that finds them all busy is
 * counted as dropped rather than queued, so a slow target cannot make the replay pile up).
 * Request bodies are not recorded, so POST/PUT are replayed with an empty body.
 */
export interface ReplayOptions {
  target: string;
  speed: number;
  limit: number;
  maxDurationMs: number;
  maxInFlight: number;
  client?: string;
  since?: number;
  signal?: AbortSignal;
}

export interface ReplayResult {
  planned: number;
  sent: number;
  completed: number;
  errors: number;
  dropped: number;
  /** Sends more than 10 ms after their scheduled time. */
  late: number;
  status: Record<string, number>;
  latency_ms: { p50: number; p99: number; max: number };
  duration_s: number;
  stopped_by: 'done' | 'limit' | 'max-duration' | 'signal';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/**
 * @example
 * const r = await replay(db, { target: 'http://127.0.0.1:8080', speed: 10, limit: 10_000, maxDurationMs: 60_000, maxInFlight: 256 });
 */
export async function replay(db: TraceDb, o: ReplayOptions): Promise<ReplayResult> {
  const up = loopbackUpstream(o.target, '--target');
  await selectRecords(db, { client: o.client, since: o.since });
  const rows = await db.all<{ ts: number; method: string; target: string }>(
    `SELECT ts, method, path || CASE WHEN query = '' THEN '' ELSE '?' || query END AS target
     FROM trace_sel WHERE counted AND method <> '' AND path LIKE '/%' ORDER BY ts, id LIMIT ${Math.floor(o.limit) + 1}`,
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.maxInFlight });
  const res: ReplayResult = { planned: Math.min(rows.length, o.limit), sent: 0, completed: 0, errors: 0, dropped: 0, late: 0, status: {}, latency_ms: { p50: 0, p99: 0, max: 0 }, duration_s: 0, stopped_by: 'done' };
  const lat: number[] = [];
  let inFlight = 0;
  let idle: (() => void) | null = null;
  const t0 = performance.now();
  const first = rows[0]?.ts ?? 0;
  for (let i = 0; i < rows.length; i++) {
    if (i >= o.limit) { res.stopped_by = 'limit'; break; }
    const r = rows[i]!;
    const due = (r.ts - first) / o.speed;
    if (due > o.maxDurationMs) { res.stopped_by = 'max-duration'; break; }
    const wait = due - (performance.now() - t0);
    if (wait > 1) await sleep(wait, o.signal);
    if (o.signal?.aborted) { res.stopped_by = 'signal'; break; }
    if (performance.now() - t0 - due > 10) res.late++;
    if (inFlight >= o.maxInFlight) { res.dropped++; continue; }
    inFlight++;
    res.sent++;
    const start = performance.now();
    const done = (status: string) => {
      res.status[status] = (res.status[status] ?? 0) + 1;
      lat.push(performance.now() - start);
      if (--inFlight === 0 && idle) idle();
    };
    const req = http.request({ host: up.hostname.replace(/^\[|\]$/g, ''), port: Number(up.port || 80), method: r.method, path: r.target, agent, timeout: 10_000 }, (resp) => {
      resp.resume();
      resp.on('end', () => { res.completed++; done(String(resp.statusCode)); });
      resp.on('error', () => { res.errors++; done('error'); });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => { res.errors++; done('error'); });
    req.end();
  }
  // Wait (bounded) for what is still in flight.
  if (inFlight > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (idle = r)), new Promise<void>((r) => (timer = setTimeout(r, 15_000)))]);
    clearTimeout(timer);
  }
  agent.destroy();
  res.duration_s = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => (lat.length ? +lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(3) : 0);
  res.latency_ms = { p50: q(0.5), p99: q(0.99), max: q(1) };
  return res;
}
