import { invalidInput } from '../core/errors.js';
import type { TraceRecord } from '../core/trace-record.js';
import type { TraceDb } from './db.js';
import { importFile, type ImportOptions, type ImportStats } from './import.js';
import { RecordWriter } from './record-writer.js';
import { importLinesParallel } from './parallel-import.js';
import { headText, sniffFormat } from './read-source.js';
import { open } from 'node:fs/promises';
import { fixupSpans } from './span-fixup.js';

/**
 * Imports files into the store, all or nothing: one transaction, rolled back when any
 * file is unreadable or has too many bad lines, so a failed import leaves no half data.
 *
 * @example
 * const stats = await importIntoStore(db, ['access.log.gz'], { client: { kind: 'ip' }, routes: new RouteTemplater(), maxBad: 0.05 });
 */
export interface StoreImportOptions extends ImportOptions {
  /** Uncompressed line files at least this big go through the parallel path (default 32 MiB). */
  parallelMinBytes?: number;
  /** Worker threads of the parallel path (default: the number of cores, at most 8). */
  workers?: number;
}

async function isLargePlainFile(file: string, min: number): Promise<boolean> {
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    return !(magic[0] === 0x1f && magic[1] === 0x8b) && (await fh.stat()).size >= min;
  } finally {
    await fh.close();
  }
}

export async function importIntoStore(db: TraceDb, files: readonly string[], opts: StoreImportOptions): Promise<ImportStats[]> {
  if (files.length === 0) throw invalidInput('HR_E_USAGE', 'trace import: expected at least one FILE');
  const out: ImportStats[] = [];
  await db.run('BEGIN TRANSACTION');
  try {
    for (const file of files) {
      const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_imports');
      const importId = (row?.n ?? 0) + 1;
      let stats: ImportStats;
      const format = opts.format ?? sniffFormat(await headText(file, 4096));
      if ((format === 'clf' || format === 'jsonl') && (await isLargePlainFile(file, opts.parallelMinBytes ?? 32 * 1024 * 1024))) {
        stats = await importLinesParallel(db, file, format, { ...opts, routePatterns: [...opts.routes.sources] }, importId, opts.workers);
      } else {
        const writer = await RecordWriter.open(db, importId);
        try {
          stats = await importFile(file, { ...opts, format }, (r) => writer.write(r));
        } finally {
          writer.close();
        }
      }
      if (stats.format === 'otlp') await fixupSpans(db, importId);
      await db.run('INSERT INTO trace_imports VALUES ($1, $2, $3, now()::TIMESTAMP, $4, $5, $6)', [
        importId, stats.source, stats.format, stats.records, stats.bad, JSON.stringify(stats.badSamples),
      ]);
      out.push(stats);
    }
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
  return out;
}

/**
 * Writes records that are already normalised (the capture proxy, the synthetic generator)
 * as one import named `source`.
 *
 * @example
 * await insertRecords(db, records, 'capture');
 */
export async function insertRecords(
  db: TraceDb,
  records: Iterable<TraceRecord>,
  source: string,
  format = 'jsonl',
  /** Yield to the event loop every this many rows (the capture proxy keeps serving meanwhile). */
  yieldEvery = Infinity,
): Promise<number> {
  const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_imports');
  const importId = (row?.n ?? 0) + 1;
  const writer = await RecordWriter.open(db, importId);
  let n = 0;
  try {
    for (const r of records) {
      writer.write(r);
      if (++n % yieldEvery === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    writer.close();
  }
  await db.run('INSERT INTO trace_imports VALUES ($1, $2, $3, now()::TIMESTAMP, $4, 0, $5)', [importId, source, format, n, '[]']);
  return n;
}
