import { invalidInput } from '../core/errors.js';
import { openTraceDb } from '../trace/db.js';
import { TRACE_FORMATS, type TraceFormat } from '../trace/read-source.js';
import { importIntoStore } from '../trace/store-import.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { IDENTITY_FLAGS, STORE_FLAG, identityFromFlags, parseShare } from './trace-common.js';

export const IMPORT_USAGE = `usage: headroom trace import FILE... [flags]
  Reads access logs (Common/Combined, .gz too), HAR 1.2, OTLP/JSON and headroom JSON Lines
  into the store.
  --format F           clf | har | otlp | jsonl (default: detected from the content)
  --client-from SPEC   header:NAME | query:NAME | jwt:CLAIM[@HEADER] | ua | ip (default ip)
  --route PATTERN      a route template such as /users/{id}/friends (repeatable)
  --max-bad SHARE      refuse the import when more than this share is malformed (default 5%)
  --store PATH         DuckDB file (default .headroom/headroom.duckdb)
  --json               print the import statistics as JSON on stdout`;

export async function traceImport(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    { ...STORE_FLAG, ...IDENTITY_FLAGS, format: { type: 'string' }, 'max-bad': { type: 'string' }, json: { type: 'boolean' } },
    'trace import',
  );
  if (positionals.length === 0) throw invalidInput('HR_E_USAGE', 'trace import: expected at least one FILE', IMPORT_USAGE.split('\n')[0]);
  const format = values.format as TraceFormat | undefined;
  if (format !== undefined && !TRACE_FORMATS.includes(format)) {
    throw invalidInput('HR_E_TRACE_FORMAT', `--format: expected one of ${TRACE_FORMATS.join(', ')}, got "${values.format}"`);
  }
  const opts = { ...identityFromFlags(values), format, maxBad: parseShare(values['max-bad'] ?? '5%', '--max-bad') };
  const db = await openTraceDb(values.store, io.cwd);
  try {
    const t0 = performance.now();
    const stats = await importIntoStore(db, positionals.map((p) => (p.startsWith('/') ? p : `${io.cwd}/${p}`)), opts);
    const secs = (performance.now() - t0) / 1000;
    for (const s of stats) {
      io.stderr.write(`imported ${s.records} records from ${s.source} (${s.format}), ${s.bad} malformed\n`);
      for (const b of s.badSamples.slice(0, 3)) io.stderr.write(`  malformed ${b.ref}: ${b.reason}: ${JSON.stringify(b.text.slice(0, 80))}\n`);
    }
    io.stderr.write(`in ${secs.toFixed(2)} s\n`);
    if (values.json) io.stdout.write(JSON.stringify({ imports: stats, seconds: secs }) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
