import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveClient, type ClientSource } from '../core/client-identity.js';
import { invalidInput } from '../core/errors.js';
import type { RouteTemplater } from '../core/route-template.js';
import { emptyRecord, splitTarget, type TraceRecord } from '../core/trace-record.js';

/**
 * The capture proxy: a reverse proxy that forwards every request to one upstream and
 * records a sample of them (time, client, method, route, status, latency, bytes, body
 * hashes, cache headers). Records are handed to `onBatch` every `flushMs` or `batchSize`
 * records, so the store is written in batches, off the request path.
 *
 * Keep-alive agents on both sides; hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded.
 * The upstream must be a loopback address: headroom aims nothing at other hosts.
 */
export interface CaptureOptions {
  listenHost: string;
  listenPort: number;
  upstream: string;
  /** Share of requests recorded (0..1]; all are forwarded. */
  sample: number;
  client: ClientSource;
  routes: RouteTemplater;
  onBatch: (records: TraceRecord[]) => Promise<void> | void;
  /** Randomness for sampling, injected for tests. */
  random?: () => number;
  now?: () => number;
  flushMs?: number;
  batchSize?: number;
}

export interface CaptureProxy {
  port: number;
  host: string;
  /** Requests forwarded and records captured so far. */
  stats: { forwarded: number; recorded: number; upstreamErrors: number };
  /** Stops accepting, waits for in-flight requests (bounded), flushes the last batch. */
  stop(): Promise<void>;
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Throws unless the URL is http://127.x.x.x, http://[::1] or http://localhost. */
export function loopbackUpstream(url: string, flag = '--upstream'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidInput('HR_E_BAD_UPSTREAM', `${flag}: expected a URL such as http://127.0.0.1:8080, got "${url}"`);
  }
  const h = u.hostname.replace(/^\[|\]$/g, '');
  const loop = h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
  if (u.protocol !== 'http:' || !loop) {
    throw invalidInput('HR_E_BAD_UPSTREAM', `${flag}: expected an http:// loopback address (127.0.0.0/8, ::1, localhost), got "${url}"`, 'headroom sends traffic only to loopback targets');
  }
  return u;
}

/**
 * @example
 * const proxy = await startCapture({ listenHost: '127.0.0.1', listenPort: 8081, upstream: 'http://127.0.0.1:8080', sample: 1, client: { kind: 'ip' }, routes: new RouteTemplater(), onBatch: (rs) => insertRecords(db, rs, 'capture') });
 */
export async function startCapture(o: CaptureOptions): Promise<CaptureProxy> {
  const up = loopbackUpstream(o.upstream);
  const upHost = up.hostname.replace(/^\[|\]$/g, '');
  const upPort = Number(up.port || 80);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256 });
  const random = o.random ?? Math.random;
  const now = o.now ?? Date.now;
  const stats = { forwarded: 0, recorded: 0, upstreamErrors: 0 };
  let batch: TraceRecord[] = [];
  let seq = 0;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    if (batch.length === 0) return writing;
    const b = batch;
    batch = [];
    writing = writing.then(() => o.onBatch(b)).catch(() => undefined);
    return writing;
  };
  const timer = setInterval(() => void flush(), o.flushMs ?? 1000);
  timer.unref();

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    stats.forwarded++;
    const record = random() < o.sample;
    const t0 = performance.now();
    const ts = now();
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
    const remote = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${remote}` : remote;
    const reqHash = record && req.method !== 'GET' && req.method !== 'HEAD' ? createHash('sha1') : null;
    let reqBytes = 0;
    const finish = (status: number, bytes: number | null, resHeaders: http.IncomingHttpHeaders, bodyHash: string | null) => {
      if (!record) return;
      const r = emptyRecord(`capture#${++seq}`);
      const { path, query } = splitTarget(req.url ?? '/');
      r.ts = ts;
      r.method = req.method ?? 'GET';
      r.path = path;
      r.query = query;
      r.route = o.routes.template(path);
      r.service = up.host;
      r.status = status;
      r.latency_ms = performance.now() - t0;
      r.bytes = bytes;
      r.req_bytes = reqBytes;
      r.user_agent = req.headers['user-agent'] ?? null;
      r.request_id = (req.headers['x-request-id'] as string | undefined) ?? null;
      // W3C Trace Context: traceparent = version-traceid-parentid-flags.
      const tp = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(String(req.headers.traceparent ?? ''));
      if (tp) {
        r.trace_id = tp[1]!;
        r.parent_id = tp[2]!;
      }
      r.body_hash = bodyHash;
      r.req_hash = reqHash ? reqHash.digest('hex').slice(0, 16) : null;
      r.cache_control = (resHeaders['cache-control'] as string | undefined) ?? null;
      r.etag = (resHeaders.etag as string | undefined) ?? null;
      r.expires = (resHeaders.expires as string | undefined) ?? null;
      r.last_modified = (resHeaders['last-modified'] as string | undefined) ?? null;
      r.client = resolveClient(o.client, {
        ip: remote.replace(/^::ffff:/, ''),
        userAgent: r.user_agent,
        query,
        header: (n) => {
          const v = req.headers[n];
          return Array.isArray(v) ? v[0] : v;
        },
      });
      batch.push(r);
      stats.recorded++;
      if (batch.length >= (o.batchSize ?? 5000)) void flush();
    };
    const preq = http.request({ host: upHost, port: upPort, method: req.method, path: req.url, headers, agent }, (pres) => {
      const h: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(pres.headers)) if (!HOP.has(k)) h[k] = v;
      res.writeHead(pres.statusCode ?? 502, h);
      const hash = record ? createHash('sha1') : null;
      let bytes = 0;
      pres.on('data', (c: Buffer) => {
        bytes += c.length;
        hash?.update(c);
        res.write(c);
      });
      pres.on('end', () => {
        res.end();
        finish(pres.statusCode ?? 0, bytes, pres.headers, hash ? hash.digest('hex').slice(0, 16) : null);
      });
      pres.on('error', () => {
        res.destroy();
        finish(0, bytes, pres.headers, null);
      });
    });
    preq.on('error', () => {
      stats.upstreamErrors++;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway\n');
      finish(0, null, {}, null);
    });
    req.on('data', (c: Buffer) => {
      reqBytes += c.length;
      reqHash?.update(c);
    });
    req.pipe(preq);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(invalidInput('HR_E_LISTEN', `--listen: cannot listen on ${o.listenHost}:${o.listenPort} (${e.code ?? e.message})`)));
    server.listen(o.listenPort, o.listenHost, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    port: addr.port,
    host: addr.address,
    stats,
    async stop() {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        force.unref();
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      agent.destroy();
      await flush();
    },
  };
}
