import net, { type AddressInfo } from 'node:net';
import type { ClientSource } from '../core/client-identity.js';
import { invalidInput } from '../core/errors.js';
import type { RouteTemplater } from '../core/route-template.js';
import type { TraceRecord } from '../core/trace-record.js';
import { CaptureConnection, type ConnectionHooks } from './capture-connection.js';
import { Exchange } from './capture-exchange.js';
import { CaptureRecorder, type RowSink } from './capture-recorder.js';
import { CaptureStore } from './capture-store.js';
import { decodeRows } from './record-rows.js';

/**
 * The capture proxy: a reverse proxy that forwards every request to one upstream and
 * records a sample of them (time, client, method, route, status, latency, bytes, body
 * hashes, cache headers). Records are encoded into batch buffers and handed over every
 * `flushMs` or when a batch is full (src/trace/capture-recorder.ts): to a worker thread that
 * owns the DuckDB store (`store`), so appends never stall forwarding, or to `onBatch`. When
 * the store falls behind by `maxQueuedRows`, records are dropped and counted, never traffic.
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
  /** The DuckDB store to record into, written by a worker thread (`path` undefined: the default store). */
  store?: { path: string | undefined; cwd: string };
  /** Or: receives the records on this thread, batch by batch (tests, library use). */
  onBatch?: (records: TraceRecord[]) => Promise<void> | void;
  /** Randomness for sampling, injected for tests. */
  random?: () => number;
  now?: () => number;
  flushMs?: number;
  /** Bytes of encoded records per batch (default 1 MiB). */
  batchBytes?: number;
  /** Records waiting for the store beyond which new ones are dropped (default 200,000). */
  maxQueuedRows?: number;
}

export interface CaptureProxy {
  port: number;
  host: string;
  /**
   * Requests forwarded; records accepted for the store; records dropped (the store fell
   * behind or failed, see `storeError`).
   */
  stats: { forwarded: number; recorded: number; dropped: number; upstreamErrors: number; storeError: string | null };
  /** Stops accepting, waits for in-flight requests (bounded), stores the last batch. */
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
 * const proxy = await startCapture({ listenHost: '127.0.0.1', listenPort: 8081, upstream: 'http://127.0.0.1:8080', sample: 1, client: { kind: 'ip' }, routes: new RouteTemplater(), store: { path: '.headroom/headroom.duckdb', cwd: process.cwd() } });
 */
export async function startCapture(o: CaptureOptions): Promise<CaptureProxy> {
  const up = loopbackUpstream(o.upstream);
  const target = { host: up.hostname.replace(/^\[|\]$/g, ''), port: Number(up.port || 80) };
  const random = o.random ?? Math.random;
  const now = o.now ?? Date.now;
  let sink: RowSink & { close?(): Promise<void> };
  if (o.store) sink = await CaptureStore.open(o.store.path, o.store.cwd);
  else if (o.onBatch) {
    const onBatch = o.onBatch;
    sink = { write: async (rows) => onBatch(decodeRows(rows)) };
  } else throw new Error('startCapture: expected store or onBatch');
  const recorder = new CaptureRecorder(sink, o);
  const counts = { forwarded: 0, upstreamErrors: 0 };
  const stats = {
    get forwarded() { return counts.forwarded; },
    get upstreamErrors() { return counts.upstreamErrors; },
    get recorded() { return recorder.stats.recorded; },
    get dropped() { return recorder.stats.dropped; },
    get storeError() { return recorder.stats.storeError; },
  };
  let seq = 0;

  const hooks: ConnectionHooks = {
    begin(head) {
      counts.forwarded++;
      return new Exchange(head, random() < o.sample, performance.now(), now());
    },
    end(x, status, remote) {
      if (!x.sampled) return;
      recorder.add(x.toRecord(`capture#${++seq}`, status, performance.now() - x.t0, remote, up.host, o.client, o.routes));
    },
    upstreamError() {
      counts.upstreamErrors++;
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
  }).catch(async (e: unknown) => {
    await recorder.close();
    await sink.close?.();
    throw e;
  });
  const addr = server.address() as AddressInfo;
  return {
    port: addr.port,
    host: addr.address,
    stats,
    async stop() {
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
      await recorder.close();
      await sink.close?.();
    },
  };
}
