import { parentPort, workerData } from 'node:worker_threads';
import { isHeadroomError } from '../core/errors.js';
import { openTraceDb, type TraceDb } from './db.js';
import { decodeRows } from './record-rows.js';
import { insertRecords } from './store-import.js';

/**
 * The thread that owns the capture proxy's store (src/trace/capture-store.ts). Messages:
 * `{ rows }` stores a batch of encoded rows (src/trace/record-rows.ts) as one
 * import; `null` closes the store and ends the thread. Every message is answered in order
 * with a {@link StoreReply}; the first answers the opening of the store.
 */
export type StoreReply = { ok: true } | { ok: false; error: string; code?: string };

const reply = (e?: unknown): void => {
  if (e === undefined) return parentPort!.postMessage({ ok: true } satisfies StoreReply);
  const error = e instanceof Error ? e.message : String(e);
  parentPort!.postMessage((isHeadroomError(e) ? { ok: false, error, code: e.code } : { ok: false, error }) satisfies StoreReply);
};

async function main(db: TraceDb): Promise<void> {
  let chain = Promise.resolve();
  parentPort!.on('message', (m: { rows: Uint8Array } | null) => {
    chain = chain.then(async () => {
      if (m === null) {
        db.close();
        parentPort!.close();
        return;
      }
      await insertRecords(db, decodeRows(m.rows), 'capture', 'capture').then(() => reply(), reply);
    });
  });
}

if (parentPort) {
  const { path, cwd } = workerData as { path: string | undefined; cwd: string };
  openTraceDb(path, cwd).then(
    (db) => {
      reply();
      return main(db);
    },
    reply,
  );
}
