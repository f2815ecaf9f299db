import { isUtf8 } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ClientSource } from '../core/client-identity.js';
import { clfLineToRecord } from '../core/clf-records.js';
import { jsonlLineToRecord } from '../core/jsonl-records.js';
import { RouteTemplater } from '../core/route-template.js';
import type { BadSample } from './import.js';
import { ClfTsvEncoder, maxRowBytes } from './clf-tsv-bytes.js';
import { clfTsvRow, tsvRow } from './tsv-row.js';

/**
 * One worker of a parallel line import (src/trace/parallel-import.ts): parses the lines
 * of bytes [start, end) of a file and writes them as TSV rows to `out`: access-log lines
 * byte to byte where it can (clf-tsv-bytes.ts), the rest through the general parsers.
 * Line numbers are relative to `start`; the main thread adds the offset.
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

/** Output buffer size: rows are built in place and handed to the file stream whole. */
const OUT_BYTES = 4 << 20;

async function run(job: WorkerJob): Promise<WorkerResult> {
  const routes = new RouteTemplater(job.routes);
  const map = { client: job.client, routes, source: job.source };
  const fast = job.format === 'clf' ? new ClfTsvEncoder(routes, job.client) : null;
  const res: WorkerResult = { lines: 0, records: 0, bad: 0, badSamples: [] };
  const file = createWriteStream(job.out, { highWaterMark: 1 << 22 });
  const input = createReadStream(job.file, { start: job.start, end: job.end - 1, highWaterMark: 1 << 21 });
  let out = Buffer.allocUnsafe(OUT_BYTES);
  let o = 0;
  let blocked = false;
  /** Hands the rows built so far to the file stream; the caller waits for 'drain' when `blocked`. */
  const spill = () => {
    if (o === 0) return;
    // The stream keeps the buffer until written: start a new one rather than reuse it.
    if (!file.write(out.subarray(0, o))) blocked = true;
    out = Buffer.allocUnsafe(OUT_BYTES);
    o = 0;
  };
  /** The general path: parse the decoded line into a record, then a row. */
  const slow = (line: string, n: number): string | null => {
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
    if (row === null) {
      res.bad++;
      if (res.badSamples.length < 10) res.badSamples.push({ ref: `:${n}`, reason, text: line.slice(0, 200) });
    }
    return row;
  };
  /** Line [s, e) of `buf`; `utf8`: the bytes are known to be valid UTF-8. Synchronous: no promise per line. */
  const handle = (buf: Buffer, s: number, e: number, utf8: boolean) => {
    const n = ++res.lines;
    if (e === s) return;
    if (OUT_BYTES - o < maxRowBytes(e - s)) spill();
    if (fast && utf8 && OUT_BYTES >= maxRowBytes(e - s)) {
      const end = fast.encode(buf, s, e, n, out, o);
      if (end >= 0) {
        o = end;
        res.records++;
        return;
      }
    }
    const row = slow(buf.toString('utf8', s, e), n);
    if (row === null) return;
    res.records++;
    if (OUT_BYTES - o < 3 * row.length) spill();
    if (OUT_BYTES >= 3 * row.length) o += out.write(row, o);
    else if (!file.write(row)) blocked = true;
  };
  const drained = () => new Promise<void>((r) => file.once('drain', () => r()));
  let rest: Buffer | null = null;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
    const last = buf.lastIndexOf(10);
    if (last < 0) {
      rest = buf;
      continue;
    }
    // Byte offsets within a chunk of whole lines; the fast path needs valid UTF-8, which almost every chunk is.
    const valid = isUtf8(buf.subarray(0, last + 1));
    for (let s = 0; s <= last; ) {
      const nl = buf.indexOf(10, s);
      const e = nl > s && buf[nl - 1] === 13 ? nl - 1 : nl;
      handle(buf, s, e, valid || isUtf8(buf.subarray(s, e)));
      s = nl + 1;
    }
    if (blocked) {
      blocked = false;
      await drained();
    }
    rest = last + 1 < buf.length ? buf.subarray(last + 1) : null;
  }
  // The last line without a line break keeps a trailing CR, as the streaming path does.
  if (rest) handle(rest, 0, rest.length, isUtf8(rest));
  spill();
  await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return res;
}

if (parentPort) {
  run(workerData as WorkerJob).then(
    (r) => parentPort!.postMessage({ ok: true, result: r }),
    (e: Error) => parentPort!.postMessage({ ok: false, error: e.message }),
  );
}
