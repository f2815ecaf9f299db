/**
 * The normalised request record every trace importer produces and every analysis reads.
 * Field names are the column names of `trace_requests` (src/trace/schema.ts) and the keys
 * of headroom's own JSON Lines format; change them only with a migration.
 */

/** OpenTelemetry span kind, or `http` for records that are plain HTTP requests (logs, HAR, capture). */
export type RecordKind = 'http' | 'server' | 'client' | 'internal' | 'producer' | 'consumer';

export interface TraceRecord {
  /** Start of the request, milliseconds since the Unix epoch (fractions allowed). */
  ts: number;
  /** Who sent it: a client id, tenant, app, user agent or IP, per `--client-from`. */
  client: string;
  /** The service that served it (host, OTel service.name); empty when unknown. */
  service: string;
  method: string;
  /** Route template such as `/users/{id}/friends` (src/core/route-template.ts). */
  route: string;
  /** Raw path without the query string. */
  path: string;
  /** Raw query string without the leading `?` (empty when none). */
  query: string;
  /** HTTP status; 0 when there was no response (timeout, reset) or it is unknown. */
  status: number;
  latency_ms: number | null;
  /** Response bytes (body), null when unknown. */
  bytes: number | null;
  /** Request body bytes, null when unknown. */
  req_bytes: number | null;
  request_id: string | null;
  trace_id: string | null;
  span_id: string | null;
  parent_id: string | null;
  kind: RecordKind;
  /** Hash of the response body when the source had it (capture proxy), else null. */
  body_hash: string | null;
  /** Hash of the request body (non-GET duplicates are compared with it), else null. */
  req_hash: string | null;
  cache_control: string | null;
  etag: string | null;
  expires: string | null;
  last_modified: string | null;
  user_agent: string | null;
  /** Where it came from, for evidence: `file:line` or `file#entry`. */
  ref: string;
}

/** A record with every optional field empty; importers fill in what their format carries. */
export function emptyRecord(ref: string): TraceRecord {
  return {
    ts: 0,
    client: '',
    service: '',
    method: '',
    route: '',
    path: '',
    query: '',
    status: 0,
    latency_ms: null,
    bytes: null,
    req_bytes: null,
    request_id: null,
    trace_id: null,
    span_id: null,
    parent_id: null,
    kind: 'http',
    body_hash: null,
    req_hash: null,
    cache_control: null,
    etag: null,
    expires: null,
    last_modified: null,
    user_agent: null,
    ref,
  };
}

/** Column order of `trace_requests`; the appender and the JSON Lines writer follow it. */
export const RECORD_FIELDS = [
  'ts', 'client', 'service', 'method', 'route', 'path', 'query', 'status', 'latency_ms', 'bytes', 'req_bytes',
  'request_id', 'trace_id', 'span_id', 'parent_id', 'kind', 'body_hash', 'req_hash', 'cache_control', 'etag',
  'expires', 'last_modified', 'user_agent', 'ref',
] as const satisfies readonly (keyof TraceRecord)[];

/** Splits a request target into path and query: `/a/b?x=1` → [`/a/b`, `x=1`]. Absolute URLs keep only the path. */
export function splitTarget(target: string): { path: string; query: string; host: string } {
  let t = target;
  let host = '';
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(t);
  if (scheme) {
    host = scheme[1]!.replace(/^[^@]*@/, '');
    t = t.slice(scheme[0].length) || '/';
  }
  const hash = t.indexOf('#');
  if (hash >= 0) t = t.slice(0, hash);
  const q = t.indexOf('?');
  if (q < 0) return { path: t, query: '', host };
  return { path: t.slice(0, q), query: t.slice(q + 1), host };
}
