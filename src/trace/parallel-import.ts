import { open, rm, mkdtemp, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { debuglog } from 'node:util';
import { Worker } from 'node:worker_threads';
import { invalidInput } from '../core/errors.js';
import type { TraceDb } from './db.js';
import type { ImportOptions, ImportStats } from './import.js';
import type { WorkerJob, WorkerResult } from './import-worker.js';
import { CLF_SELECT, CLF_TSV_COLUMNS, FULL_SELECT, TSV_COLUMNS } from './tsv-row.js';

/**
 * The fast path for large uncompressed line files (access logs, JSON Lines): the file is
 * cut into byte ranges at line boundaries, one worker thread per range parses its lines
 * into a TSV file, and DuckDB's parallel CSV reader loads them (`INSERT … SELECT FROM
 * read_csv`), computing ids and `file:line` refs in SQL. The records are identical to the
 * streaming path's (test: src/trace/parallel-import.test.ts); memory stays constant.
 */
export async function cutAtLines(file: string, parts: number): Promise<number[]> {
  const size = (await stat(file)).size;
  const cuts = [0];
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let i = 1; i < parts; i++) {
      let pos = Math.floor((size * i) / parts);
      if (pos <= cuts[cuts.length - 1]!) continue;
      // Move to just after the next newline.
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) { pos = size; break; }
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) { pos += nl + 1; break; }
        pos += bytesRead;
      }
      if (pos < size && pos > cuts[cuts.length - 1]!) cuts.push(pos);
    }
  } finally {
    await fh.close();
  }
  cuts.push(size);
  return cuts;
}

/** Phase timings with NODE_DEBUG=headroom-import. */
const debug = debuglog('headroom-import');

function runWorker(job: WorkerJob): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    // A larger young generation: the parse allocates many short-lived strings, and the
    // default worker nursery made garbage collection most of the CPU time.
    const w = new Worker(new URL('./import-worker.js', import.meta.url), { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 192 } });
    w.once('message', (m: { ok: boolean; result?: WorkerResult; error?: string }) => (m.ok ? resolve(m.result!) : reject(new Error(m.error))));
    w.once('error', reject);
  });
}

/**
 * Imports one uncompressed CLF or JSONL file with `workers` threads into import `importId`.
 * Returns the stats; throws when too many lines are bad (the caller's transaction is rolled back).
 */
export async function importLinesParallel(
  db: TraceDb,
  file: string,
  format: 'clf' | 'jsonl',
  opts: ImportOptions & { routePatterns: string[] },
  importId: number,
  // The load into DuckDB is one thread and the longest stage (≈ 2.6 s per million rows
  // against ≈ 1.3 s to parse them): it gets a core of its own, the workers share the rest.
  workers = Math.max(1, Math.min(8, availableParallelism() - 1)),
): Promise<ImportStats> {
  const source = basename(file);
  // Parts of ~128 MB (≈ 0.5 million log lines), so that the load starts soon and then
  // never waits: DuckDB loads finished parts while later ones are parsed.
  const size = (await stat(file)).size;
  const cuts = await cutAtLines(file, Math.max(workers, Math.min(64, Math.ceil(size / 128e6))));
  const dir = await mkdtemp(join(tmpdir(), 'headroom-import-'));
  const jobs: WorkerJob[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    jobs.push({ file, source, start: cuts[i]!, end: cuts[i + 1]!, out: join(dir, `part-${i}.tsv`), format, client: opts.client, routes: opts.routePatterns });
  }
  const results = jobs.map(() => {
    let resolve!: (r: WorkerResult) => void;
    let reject!: (e: unknown) => void;
    const p = new Promise<WorkerResult>((a, b) => ((resolve = a), (reject = b)));
    p.catch(() => undefined);
    return { p, resolve, reject };
  });
  let next = 0;
  let stop = false;
  const t0 = performance.now();
  const pool = Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, async () => {
      while (next < jobs.length && !stop) {
        const i = next++;
        await runWorker(jobs[i]!).then((r) => {
          debug('part %d of %d parsed at %s s', i + 1, jobs.length, ((performance.now() - t0) / 1000).toFixed(2));
          results[i]!.resolve(r);
        }, results[i]!.reject);
      }
    }),
  );
  const [setting] = await db.all<{ threads: number }>("SELECT current_setting('threads') AS threads");
  try {
    // One DuckDB thread for the loads: the parse workers have the cores, and an insert that
    // keeps row order on several threads merges its row groups again (≈ 1.5× the CPU per row
    // measured here, for no shorter wall time on two cores).
    await db.run('SET threads = 1');
    const stats: ImportStats = { source, format, records: 0, bad: 0, badSamples: [] };
    const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_requests');
    const idBase = row?.n ?? 0;
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    let lines = 0;
    for (let i = 0; i < jobs.length; i++) {
      const r = await results[i]!.p;
      const offset = lines;
      for (const b of r.badSamples) if (stats.badSamples.length < 10) stats.badSamples.push({ ...b, ref: `${source}:${offset + Number(b.ref.slice(1))}` });
      lines += r.lines;
      stats.records += r.records;
      stats.bad += r.bad;
      // Refuse early once enough is seen; the caller rolls back what was loaded.
      checkBad(stats, opts.maxBad, i === jobs.length - 1 ? 0 : 10_000);
      await db.run(
        `INSERT INTO trace_requests SELECT ${importId}, ${idBase + offset} + line, ${format === 'clf' ? CLF_SELECT : FULL_SELECT},
           ${lit(source + ':')} || (${offset} + line), true
         FROM read_csv(${lit(jobs[i]!.out)}, delim = '\t', quote = '', escape = '', header = false, nullstr = '\\N', auto_detect = false,
           columns = ${format === 'clf' ? CLF_TSV_COLUMNS : TSV_COLUMNS})`,
      );
      await rm(jobs[i]!.out, { force: true });
      debug('part %d of %d loaded at %s s', i + 1, jobs.length, ((performance.now() - t0) / 1000).toFixed(2));
    }
    return stats;
  } finally {
    await db.run(`SET threads = ${setting?.threads ?? 1}`);
    stop = true;
    await pool.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

function checkBad(stats: ImportStats, maxBad: number, minSeen: number): void {
  const seen = stats.records + stats.bad;
  if (seen === 0 || seen < minSeen || stats.bad / seen <= maxBad) return;
  throw invalidInput(
    'HR_E_TRACE_BAD_INPUT',
    `${stats.source}: ${stats.bad} of ${seen} ${stats.format} items are malformed (more than --max-bad ${+(maxBad * 100).toFixed(2)}%)` +
      (stats.badSamples[0] ? `; first at ${stats.badSamples[0].ref}: ${stats.badSamples[0].reason}` : ''),
    `check --format (read as ${stats.format}), or raise --max-bad`,
  );
}
