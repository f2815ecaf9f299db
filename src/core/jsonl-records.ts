import { RECORD_FIELDS, emptyRecord, type RecordKind, type TraceRecord } from './trace-record.js';
import type { RouteTemplater } from './route-template.js';

const KINDS = new Set<RecordKind>(['http', 'server', 'client', 'internal', 'producer', 'consumer']);
const NUMERIC = new Set(['ts', 'status', 'latency_ms', 'bytes', 'req_bytes']);
const KNOWN = new Set<string>(RECORD_FIELDS);

/**
 * Reads one line of headroom's own JSON Lines format: an object whose keys are
 * TraceRecord fields (src/core/trace-record.ts). `ts` is epoch ms or an ISO 8601 string;
 * `method` and `path` are required; `route` is derived when absent. Unknown keys make the
 * line invalid, so a typo is not silently dropped. Returns the record or the reason.
 *
 * @example
 * jsonlLineToRecord('{"ts":0,"method":"GET","path":"/a/1"}', routes, 'x.jsonl:1') // { record: {... route: '/a/{id}'} }
 */
export function jsonlLineToRecord(line: string, routes: RouteTemplater, ref: string): { record: TraceRecord } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { error: 'not JSON' };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  const rec = emptyRecord(ref);
  for (const [k, val] of Object.entries(o)) {
    if (!KNOWN.has(k)) return { error: `unknown field "${k}"` };
    if (k === 'ref') continue;
    if (k === 'ts') {
      const ts = typeof val === 'string' ? Date.parse(val) : val;
      if (typeof ts !== 'number' || !Number.isFinite(ts)) return { error: 'ts: expected epoch ms or an ISO 8601 time' };
      rec.ts = ts;
    } else if (NUMERIC.has(k)) {
      if (val === null && k !== 'status') continue;
      if (typeof val !== 'number' || !Number.isFinite(val) || val < 0) return { error: `${k}: expected a non-negative number` };
      (rec as unknown as Record<string, unknown>)[k] = val;
    } else if (k === 'kind') {
      if (!KINDS.has(val as RecordKind)) return { error: `kind: expected one of ${[...KINDS].join(', ')}` };
      rec.kind = val as RecordKind;
    } else {
      if (val !== null && typeof val !== 'string') return { error: `${k}: expected a string` };
      (rec as unknown as Record<string, unknown>)[k] = val ?? (k === 'client' || k === 'service' || k === 'query' ? '' : null);
    }
  }
  if (!('ts' in o)) return { error: 'ts: missing' };
  if (!rec.method || !rec.path) return { error: 'method and path are required' };
  if (!rec.route) rec.route = routes.template(rec.path);
  if (!rec.client) rec.client = 'unknown';
  return { record: rec };
}
