import type { TraceRecord } from '../core/trace-record.js';

/**
 * One record as a tab-separated line for DuckDB's CSV reader (read with quote and escape
 * off and `\N` as NULL): the bulk-load path of large imports. Tabs and line breaks inside
 * values become spaces, so a value can never break the row.
 */
const NULL = '\\N';

function s(v: string | null): string {
  if (v === null) return NULL;
  if (v.indexOf('\t') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v === NULL ? '\\N ' : v;
  return v.replace(/[\t\n\r]/g, ' ');
}
function n(v: number | null): string {
  return v === null ? NULL : String(v);
}

/** `line` is the record's line number within its part of the file (for the evidence ref). */
export function tsvRow(line: number, r: TraceRecord): string {
  return (
    line + '\t' + r.ts + '\t' + s(r.client) + '\t' + s(r.service) + '\t' + s(r.method) + '\t' + s(r.route) + '\t' + s(r.path) + '\t' + s(r.query) +
    '\t' + r.status + '\t' + n(r.latency_ms) + '\t' + n(r.bytes === null ? null : Math.round(r.bytes)) + '\t' + n(r.req_bytes === null ? null : Math.round(r.req_bytes)) +
    '\t' + s(r.request_id) + '\t' + s(r.trace_id) + '\t' + s(r.span_id) + '\t' + s(r.parent_id) + '\t' + r.kind + '\t' + s(r.body_hash) + '\t' + s(r.req_hash) +
    '\t' + s(r.cache_control) + '\t' + s(r.etag) + '\t' + s(r.expires) + '\t' + s(r.last_modified) + '\t' + s(r.user_agent) + '\n'
  );
}

/** The read_csv column list matching tsvRow. */
export const TSV_COLUMNS =
  "{'line': 'BIGINT', 'ts': 'DOUBLE', 'client': 'VARCHAR', 'service': 'VARCHAR', 'method': 'VARCHAR', 'route': 'VARCHAR', 'path': 'VARCHAR', 'query': 'VARCHAR', " +
  "'status': 'SMALLINT', 'latency_ms': 'DOUBLE', 'bytes': 'BIGINT', 'req_bytes': 'BIGINT', 'request_id': 'VARCHAR', 'trace_id': 'VARCHAR', 'span_id': 'VARCHAR', " +
  "'parent_id': 'VARCHAR', 'kind': 'VARCHAR', 'body_hash': 'VARCHAR', 'req_hash': 'VARCHAR', 'cache_control': 'VARCHAR', 'etag': 'VARCHAR', 'expires': 'VARCHAR', " +
  "'last_modified': 'VARCHAR', 'user_agent': 'VARCHAR'}";

/**
 * The compact row for access logs, which carry only these fields (the others are NULL in
 * every CLF record): fewer columns to build, write and parse. Same value rules as tsvRow.
 */
export function clfTsvRow(line: number, r: TraceRecord): string {
  return (
    line + '\t' + r.ts + '\t' + s(r.client) + '\t' + s(r.service) + '\t' + s(r.method) + '\t' + s(r.route) + '\t' + s(r.path) + '\t' + s(r.query) +
    '\t' + r.status + '\t' + n(r.bytes === null ? null : Math.round(r.bytes)) + '\t' + s(r.user_agent) + '\n'
  );
}

export const CLF_TSV_COLUMNS =
  "{'line': 'BIGINT', 'ts': 'DOUBLE', 'client': 'VARCHAR', 'service': 'VARCHAR', 'method': 'VARCHAR', 'route': 'VARCHAR', 'path': 'VARCHAR', 'query': 'VARCHAR', " +
  "'status': 'SMALLINT', 'bytes': 'BIGINT', 'user_agent': 'VARCHAR'}";

/** The SELECT list that turns a compact CLF row into a full trace_requests row (after import_id and id). */
export const CLF_SELECT =
  'ts, client, service, method, route, path, query, status, NULL, bytes, NULL, NULL, NULL, NULL, NULL, \'http\', NULL, NULL, NULL, NULL, NULL, NULL, user_agent';
export const FULL_SELECT =
  'ts, client, service, method, route, path, query, status, latency_ms, bytes, req_bytes, request_id, trace_id, span_id, parent_id, kind, body_hash, req_hash, cache_control, etag, expires, last_modified, user_agent';
