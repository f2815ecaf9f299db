import { createReadStream, createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ClientSource } from '../core/client-identity.js';
import { clfLineToRecord } from '../core/clf-records.js';
import { jsonlLineToRecord } from '../core/jsonl-records.js';
import { RouteTemplater } from '../core/route-template.js';
import type { BadSample } from './import.js';
import { clfTsvRow, tsvRow } from './tsv-row.js';

/**
 * One worker of a parallel line import (src/trace/parallel-import.ts): parses the lines
 * of bytes [start, end) of a file and writes them as TSV rows to `out`. Line numbers are
 * relative to `start`; the main thread adds the offset.
 */
export interface WorkerJob {
  file: string;
  source: string;
  start: number;
  end: number;
  out: string;
  format: 'clf' | 'jsonl';
  client: ClientSource;
  routes: string[];
}
export interface WorkerResult {
  lines: number;
  records: number;
  bad: number;
  /** Refs hold the relative line number only (`:N`). */
  badSamples: BadSample[];
}

async function run(job: WorkerJob): Promise<WorkerResult> {
  const routes = new RouteTemplater(job.routes);
  const map = { client: job.client, routes, source: job.source };
  const res: WorkerResult = { lines: 0, records: 0, bad: 0, badSamples: [] };
  const out = createWriteStream(job.out, { highWaterMark: 1 << 22 });
  const input = createReadStream(job.file, { start: job.start, end: job.end - 1, highWaterMark: 1 << 21, encoding: 'utf8' });
  let rest = '';
  let rows: string[] = [];
  let size = 0;
  const handle = (line: string) => {
    const n = ++res.lines;
    if (line.length === 0) return;
    let row: string | null = null;
    let reason = '';
    if (job.format === 'clf') {
      const r = clfLineToRecord(line, map, n);
      // Only the fields a log line can carry (see clfTsvRow); a record from a log never has the others.
      if (r) row = clfTsvRow(n, r);
      else reason = 'not a Common/Combined Log Format line';
    } else {
      const r = jsonlLineToRecord(line, routes, '');
      if ('record' in r) row = tsvRow(n, r.record);
      else reason = r.error;
    }
    if (row !== null) {
      res.records++;
      rows.push(row);
      size += row.length;
    } else {
      res.bad++;
      if (res.badSamples.length < 10) res.badSamples.push({ ref: `:${n}`, reason, text: line.slice(0, 200) });
    }
  };
  for await (const chunk of input as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const p of parts) handle(p.charCodeAt(p.length - 1) === 13 ? p.slice(0, -1) : p);
    if (size > 1 << 20) {
      const ok = out.write(rows.join(''));
      rows = [];
      size = 0;
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  if (rest.length > 0) handle(rest);
  out.write(rows.join(''));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return res;
}

if (parentPort) {
  run(workerData as WorkerJob).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }),
    (e: Error) => parentPort!.postMessage({ ok: false, error: e.message }),
  );
}
