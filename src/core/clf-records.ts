import { parseClfLine } from './clf-parse.js';
import { resolveClient } from './client-identity.js';
import type { MapOptions } from './record-mapping.js';
import { emptyRecord, splitTarget, type TraceRecord } from './trace-record.js';

/**
 * One access-log line to a record, or null when the line is malformed. Logs carry no
 * request headers, so `--client-from header:…`/`jwt:…` fall back to the client IP.
 *
 * @example
 * clfLineToRecord(line, { client: { kind: 'ip' }, routes: new RouteTemplater(), source: 'access.log' }, 1)
 */
export function clfLineToRecord(line: string, opts: MapOptions, lineNo: number): TraceRecord | null {
  const p = parseClfLine(line);
  if (!p) return null;
  const rec = emptyRecord(`${opts.source}:${lineNo}`);
  rec.ts = p.ts;
  rec.method = p.method;
  const t = splitTarget(p.target);
  rec.path = t.path;
  rec.query = t.query;
  rec.service = t.host;
  rec.route = p.target === '' ? '' : opts.routes.template(t.path);
  rec.status = p.status;
  rec.bytes = p.bytes ?? 0;
  rec.user_agent = p.userAgent;
  rec.client = resolveClient(opts.client, { ip: p.ip, userAgent: p.userAgent, query: t.query });
  return rec;
}
