import { invalidInput } from '../core/errors.js';
import type { TraceRecord } from '../core/trace-record.js';
import type { TraceDb } from './db.js';
import { importFile, type ImportOptions, type ImportStats } from './import.js';
import { RecordWriter } from './record-writer.js';
import { fixupSpans } from './span-fixup.js';

/**
 * Imports files into the store, all or nothing: one transaction, rolled back when any
 * file is unreadable or has too many bad lines, so a failed import leaves no half data.
 *
 * @example
 * const stats = await importIntoStore(db, ['access.log.gz'], { client: { kind: 'ip' }, routes: new RouteTemplater(), maxBad: 0.05 });
 */
export async function importIntoStore(db: TraceDb, files: readonly string[], opts: ImportOptions): Promise<ImportStats[]> {
  if (files.length === 0) throw invalidInput('HR_E_USAGE', 'trace import: expected at least one FILE');
  const out: ImportStats[] = [];
  await db.run('BEGIN TRANSACTION');
  try {
    for (const file of files) {
      const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_imports');
      const importId = (row?.n ?? 0) + 1;
      const writer = await RecordWriter.open(db, importId);
      let stats: ImportStats;
      try {
        stats = await importFile(file, opts, (r) => writer.write(r));
      } finally {
        writer.close();
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
export async function insertRecords(db: TraceDb, records: Iterable<TraceRecord>, source: string, format = 'jsonl'): Promise<number> {
  const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_imports');
  const importId = (row?.n ?? 0) + 1;
  const writer = await RecordWriter.open(db, importId);
  let n = 0;
  try {
    for (const r of records) {
      writer.write(r);
      n++;
    }
  } finally {
    writer.close();
  }
  await db.run('INSERT INTO trace_imports VALUES ($1, $2, $3, now()::TIMESTAMP, $4, 0, $5)', [importId, source, format, n, '[]']);
  return n;
}
