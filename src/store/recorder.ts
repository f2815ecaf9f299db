import { encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LoadDriver, SecondSample } from '../core/load-types.js';
import { newRunId, type FinishRun, type NewRun, type Store } from './store.js';
import type { SqueezeResultRecord, SqueezeStepRecord } from './types.js';

export interface RecorderOptions {
  /** How often buffered seconds are written (ms). Default 1000: a crash loses at most the last second. */
  flushIntervalMs?: number;
  /** Told once per failed flush (the samples stay buffered and are retried on the next one). */
  onError?: (e: Error) => void;
}

/** A final histogram, as an hdr-histogram-js Histogram or already HdrHistogram-base64 encoded. */
export type HistogramInput = Histogram | string;

/**
 * Records one run into the store while it runs, as a listener of the engine's events:
 * each SecondSample is buffered and written once a second, in one short transaction,
 * so the engine's hot path only pushes to an array. The store file is open only while
 * a flush writes (see db.ts), and a flush that cannot get the file keeps its samples
 * for the next one: no second is lost while the process lives, and after a kill -9 the
 * store holds every second up to the last flush.
 *
 * @example
 * const rec = await RunRecorder.start(store, { kind: 'run', target: url, config });
 * rec.attach(driver);
 * const summary = await driver.stop();
 * await rec.finish({ status: 'passed', summary });
 */
export class RunRecorder {
  private samples: SecondSample[] = [];
  private steps: SqueezeStepRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private finished = false;
  private created = false;
  /** Seconds written so far. */
  written = 0;
  readonly runId: string;

  private constructor(
    readonly store: Store,
    private readonly run: NewRun,
    private readonly opts: RecorderOptions,
  ) {
    this.runId = run.id ?? newRunId();
  }

  /** Creates the run (status running) and starts the flush timer; throws if the store cannot be written. */
  static async start(store: Store, run: NewRun, opts: RecorderOptions = {}): Promise<RunRecorder> {
    const rec = new RunRecorder(store, run, opts);
    await rec.ensureCreated();
    rec.startTimer();
    return rec;
  }

  /**
   * The same without waiting: the run's row is written by the first flush (at once, in
   * the background), so an engine's synchronous start hook can use it.
   */
  static begin(store: Store, run: NewRun, opts: RecorderOptions = {}): RunRecorder {
    const rec = new RunRecorder(store, run, opts);
    void rec.flush();
    rec.startTimer();
    return rec;
  }

  private startTimer(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  private async ensureCreated(): Promise<void> {
    if (this.created) return;
    await this.store.createRun({ ...this.run, id: this.runId });
    this.created = true;
  }

  /** Buffers one second; cheap enough for the engine's event. */
  add(sample: SecondSample): void {
    if (!this.finished) this.samples.push(sample);
  }

  /** Buffers a squeeze step (stored with the next flush). */
  addSqueezeStep(step: SqueezeStepRecord): void {
    if (!this.finished) this.steps.push(step);
  }

  /** Listens to a load driver's seconds; returns the unsubscribe function. */
  attach(driver: Pick<LoadDriver, 'onSecond'>): () => void {
    return driver.onSecond((s) => this.add(s));
  }

  /** Writes what is buffered now; flushes run one at a time, in order. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.flushNow());
    return this.chain;
  }

  private async flushNow(): Promise<void> {
    const samples = this.samples;
    const steps = this.steps;
    if (samples.length === 0 && steps.length === 0 && this.created) return;
    this.samples = [];
    this.steps = [];
    try {
      await this.ensureCreated();
      if (samples.length) await this.store.appendSeries(this.runId, samples);
      if (steps.length) await this.store.saveSqueeze(this.runId, steps);
      this.written += samples.length;
    } catch (e) {
      // Keep them, in order, ahead of what arrived meanwhile: the next flush retries.
      this.samples = samples.concat(this.samples);
      this.steps = steps.concat(this.steps);
      this.opts.onError?.(e as Error);
    }
  }

  /** Stops recording and removes the run from the store (it was started on bad input). */
  async discard(): Promise<void> {
    this.finished = true;
    clearInterval(this.timer);
    await this.chain;
    this.samples = [];
    this.steps = [];
    if (this.created) await this.store.deleteRun(this.runId);
    this.store.release();
  }

  /**
   * Stops the timer, writes the last seconds, then the end of the run (status, summary,
   * histograms, squeeze result). Throws if the store cannot be written.
   */
  async finish(f: Omit<FinishRun, 'histograms'> & {
    histograms?: { latency?: HistogramInput; service?: HistogramInput };
    squeeze?: SqueezeResultRecord;
  }): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    await this.flush();
    await this.ensureCreated();
    if (this.samples.length) await this.store.appendSeries(this.runId, this.samples);
    if (this.steps.length || f.squeeze) await this.store.saveSqueeze(this.runId, this.steps, f.squeeze);
    this.written += this.samples.length;
    this.samples = [];
    this.steps = [];
    const histograms: Record<string, string> = {};
    for (const [k, h] of Object.entries(f.histograms ?? {})) {
      if (h) histograms[k] = typeof h === 'string' ? h : encodeIntoCompressedBase64(h);
    }
    await this.store.finishRun(this.runId, { ...f, histograms });
    this.store.release();
  }
}
