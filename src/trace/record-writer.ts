import type { DuckDBAppender } from '@duckdb/node-api';
import type { TraceRecord } from '../core/trace-record.js';
import type { TraceDb } from './db.js';

/**
 * Appends records to `trace_requests` through DuckDB's appender (the bulk path of the
 * C API: no SQL parsing per row). Column order follows src/trace/schema.ts.
 */
export class RecordWriter {
  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly importId: number,
    private nextId: number,
  ) {}

  static async open(db: TraceDb, importId: number): Promise<RecordWriter> {
    const [row] = await db.all<{ n: number | null }>('SELECT max(id) AS n FROM trace_requests');
    const appender = await db.conn.createAppender('trace_requests');
    return new RecordWriter(appender, importId, (row?.n ?? 0) + 1);
  }

  get written(): number {
    return this.nextId;
  }

  write(r: TraceRecord, counted = true): void {
    const a = this.appender;
    a.appendInteger(this.importId);
    a.appendBigInt(BigInt(this.nextId++));
    a.appendDouble(r.ts);
    a.appendVarchar(r.client);
    a.appendVarchar(r.service);
    a.appendVarchar(r.method);
    a.appendVarchar(r.route);
    a.appendVarchar(r.path);
    a.appendVarchar(r.query);
    a.appendSmallInt(r.status);
    optDouble(a, r.latency_ms);
    optBig(a, r.bytes);
    optBig(a, r.req_bytes);
    optStr(a, r.request_id);
    optStr(a, r.trace_id);
    optStr(a, r.span_id);
    optStr(a, r.parent_id);
    a.appendVarchar(r.kind);
    optStr(a, r.body_hash);
    optStr(a, r.req_hash);
    optStr(a, r.cache_control);
    optStr(a, r.etag);
    optStr(a, r.expires);
    optStr(a, r.last_modified);
    optStr(a, r.user_agent);
    a.appendVarchar(r.ref);
    a.appendBoolean(counted);
    a.endRow();
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }
}

function optStr(a: DuckDBAppender, v: string | null): void {
  if (v === null) a.appendNull();
  else a.appendVarchar(v);
}
function optDouble(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendDouble(v);
}
function optBig(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendBigInt(BigInt(Math.round(v)));
}
