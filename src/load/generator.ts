import { performance } from 'node:perf_hooks';
import type { ErrorKind } from '../core/load-types.js';
import { RateSchedule } from '../core/rate-schedule.js';
import { exponential1, seededRandom, type Rng } from '../core/seeded-random.js';
import { HttpConnection, type ConnectionOwner } from './http-connection.js';
import { FloatQueue } from './float-queue.js';
import { SecondCounters } from './second-counters.js';
import { SelfMonitor } from './self-monitor.js';
import type { GeneratorConfig, WorkerSecond } from './worker-protocol.js';

const RECONNECT_BACKOFF_MS = 100;
/**
 * Open model: at most this many connections being opened at once per thread. A generator
 * that was not scheduled for a few ms finds many iterations due at once; opening one
 * connection for each would be a connection storm against the target (and leave hundreds
 * of idle connections): they wait a moment for a connection instead (counted late,
 * measured from their intended time).
 */
const MAX_CONNECTING = 8;

/**
 * One generator thread's load loop. Open model: a pacing loop wakes about every
 * millisecond and sends every iteration whose intended time has come (so each second is
 * smooth), on a free keep-alive connection, a new one up to its share of
 * --max-connections, or else queued (late) and dropped past `maxWaitMs`. Latency is
 * measured from the intended time (no coordinated omission: Gil Tene, "How NOT to
 * measure latency", 2015; wrk2), service time from the actual send.
 * Closed model: each virtual user owns one connection and sends again after a response
 * (and think time).
 *
 * @example
 * const gen = new Generator(config, (second) => parentPort.postMessage(second));
 * gen.prepare(() => gen.start(performance.timeOrigin + performance.now() + 20));
 */
export class Generator implements ConnectionOwner {
  bytesIn = 0;
  bytesOut = 0;
  private t0 = 0;
  private readonly schedule: RateSchedule;
  private readonly rng: Rng;
  private readonly all: HttpConnection[] = [];
  private readonly free: HttpConnection[] = [];
  private readonly waiting = new FloatQueue();
  private readonly counters = new SecondCounters();
  private readonly monitor = new SelfMonitor();
  private n = 0;
  private poissonCount = 0;
  private nextRel = Infinity;
  private sending = true;
  private sendEndMs = 0;
  private secondIndex = 0;
  private vuTarget: number;
  private paceTimer: NodeJS.Timeout | null = null;
  private expireTimer: NodeJS.Timeout | null = null;
  private secondTimer: NodeJS.Timeout | null = null;
  private readonly thinkTimers = new Set<NodeJS.Timeout>();
  private finished = false;

  constructor(
    private readonly cfg: GeneratorConfig,
    private readonly emit: (s: WorkerSecond) => void,
  ) {
    this.schedule = new RateSchedule(cfg.stages);
    this.rng = seededRandom(cfg.seed * 7919 + cfg.index + 1);
    this.vuTarget = cfg.vus;
  }

  /**
   * Opens a few connections before the start, so that the first second is not spent
   * connecting (open model: up to 4 per thread; closed model: none, each VU opens its own).
   * Calls `ready` when they are connected or have failed.
   */
  prepare(ready: () => void): void {
    const n = this.cfg.model === 'open' ? Math.min(4, this.cfg.maxConnections) : 0;
    let waiting = n;
    if (n === 0) return ready();
    const one = () => {
      if (--waiting === 0) ready();
    };
    for (let i = 0; i < n; i++) {
      const c = this.connect();
      c.inFree = true;
      this.free.push(c);
      c.socket.once(this.cfg.endpoint.tls ? 'secureConnect' : 'connect', one);
      c.socket.once('error', one);
    }
  }

  start(startEpochMs: number): void {
    this.t0 = startEpochMs - performance.timeOrigin;
    const delay = Math.max(0, this.t0 - performance.now());
    setTimeout(() => {
      if (!this.sending) return;
      if (this.cfg.model === 'open') {
        this.advance();
        this.paceTimer = setInterval(this.pace, 1);
      } else {
        this.setVus(this.vuTarget);
      }
    }, delay);
    // Timeouts are checked every 50 ms (a scan of this thread's connections), so they fire up to 50 ms late.
    this.expireTimer = setInterval(this.expire, 50);
    this.scheduleSecond();
  }

  // ---- open model ----

  private advance(): void {
    const { threads, index } = this.cfg;
    if (this.cfg.poisson) {
      // A unit-rate Poisson process in count space, thinned to this thread's 1/threads share.
      this.poissonCount += exponential1(this.rng) * threads;
      this.nextRel = this.schedule.timeOfCount(this.poissonCount);
    } else {
      this.nextRel = this.schedule.timeOfCount(this.n * threads + index + 0.5);
    }
    this.n++;
  }

  private readonly pace = (): void => {
    const now = performance.now();
    const rel = now - this.t0;
    const end = Math.min(this.cfg.durationMs, this.schedule.endMs);
    const limit = rel < end ? rel : end;
    const w = this.waiting;
    while (w.length > 0 && now - w.peek() > this.cfg.maxWaitMs) {
      w.shift();
      this.counters.dropped++;
    }
    // Iterations already waiting go first (FIFO), on any connection free or that can be opened.
    while (w.length > 0) {
      const conn = this.takeConnection();
      if (!conn) break;
      this.sendOn(conn, w.shift(), now);
    }
    while (this.nextRel <= limit) {
      this.dispatch(this.t0 + this.nextRel, now);
      this.advance();
    }
    if (rel >= end) this.endSending(now);
  };

  /** A connection that can take a request now: a free one, else a new one within --max-connections. */
  private takeConnection(): HttpConnection | undefined {
    let conn: HttpConnection | undefined;
    while ((conn = this.free.pop()) !== undefined) {
      conn.inFree = false;
      if (conn.available) return conn;
    }
    return this.all.length < this.cfg.maxConnections && this.connecting < MAX_CONNECTING ? this.connect() : undefined;
  }

  private dispatch(intended: number, now: number): void {
    const conn = this.waiting.length === 0 ? this.takeConnection() : undefined;
    if (conn === undefined) {
      this.waiting.push(intended);
      return;
    }
    this.counters.pacingError(now - intended);
    this.sendOn(conn, intended, now);
  }

  private sendOn(conn: HttpConnection, intended: number, now: number): void {
    const reqs = this.cfg.requests;
    let r = 0;
    if (reqs.length > 1) {
      const x = this.rng();
      const cw = this.cfg.cumulativeWeights;
      while (r < cw.length - 1 && x >= cw[r]!) r++;
    }
    conn.send(reqs[r]!, intended, now);
    this.counters.sent++;
    if (now - intended > this.cfg.lateMs) this.counters.late++;
    if (conn.available && !conn.inFree && !conn.vu) {
      conn.inFree = true;
      this.free.push(conn);
    }
  }

  /** Connections whose handshake has not completed yet. */
  private connecting = 0;

  onConnected(_conn: HttpConnection): void {
    this.connecting--;
  }

  private connect(): HttpConnection {
    this.connecting++;
    const c = new HttpConnection(this, this.cfg.endpoint, this.cfg.pipelining, this.cfg.noBody);
    c.slot = this.all.length;
    this.all.push(c);
    return c;
  }

  setRate(rps: number, atMs: number): void {
    const at = Math.max(atMs, performance.now() - this.t0);
    this.schedule.setRate(at, rps, this.cfg.durationMs);
    // Re-aim the next arrival on the changed schedule (the count stays continuous).
    if (this.cfg.model === 'open' && this.sending && !this.cfg.poisson) {
      this.n = Math.max(0, this.n - 1);
      this.advance();
    } else if (this.cfg.poisson) {
      this.nextRel = this.schedule.timeOfCount(this.poissonCount);
    }
  }

  // ---- closed model ----

  setVus(vus: number): void {
    this.vuTarget = Math.max(0, Math.floor(vus));
    if (!this.sending) return;
    for (let i = this.activeVus; i < this.vuTarget; i++) this.startVu();
  }

  private startVu(): void {
    const c = this.connect();
    c.vu = true;
    this.activeVus++;
    const now = performance.now();
    for (let i = 0; i < c.pipelining; i++) this.sendOn(c, now, now);
  }

  /** Virtual users running (a counter: counting connections per response would be O(VUs)). */
  private activeVus = 0;

  private vuActive(): number {
    return this.activeVus;
  }

  private retireVu(conn: HttpConnection): void {
    if (conn.vu) {
      conn.vu = false;
      this.activeVus--;
    }
  }

  private vuNext(conn: HttpConnection): void {
    if (!this.sending || conn.closing) return;
    if (this.vuActive() > this.vuTarget) {
      this.retireVu(conn);
      if (conn.count === 0) conn.destroy();
      return;
    }
    const now = performance.now();
    this.sendOn(conn, now, now);
  }

  // ---- ConnectionOwner ----

  onResponse(_conn: HttpConnection, status: number, intended: number, sent: number): void {
    const now = performance.now();
    this.counters.response(status, now - intended, now - sent);
  }

  onFailure(_conn: HttpConnection, kind: ErrorKind, intended: number, sent: number): void {
    const now = performance.now();
    this.counters.failure(kind, now - intended, now - sent);
  }

  onRequeue(intended: number): void {
    if (this.sending) {
      this.waiting.push(intended);
      return;
    }
    // After the end, an iteration intended during the run that the server never served is
    // sent again on a new connection rather than lost (the drain waits for it).
    this.sendOn(this.takeConnection() ?? this.connect(), intended, performance.now());
  }

  onReady(conn: HttpConnection): void {
    if (this.cfg.model === 'closed' && !conn.vu) {
      if (conn.count === 0) conn.destroy(); // a retired virtual user
      return;
    }
    if (conn.vu) {
      if (this.cfg.thinkMs > 0) {
        const t = setTimeout(() => {
          this.thinkTimers.delete(t);
          this.vuNext(conn);
        }, this.cfg.thinkMs);
        this.thinkTimers.add(t);
      } else this.vuNext(conn);
      return;
    }
    const w = this.waiting;
    if (w.length > 0) {
      const now = performance.now();
      while (w.length > 0) {
        const intended = w.shift();
        if (now - intended > this.cfg.maxWaitMs) this.counters.dropped++;
        else {
          this.sendOn(conn, intended, now);
          return;
        }
      }
    }
    if (!conn.inFree) {
      conn.inFree = true;
      this.free.push(conn);
    }
  }

  onClosed(conn: HttpConnection): void {
    if (!conn.connected) this.connecting--;
    const wasVu = conn.vu;
    this.retireVu(conn);
    const last = this.all.pop()!;
    if (last !== conn) {
      this.all[conn.slot] = last;
      last.slot = conn.slot;
    }
    if (wasVu && this.sending && this.vuActive() < this.vuTarget) {
      // A virtual user whose connection failed reconnects after a short pause, not in a tight
      // loop; one the server closed gracefully ("Connection: close") reconnects at once.
      const t = setTimeout(() => {
        this.thinkTimers.delete(t);
        if (this.sending && this.vuActive() < this.vuTarget) this.startVu();
      }, conn.failed ? RECONNECT_BACKOFF_MS : 0);
      this.thinkTimers.add(t);
    }
    if (!this.sending) this.maybeFinish();
  }

  // ---- timeouts, seconds, end ----

  private readonly expire = (): void => {
    const now = performance.now();
    const limit = this.cfg.timeoutMs;
    for (let i = this.all.length - 1; i >= 0; i--) {
      const c = this.all[i]!;
      if (c.count > 0 && now - c.oldestSent > limit) c.expire();
    }
    if (!this.sending) this.maybeFinish();
  };

  private scheduleSecond(): void {
    const endAt = this.t0 + this.cfg.durationMs;
    const at = Math.min(this.t0 + (this.secondIndex + 1) * 1000, endAt);
    this.secondTimer = setTimeout(() => {
      this.secondTimer = null;
      if (!this.sending) return; // the final report covers the rest
      const now = performance.now();
      if (at === endAt) {
        // The end of the run: timers may fire a little early, so wait for the exact end,
        // send what is due (open model), then drain; the final report covers this second.
        if (now < endAt) {
          this.secondTimer = setTimeout(() => this.scheduleEnd(), Math.max(1, endAt - now));
          return;
        }
        this.scheduleEnd();
        return;
      }
      this.report(false);
      this.secondIndex++;
      this.scheduleSecond();
    }, Math.max(0, at - performance.now()));
  }

  private scheduleEnd(): void {
    if (!this.sending) return;
    const now = performance.now();
    if (this.cfg.model === 'open') this.pace();
    this.endSending(now);
  }

  private report(final: boolean): void {
    const mon = this.monitor.sample();
    const out: WorkerSecond = {
      worker: this.cfg.index,
      // Responses drained after the end belong to the last second of the run.
      index: Math.min(this.secondIndex, Math.max(0, Math.ceil(this.cfg.durationMs / 1000) - 1)),
      final,
      ...this.counters.snapshot(),
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      cpu: Math.round(mon.cpu * 1000) / 1000,
      loopLagMs: mon.loopLagMs,
      connections: this.all.length,
    };
    if (final) out.sendEndMs = this.sendEndMs;
    this.bytesIn = this.bytesOut = 0;
    this.emit(out);
  }

  /** Stops sending now; in-flight requests finish or time out, then the final report goes out. */
  stop(): void {
    this.endSending(performance.now());
  }

  private endSending(now: number): void {
    if (!this.sending) return;
    this.sending = false;
    this.sendEndMs = Math.min(now - this.t0, this.cfg.durationMs);
    if (this.paceTimer) clearInterval(this.paceTimer);
    this.paceTimer = null;
    for (const t of this.thinkTimers) clearTimeout(t);
    this.thinkTimers.clear();
    // Iterations still waiting for a connection were never sent.
    this.counters.dropped += this.waiting.length;
    this.waiting.clear();
    for (const c of [...this.all]) if (c.count === 0) c.destroy();
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finished || this.sending) return;
    for (const c of this.all) if (c.count > 0) return;
    this.finished = true;
    if (this.expireTimer) clearInterval(this.expireTimer);
    if (this.secondTimer) clearTimeout(this.secondTimer);
    for (const c of [...this.all]) c.destroy();
    this.monitor.close();
    this.report(true);
  }
}
