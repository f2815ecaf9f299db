import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exponential1, seededRandom } from '../core/seeded-random.js';

/** A sample target whose capacity is known by construction. */
export interface QueueTargetOptions {
  /** Parallel workers (c). */
  workers: number;
  /** Mean service time per request, ms (s). */
  serviceMs: number;
  /** 'fixed' (M/D/c-like) or 'exponential' (M/M/c-like, seeded). */
  distribution?: 'fixed' | 'exponential';
  /** Requests that may wait for a worker; beyond it the target answers 503 at once. */
  queueLimit?: number;
  seed?: number;
  /** Port on 127.0.0.1 (0: any free port). */
  port?: number;
}

export interface QueueTarget {
  url: string;
  /** Requests served with 200. */
  served(): number;
  /** Requests refused with 503 because the queue was full. */
  rejected(): number;
  /** Requests per second it can serve: workers / service time. */
  capacity: number;
  close(): Promise<void>;
}

/**
 * Starts a target on loopback with `workers` workers, each taking `serviceMs` per request
 * (timers, not CPU, so the generator sharing the machine does not disturb it) and a
 * bounded FIFO queue. Its capacity is c / s by construction: a busy worker's completions
 * are chained on absolute times, so timer lateness does not accumulate.
 *
 * @example
 * const t = await startQueueTarget({ workers: 8, serviceMs: 10 }); // capacity 800 req/s
 * // ... load t.url ...
 * await t.close();
 */
export async function startQueueTarget(o: QueueTargetOptions): Promise<QueueTarget> {
  const rng = seededRandom(o.seed ?? 7);
  const queueLimit = o.queueLimit ?? o.workers * 100;
  const queue: ServerResponse[] = [];
  /** When each worker becomes free, in performance-clock ms; a worker is idle if ≤ now. */
  const freeAt = new Float64Array(o.workers);
  const busy = new Uint8Array(o.workers);
  let served = 0;
  let rejected = 0;
  const serviceTime = () => (o.distribution === 'exponential' ? exponential1(rng) * o.serviceMs : o.serviceMs);

  const startOn = (w: number, res: ServerResponse, startAt: number) => {
    busy[w] = 1;
    const doneAt = startAt + serviceTime();
    freeAt[w] = doneAt;
    setTimeout(() => {
      if (!res.destroyed) {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '3' });
        res.end('ok\n');
      }
      served++;
      const next = queue.shift();
      if (next) startOn(w, next, doneAt);
      else busy[w] = 0;
    }, Math.max(0, doneAt - performance.now()));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const w = busy.indexOf(0);
    if (w >= 0) startOn(w, res, Math.max(performance.now(), freeAt[w]!));
    else if (queue.length < queueLimit) queue.push(res);
    else {
      rejected++;
      res.writeHead(503, { 'content-length': '0' });
      res.end();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    served: () => served,
    rejected: () => rejected,
    capacity: o.workers / (o.serviceMs / 1000),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
