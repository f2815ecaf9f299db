import net, { type AddressInfo } from 'node:net';
import type { ClientSource } from '../core/client-identity.js';
import { invalidInput } from '../core/errors.js';
import type { RouteTemplater } from '../core/route-template.js';
import type { TraceRecord } from '../core/trace-record.js';
import { CaptureConnection, type ConnectionHooks } from './capture-connection.js';
import { Exchange } from './capture-exchange.js';

/**
 * The capture proxy: a reverse proxy that forwards every request to one upstream and
 * records a sample of them (time, client, method, route, status, latency, bytes, body
 * hashes, cache headers). Records are handed to `onBatch` every `flushMs` or `batchSize`
 * records, so the store is written in batches, off the request path.
 *
 * Forwarding is on raw sockets (src/trace/capture-connection.ts): each client connection
 * gets its own keep-alive upstream connection and its bytes pass unchanged both ways; only
 * request heads and response framing are read. Unsampled requests build no record.
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
  const target = { host: up.hostname.replace(/^\[|\]$/g, ''), port: Number(up.port || 80) };
  const random = o.random ?? Math.random;
  const now = o.now ?? Date.now;
  const batchSize = o.batchSize ?? 5000;
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

  const hooks: ConnectionHooks = {
    begin(head) {
      stats.forwarded++;
      return new Exchange(head, random() < o.sample, performance.now(), now());
    },
    end(x, status, remote) {
      if (!x.sampled) return;
      batch.push(x.toRecord(`capture#${++seq}`, status, performance.now() - x.t0, remote, up.host, o.client, o.routes));
      stats.recorded++;
      if (batch.length >= batchSize) void flush();
    },
    upstreamError() {
      stats.upstreamErrors++;
    },
  };
  const conns = new Set<CaptureConnection>();
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    const c = new CaptureConnection(socket, target, hooks);
    conns.add(c);
    socket.once('close', () => conns.delete(c));
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
        server.close(() => resolve());
        // Idle connections close now, busy ones after their last response, all within 2 s.
        for (const c of conns) {
          if (c.idle) c.close();
          else c.draining = true;
        }
        const force = setTimeout(() => {
          for (const c of conns) c.close();
        }, 2000);
        force.unref();
      });
      await flush();
    },
  };
}
