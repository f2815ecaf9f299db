import type { TraceRecord } from '../core/trace-record.js';
import { RowEncoder } from './record-rows.js';

/**
 * Where the capture proxy's recorded rows go: a worker thread that owns the store
 * (src/trace/capture-store.ts), or a callback. `write` resolves once the batch is stored.
 */
export interface RowSink {
  write(rows: Uint8Array): Promise<void>;
}

export interface RecorderOptions {
  /** Hand the rows over at least this often (default 250 ms). */
  flushMs?: number;
  /** Bytes of encoded rows per batch (default 1 MiB, about 5,000 rows). */
  batchBytes?: number;
  /** Rows waiting for the store beyond which new records are dropped (default 200,000). */
  maxQueuedRows?: number;
}

export interface RecorderStats {
  /** Rows accepted for the store. */
  recorded: number;
  /** Rows dropped because the store fell behind (queue full) or failed. */
  dropped: number;
  /** The first store failure, if any. */
  storeError: string | null;
}

/**
 * The capture proxy's side of recording: encodes each record into a batch buffer
 * (src/trace/record-rows.ts) and hands full batches to the sink, one at a time, in order.
 * The proxy never waits for the store: when too many rows are waiting, new ones are
 * dropped and counted instead, so an overloaded store costs records, never traffic.
 *
 * @example
 * const rec = new CaptureRecorder(sink, { flushMs: 250 });
 * rec.add(record);
 * await rec.close();
 */
export class CaptureRecorder {
  readonly stats: RecorderStats = { recorded: 0, dropped: 0, storeError: null };
  private readonly enc: RowEncoder;
  private readonly maxQueued: number;
  /** Rows handed to the sink and not yet stored. */
  private queued = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sink: RowSink,
    o: RecorderOptions = {},
  ) {
    this.enc = new RowEncoder(o.batchBytes ?? 1 << 20);
    this.maxQueued = o.maxQueuedRows ?? 200_000;
    this.timer = setInterval(() => void this.flush(), o.flushMs ?? 250);
    this.timer.unref();
  }

  add(r: TraceRecord): void {
    if (this.queued + this.enc.rows >= this.maxQueued) {
      this.stats.dropped++;
      return;
    }
    if (!this.enc.push(r)) {
      void this.flush();
      this.enc.push(r);
    }
    this.stats.recorded++;
  }

  /** Hands the current batch to the sink; resolves when everything handed over is stored. */
  flush(): Promise<void> {
    const n = this.enc.rows;
    if (n === 0) return this.writing;
    const rows = this.enc.take();
    this.queued += n;
    this.writing = this.writing
      .then(() => this.sink.write(rows))
      .catch((e: unknown) => {
        this.stats.recorded -= n;
        this.stats.dropped += n;
        this.stats.storeError ??= e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        this.queued -= n;
      });
    return this.writing;
  }

  /** Stores what is left and stops the timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
