import { writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidInput } from '../core/errors.js';
import { openTraceDb } from '../trace/db.js';
import { replay } from '../trace/replay.js';
import { extractWorkload } from '../trace/workload.js';
import { parseDuration } from '../core/duration.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { STORE_FLAG, parsePositive } from './trace-common.js';

export const WORKLOAD_USAGE = `usage: headroom trace workload --out model.json [flags]
  Extracts the workload model (endpoint mix, rates, think times, session shapes) from the
  recorded traffic; schema: docs/workload.schema.json. Replay it with
  "headroom run --workload model.json --scale 2".
  --out FILE        where to write the model (required)
  --client C        only this client's traffic
  --session-gap D   idle time that ends a session (default 30m)
  --store PATH      DuckDB file (default .headroom/headroom.duckdb)`;

export const REPLAY_USAGE = `usage: headroom trace replay --target URL [flags]
  Re-sends recorded requests to a loopback target with their original timing.
  --target URL        http://127.0.0.1:PORT (loopback only)
  --speed X           time compression: 2 = twice as fast (default 1)
  --limit N           at most N requests (default 10000)
  --max-duration D    stop after D of wall time (default 5m)
  --max-in-flight N   outstanding requests before sends are dropped (default 256)
  --client C, --since ISO-TIME   which records
  --json              the result as JSON on stdout
  --store PATH        DuckDB file (default .headroom/headroom.duckdb)`;

export async function traceWorkload(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { ...STORE_FLAG, out: { type: 'string' }, client: { type: 'string' }, 'session-gap': { type: 'string' } }, 'trace workload');
  if (!values.out) throw invalidInput('HR_E_MISSING_VALUE', '--out: expected the file to write the workload model to, e.g. --out model.json');
  const gap = values['session-gap'] ? parseDuration(values['session-gap'], '--session-gap') : undefined;
  const db = await openTraceDb(values.store, io.cwd);
  try {
    const model = await extractWorkload(db, { client: values.client, sessionGapMs: gap });
    if (model.source.records === 0) throw invalidInput('HR_E_TRACE_EMPTY', 'trace workload: no HTTP records in the store', 'import some with "headroom trace import FILE"');
    const out = resolve(io.cwd, values.out);
    // Write then rename: a failed run never leaves half a model behind.
    writeFileSync(`${out}.tmp`, JSON.stringify(model, null, 2) + '\n');
    renameSync(`${out}.tmp`, out);
    io.stderr.write(`wrote ${values.out}: ${model.endpoints.length} endpoints, ${model.rate.mean_rps.toFixed(3)} req/s mean, ${model.sessions.count} sessions\n`);
    return 0;
  } finally {
    db.close();
  }
}

export async function traceReplay(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    argv,
    { ...STORE_FLAG, target: { type: 'string' }, speed: { type: 'string' }, limit: { type: 'string' }, 'max-duration': { type: 'string' }, 'max-in-flight': { type: 'string' }, client: { type: 'string' }, since: { type: 'string' }, json: { type: 'boolean' } },
    'trace replay',
  );
  if (!values.target) throw invalidInput('HR_E_MISSING_VALUE', '--target: expected the URL to replay against, e.g. http://127.0.0.1:8080');
  const since = values.since !== undefined ? Date.parse(values.since) : undefined;
  if (since !== undefined && !Number.isFinite(since)) throw invalidInput('HR_E_BAD_SINCE', `--since: expected an ISO 8601 time, got "${values.since}"`);
  const db = await openTraceDb(values.store, io.cwd);
  try {
    const r = await replay(db, {
      target: values.target,
      speed: parsePositive(values.speed, '--speed', 1),
      limit: Math.floor(parsePositive(values.limit, '--limit', 10_000)),
      maxDurationMs: values['max-duration'] ? parseDuration(values['max-duration'], '--max-duration') : 300_000,
      maxInFlight: Math.floor(parsePositive(values['max-in-flight'], '--max-in-flight', 256)),
      client: values.client,
      since,
      signal: io.signal,
    });
    io.stderr.write(`replayed ${r.sent} of ${r.planned} requests in ${r.duration_s.toFixed(1)} s (${r.stopped_by}); errors ${r.errors}, dropped ${r.dropped}, late ${r.late}; p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms\n`);
    if (values.json) io.stdout.write(JSON.stringify(r) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
