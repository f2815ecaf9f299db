import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { HeadroomError } from '../core/errors.js';
import type { LoadDriver, RunSummary, SecondSample } from '../core/load-types.js';
import { RateSchedule } from '../core/rate-schedule.js';
import { RunAggregate } from '../core/run-aggregate.js';
import { evaluateThresholds } from '../core/threshold.js';
import { openFileSoftLimit, RESERVED_FDS } from './fd-limit.js';
import { planLoad, resolveEndpoint, type LoadOptions, type LoadPlan } from './load-plan.js';
import type { FromWorker, GeneratorConfig, ToWorker } from './worker-protocol.js';

/** Events of a running load: one 'second' per second, 'warning' before load, then 'done' or 'error'. */
export interface LoadEvents {
  second: [SecondSample];
  warning: [string];
  done: [RunSummary];
  error: [Error];
}

const START_DELAY_MS = 20; // from the last thread ready to the first intended send

/**
 * A running load: steerable (setRate, setConcurrency), observable (onSecond, events),
 * bounded (it stops by itself at its duration) and stoppable.
 *
 * @example
 * const load = new LoadRun({ url: 'http://127.0.0.1:8080/', vus: 10, durationMs: 60_000 });
 * load.on('second', (s) => load.setConcurrency(s.latency_ms.p99 < 20 ? 20 : 10));
 * const summary = await load.done;
 */
export class LoadRun extends EventEmitter<LoadEvents> implements LoadDriver {
  readonly plan: LoadPlan;
  /** Resolves with the summary when the run has ended (by duration or stop()). */
  readonly done: Promise<RunSummary>;
  private workers: Worker[] = [];
  private schedule: RateSchedule;
  private aggregate: RunAggregate;
  private startEpochMs = 0;
  private stopped = false;
  private pendingMessages: ToWorker[] = [];
  private vus: number;

  constructor(options: LoadOptions) {
    super();
    this.plan = planLoad(options);
    this.vus = this.plan.vus;
    this.schedule = new RateSchedule(this.plan.stages);
    const closed = this.plan.model === 'closed';
    this.aggregate = new RunAggregate(this.plan.threads, (i) =>
      closed ? null : Math.round((this.schedule.countAt((i + 1) * 1000) - this.schedule.countAt(i * 1000)) * 100) / 100,
    );
    this.done = new Promise<RunSummary>((resolve, reject) => {
      this.once('done', resolve);
      this.once('error', reject);
    });
    // Callers that only listen to events must not get an unhandled rejection.
    this.done.catch(() => {});
    this.start().catch((e: unknown) => this.fail(e as Error));
  }

  private fail(e: Error): void {
    for (const w of this.workers) void w.terminate();
    this.emit('error', e);
  }

  private async start(): Promise<void> {
    const plan = this.plan;
    const endpoint = await resolveEndpoint(plan);
    const connections = plan.model === 'closed' ? plan.vus : plan.maxConnections;
    const limit = openFileSoftLimit();
    let maxConnections = plan.maxConnections;
    if (limit !== null && connections + RESERVED_FDS > limit) {
      const usable = Math.max(1, limit - RESERVED_FDS);
      this.emit(
        'warning',
        `the open-file limit is ${limit} but up to ${connections} connections may be needed; ` +
          `Node already raised the soft limit to the hard one, so raise the hard limit (as root: "ulimit -n ${connections + RESERVED_FDS}", or limits.conf)` +
          (plan.model === 'open' ? `; using --max-connections ${usable}` : '; connections beyond it will fail'),
      );
      maxConnections = Math.min(maxConnections, usable);
    }
    if (this.stopped) {
      this.emit('done', this.finish());
      return;
    }
    const n = plan.threads;
    const workerUrl = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < n; i++) {
      const share = (total: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);
      const { thresholds: _thresholds, allowRemote: _allowRemote, hostname: _hostname, ...shared } = plan;
      const cfg: GeneratorConfig = {
        ...shared,
        index: i,
        endpoint,
        vus: share(this.vus),
        maxConnections: Math.max(1, share(maxConnections)),
      };
      const w = new Worker(workerUrl, { workerData: cfg });
      w.on('message', (m: FromWorker) => this.onMessage(m));
      w.on('error', (e) => this.fail(e));
      this.workers.push(w);
    }
  }

  private ready = 0;

  private onReady(): void {
    if (++this.ready < this.workers.length) return;
    this.startEpochMs = performance.timeOrigin + performance.now() + START_DELAY_MS;
    for (const w of this.workers) w.postMessage({ type: 'start', startEpochMs: this.startEpochMs } satisfies ToWorker);
    for (const m of this.pendingMessages) for (const w of this.workers) w.postMessage(m);
    this.pendingMessages = [];
    if (this.plan.model === 'closed' && this.vus !== this.plan.vus) this.setConcurrency(this.vus);
  }

  private onMessage(m: FromWorker): void {
    if (m.type === 'ready') return this.onReady();
    if (m.type === 'fatal') {
      this.fail(new Error(`generator thread failed: ${m.message}`));
      return;
    }
    for (const s of this.aggregate.add(m.data)) this.emit('second', s);
    if (this.aggregate.complete) {
      for (const w of this.workers) void w.terminate();
      this.emit('done', this.finish());
    }
  }

  private finish(): RunSummary {
    const closed = this.plan.model === 'closed';
    const sendEnd = this.aggregate.sendEndMs;
    const target = closed || sendEnd <= 0 ? null : Math.round((this.schedule.countAt(sendEnd) / (sendEnd / 1000)) * 100) / 100;
    const s = this.aggregate.summary(closed ? null : target ?? this.schedule.rateAt(0));
    s.thresholds = evaluateThresholds(this.plan.thresholds, s);
    return s;
  }

  private broadcast(m: ToWorker): void {
    if (this.startEpochMs === 0) this.pendingMessages.push(m);
    else for (const w of this.workers) w.postMessage(m);
  }

  /** Milliseconds since the run's start (negative before it). */
  elapsedMs(): number {
    return this.startEpochMs === 0 ? 0 : performance.timeOrigin + performance.now() - this.startEpochMs;
  }

  setRate(rps: number): void {
    if (this.plan.model !== 'open') throw new HeadroomError('HR_E_BAD_MODEL', 'setRate: the run uses the closed model (--vus)');
    const atMs = Math.max(0, this.elapsedMs());
    this.schedule.setRate(atMs, rps, this.plan.durationMs);
    this.broadcast({ type: 'rate', rps, atMs });
  }

  setConcurrency(vus: number): void {
    if (this.plan.model !== 'closed') throw new HeadroomError('HR_E_BAD_MODEL', 'setConcurrency: the run uses the open model (--rate)');
    this.vus = Math.max(0, Math.floor(vus));
    const n = this.plan.threads;
    if (this.startEpochMs === 0) return;
    this.workers.forEach((w, i) => w.postMessage({ type: 'vus', vus: Math.floor(this.vus / n) + (i < this.vus % n ? 1 : 0) } satisfies ToWorker));
  }

  onSecond(listener: (s: SecondSample) => void): () => void {
    this.on('second', listener);
    return () => this.off('second', listener);
  }

  /** The whole run's merged latency and service-time histograms (HdrHistogram base64), for the store. */
  encodedHistograms(): { latency: string; service: string } {
    return this.aggregate.encodedHistograms();
  }

  stop(): Promise<RunSummary> {
    if (!this.stopped) {
      this.stopped = true;
      this.broadcast({ type: 'stop' });
    }
    return this.done;
  }
}

/**
 * Starts a load that runs until its duration ends or `stop()` is called. Steerable by a
 * controller (the squeeze) through the LoadDriver interface.
 *
 * @example
 * const load = startLoad({ url: 'http://127.0.0.1:8080/', rate: 500, durationMs: 600_000 });
 * load.onSecond((s) => console.log(s.t, s.achieved_rps, s.latency_ms.p99));
 * load.setRate(800);
 * const summary = await load.stop();
 */
export function startLoad(options: LoadOptions): LoadRun {
  return new LoadRun(options);
}

/**
 * Runs a load to the end and returns its summary (thresholds evaluated). Progress is
 * available through `onStart` (the LoadRun emits 'second' events).
 *
 * @example
 * const summary = await run({ url: 'http://127.0.0.1:8080/', rate: 1000, durationMs: 10_000, thresholds: ['p99<50ms'] });
 */
export async function run(
  options: LoadOptions,
  opts: { signal?: AbortSignal; onStart?: (load: LoadRun) => void } = {},
): Promise<RunSummary> {
  const load = startLoad(options);
  opts.onStart?.(load);
  const onAbort = () => void load.stop();
  if (opts.signal?.aborted) onAbort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await load.done;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
