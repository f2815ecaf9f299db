import { Worker } from 'node:worker_threads';
import { HeadroomError } from '../core/errors.js';
import type { RowSink } from './capture-recorder.js';
import type { StoreReply } from './capture-store-worker.js';

/**
 * The capture proxy's store, owned by a worker thread (src/trace/capture-store-worker.ts):
 * DuckDB appends run there, so they never stall the proxy's event loop. Batches are posted
 * as transferred buffers (no copy) and stored in order, each as one import named `capture`.
 *
 * @example
 * const store = await CaptureStore.open('.headroom/headroom.duckdb', process.cwd());
 * await store.write(rows);
 * await store.close();
 */
export class CaptureStore implements RowSink {
  /** Resolvers of posted batches, in order (the worker answers in order). */
  private readonly pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private exited = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: StoreReply) => {
      const p = this.pending.shift();
      if (m.ok) p?.resolve();
      else p?.reject(new Error(m.error));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', () => this.fail(new Error('the capture store worker exited')));
  }

  /** Starts the worker and opens (creating if needed) the store; throws what opening throws. */
  static async open(path: string | undefined, cwd: string): Promise<CaptureStore> {
    const worker = new Worker(new URL('./capture-store-worker.js', import.meta.url), { workerData: { path, cwd } });
    const ready = await new Promise<StoreReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!ready.ok) {
      await worker.terminate();
      throw ready.code ? new HeadroomError(ready.code, ready.error) : new Error(ready.error);
    }
    return new CaptureStore(worker);
  }

  write(rows: Uint8Array): Promise<void> {
    if (this.exited) return Promise.reject(new Error('the capture store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage({ rows }, [rows.buffer as ArrayBuffer]);
    });
  }

  /** Closes the store after the batches already posted. */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage(null);
    await gone;
  }

  private fail(e: Error): void {
    this.exited = true;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}
