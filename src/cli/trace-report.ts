import { formatDuration, parseDuration } from '../core/duration.js';
import { invalidInput } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { openTraceDb } from '../trace/db.js';
import { buildReport, saveFindings, traceState, type ImpactRow, type TraceReport } from '../trace/report.js';
import { parseFlags } from './args.js';
import type { CliIo } from './io.js';
import { STORE_FLAG, parsePositive } from './trace-common.js';

export const REPORT_USAGE = `usage: headroom trace report [flags]
  Who sends the load (per client and endpoint: requests, rate, share of requests, backend
  time and bytes; client × service matrix) and which part is waste (findings with evidence).
  --client C      only this client
  --since T       only records at or after T (ISO 8601 time, or a duration such as 1h back from the last record)
  --top K         rows per table (default 10)
  --json          the whole report as JSON on stdout
  --store PATH    DuckDB file (default .headroom/headroom.duckdb)`;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function table(title: string, rows: ImpactRow[]): string[] {
  const out = [title, `  ${'key'.padEnd(44)} ${'req'.padStart(8)} ${'req/s'.padStart(9)} ${'%req'.padStart(6)} ${'%time'.padStart(6)} ${'%bytes'.padStart(6)} ${'errors'.padStart(7)}`];
  for (const r of rows) {
    const k = r.key.length > 44 ? r.key.slice(0, 41) + '...' : r.key;
    out.push(`  ${k.padEnd(44)} ${String(r.requests).padStart(8)} ${r.rps.toFixed(3).padStart(9)} ${pct(r.share_requests).padStart(6)} ${pct(r.share_backend_time).padStart(6)} ${pct(r.share_bytes).padStart(6)} ${String(r.errors).padStart(7)}`);
  }
  return out;
}

function findingLine(f: Finding): string {
  return `  [${f.severity}] ${f.detector} ${f.client} → ${f.endpoint}: ${f.count} requests; ${f.summary}; saves ${f.saved_rps.toFixed(4)} req/s, ${Math.round(f.saved_bps)} B/s\n      evidence: ${f.evidence.join(' ')}`;
}

export function renderReport(r: TraceReport): string {
  const t = r.totals;
  const lines = [
    `${t.requests} requests from ${t.clients} clients to ${t.endpoints} endpoints over ${formatDuration(t.duration_s * 1000)} (${t.rps.toFixed(3)} req/s)`,
    '',
    ...table('top clients', r.clients),
    '',
    ...table('top endpoints', r.endpoints),
    '',
    'client × service',
    ...r.matrix.slice(0, 15).map((m) => `  ${m.client} → ${m.service || '(this service)'}: ${m.requests} requests, ${pct(m.share_of_service)} of its requests, ${pct(m.share_of_service_time)} of its time`),
    '',
    `findings (${r.findings.length})`,
    ...r.findings.slice(0, 30).map(findingLine),
  ];
  if (r.findings.length > 30) lines.push(`  … ${r.findings.length - 30} more (use --json)`);
  return lines.join('\n') + '\n';
}

export async function traceReport(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, { ...STORE_FLAG, client: { type: 'string' }, since: { type: 'string' }, top: { type: 'string' }, json: { type: 'boolean' } }, 'trace report');
  const top = Math.floor(parsePositive(values.top, '--top', 10));
  const db = await openTraceDb(values.store, io.cwd);
  try {
    let since: number | undefined;
    if (values.since !== undefined) {
      const abs = Date.parse(values.since);
      if (Number.isFinite(abs) && /\d{4}-\d{2}/.test(values.since)) since = abs;
      else {
        let back: number;
        try {
          back = parseDuration(values.since, '--since');
        } catch {
          throw invalidInput('HR_E_BAD_SINCE', `--since: expected an ISO 8601 time or a duration such as 1h, got "${values.since}"`);
        }
        const [row] = await db.all<{ m: number | null }>('SELECT max(ts) AS m FROM trace_requests');
        since = (row?.m ?? 0) - back;
      }
    }
    const state = await traceState(db);
    const report = await buildReport(db, { client: values.client, since, top });
    if (report.totals.requests === 0) io.stderr.write('no records selected: import some with "headroom trace import FILE"\n');
    await saveFindings(db, report.findings, { state, client: values.client, since, totals: report.totals });
    if (values.json) io.stdout.write(JSON.stringify(report) + '\n');
    else io.stderr.write(renderReport(report));
    return 0;
  } finally {
    db.close();
  }
}
