import type { ServerResponse } from 'node:http';
import type { Store } from '../store/store.js';
import type { RunRecord } from '../store/types.js';

/**
 * Live updates of runs in progress, as Server-Sent Events
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 *
 * The source of truth is the store: one poller per watched run reads the seconds written
 * since the last poll (the recorder flushes once a second) and fans them out to every
 * subscriber. So a run started from the CLI in another process and a run started from
 * the dashboard look the same to the browser, and the server needs no channel to the
 * recording process. Events:
 *   `run`     the run record (on subscribe and whenever its status changes)
 *   `seconds` an array of new SecondSamples
 *   `end`     the final run record; the server then closes the stream
 */
export class LiveFeed {
  private readonly pollers = new Map<string, Poller>();

  constructor(
    private readonly store: Store,
    private readonly pollMs = 500,
  ) {}

  /** Streams run `runId` to `res` from second `afterT` on, until the run ends or the client leaves. */
  async subscribe(run: RunRecord, res: ServerResponse, afterT: number): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 2000\n\n`);
    send(res, 'run', JSON.stringify(run));
    // Catch up first, so the client never misses the seconds before it subscribed.
    const backlog = await this.store.getSeriesJson(run.id, afterT);
    if (backlog !== '[]') send(res, 'seconds', backlog);
    if (run.status !== 'running') {
      send(res, 'end', JSON.stringify(run));
      res.end();
      return;
    }
    let poller = this.pollers.get(run.id);
    if (!poller) {
      poller = new Poller(this.store, run, this.pollMs, () => this.pollers.delete(run.id));
      this.pollers.set(run.id, poller);
    }
    const lastT = Math.max(afterT, lastSecond(backlog));
    poller.add(res, lastT);
    res.on('close', () => poller.remove(res));
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    for (const p of this.pollers.values()) p.stop();
    this.pollers.clear();
  }
}

function send(res: ServerResponse, event: string, data: string): void {
  res.write(`event: ${event}\ndata: ${data}\n\n`);
}

function lastSecond(json: string): number {
  const samples = JSON.parse(json) as Array<{ t: number }>;
  return samples.length ? samples[samples.length - 1]!.t : 0;
}

class Poller {
  private readonly clients = new Map<ServerResponse, number>();
  private timer: NodeJS.Timeout;
  private busy = false;
  private polls = 0;
  private status: string;

  constructor(
    private readonly store: Store,
    private readonly run: RunRecord,
    pollMs: number,
    private readonly onIdle: () => void,
  ) {
    this.status = run.status;
    this.timer = setInterval(() => void this.poll(), pollMs);
  }

  add(res: ServerResponse, lastT: number): void {
    this.clients.set(res, lastT);
  }

  remove(res: ServerResponse): void {
    this.clients.delete(res);
    if (this.clients.size === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
    this.onIdle();
  }

  private async poll(): Promise<void> {
    if (this.busy || this.clients.size === 0) return;
    this.busy = true;
    try {
      // Every few seconds, let the store notice a recording process that died (kill -9).
      if (++this.polls % 10 === 0) await this.store.reconcile();
      // The status first, the seconds after: a run's last seconds are written before its
      // end, so once the status says ended, this read has every second.
      const run = await this.store.getRun(this.run.id);
      const from = Math.min(...this.clients.values());
      const samples = await this.store.getSeries(this.run.id, from);
      for (const [res, lastT] of this.clients) {
        const fresh = samples.filter((s) => s.t > lastT);
        if (fresh.length === 0) continue;
        send(res, 'seconds', JSON.stringify(fresh));
        this.clients.set(res, fresh[fresh.length - 1]!.t);
      }
      if (run.status !== this.status) {
        this.status = run.status;
        for (const res of this.clients.keys()) send(res, run.status === 'running' ? 'run' : 'end', JSON.stringify(run));
      }
      if (run.status !== 'running') this.stop();
    } catch {
      // The store was busy (another process flushing) or briefly unreadable: the next poll retries.
    } finally {
      this.busy = false;
    }
  }
}
