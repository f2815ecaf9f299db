import { resolveClient } from './client-identity.js';
import type { MapOptions } from './record-mapping.js';
import { sizeOrNull } from './record-mapping.js';
import { emptyRecord, splitTarget, type RecordKind, type TraceRecord } from './trace-record.js';

/**
 * Maps one OTLP/JSON `ResourceSpans` (opentelemetry-proto, trace/v1/trace.proto, JSON
 * encoding per the OTLP spec §"JSON Protobuf Encoding") to records: one per span.
 *
 * HTTP attributes are read under both the current semantic conventions
 * (`http.request.method`, `url.path`, `url.query`, `url.full`, `http.response.status_code`,
 * `http.route`, `server.address`) and the pre-1.20 names (`http.method`, `http.target`,
 * `http.url`, `http.status_code`, `net.peer.name`). Spans that are not HTTP calls
 * (a Redis `GetDriver`, a `SQL SELECT`) become records with an empty method and their
 * span name as route, so fan-out detection sees them too; their status is 500 when the
 * span status is ERROR and 200 otherwise (a stand-in: they have no HTTP status).
 *
 * The client of a span is resolved here only from `--client-from` (request-header
 * attributes `http.request.header.<name>`, the query, the user agent, `client.address`);
 * when none is found it is left empty and filled after import from the parent span's
 * service (the caller); `service` is the span's own service.name, and a client span's
 * service becomes its server child's after import (src/trace/span-fixup.ts).
 */
/** Prefix of a client that is only an address, to be replaced by the parent span's service. */
export const PROVISIONAL = '\u0000';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key?: string; value?: AnyValue };

function scalar(v: AnyValue | undefined): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (typeof v.doubleValue === 'number') return String(v.doubleValue);
  if (typeof v.boolValue === 'boolean') return String(v.boolValue);
  if (v.arrayValue && Array.isArray(v.arrayValue.values)) return scalar(v.arrayValue.values[0]);
  return undefined;
}

function attrMap(attrs: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (!Array.isArray(attrs)) return m;
  for (const kv of attrs as KeyValue[]) {
    if (kv && typeof kv.key === 'string') {
      const s = scalar(kv.value);
      if (s !== undefined) m.set(kv.key, s);
    }
  }
  return m;
}

const KINDS: Record<string, RecordKind> = {
  '1': 'internal', '2': 'server', '3': 'client', '4': 'producer', '5': 'consumer',
  SPAN_KIND_INTERNAL: 'internal', SPAN_KIND_SERVER: 'server', SPAN_KIND_CLIENT: 'client',
  SPAN_KIND_PRODUCER: 'producer', SPAN_KIND_CONSUMER: 'consumer',
};

/** Unix nanoseconds (string or number) to epoch milliseconds. */
function nanosToMs(v: unknown): number {
  if (typeof v === 'number') return v / 1e6;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    // Split to keep sub-millisecond digits exact before the float conversion.
    return v.length > 6 ? Number(v.slice(0, -6)) + Number(v.slice(-6)) / 1e6 : Number(v) / 1e6;
  }
  return NaN;
}

/**
 * @example
 * otlpResourceSpansToRecords(json.resourceSpans[0], { client: { kind: 'ip' }, routes: new RouteTemplater(), source: 'x.json' }, 0)
 */
export function otlpResourceSpansToRecords(rs: unknown, opts: MapOptions, index: number): { records: TraceRecord[]; bad: number } {
  const out: TraceRecord[] = [];
  let bad = 0;
  if (!rs || typeof rs !== 'object') return { records: out, bad: 1 };
  const r = rs as { resource?: { attributes?: unknown }; scopeSpans?: unknown; instrumentationLibrarySpans?: unknown };
  const res = attrMap(r.resource?.attributes);
  const serviceName = res.get('service.name') ?? '';
  const scopes = Array.isArray(r.scopeSpans) ? r.scopeSpans : Array.isArray(r.instrumentationLibrarySpans) ? r.instrumentationLibrarySpans : [];
  let n = 0;
  for (const sc of scopes as { spans?: unknown }[]) {
    const spans = Array.isArray(sc?.spans) ? sc.spans : [];
    for (const sp of spans as Record<string, unknown>[]) {
      const ref = `${opts.source}#${index}.${n++}`;
      const start = nanosToMs(sp?.startTimeUnixNano);
      if (!sp || typeof sp !== 'object' || !Number.isFinite(start)) {
        bad++;
        continue;
      }
      const end = nanosToMs(sp.endTimeUnixNano);
      const a = attrMap(sp.attributes);
      const rec = emptyRecord(ref);
      rec.ts = start;
      rec.latency_ms = Number.isFinite(end) && end >= start ? end - start : null;
      rec.kind = KINDS[String(sp.kind)] ?? 'internal';
      rec.trace_id = typeof sp.traceId === 'string' && sp.traceId ? sp.traceId : null;
      rec.span_id = typeof sp.spanId === 'string' && sp.spanId ? sp.spanId : null;
      rec.parent_id = typeof sp.parentSpanId === 'string' && sp.parentSpanId ? sp.parentSpanId : null;
      rec.request_id = rec.span_id;
      rec.service = serviceName;
      const method = a.get('http.request.method') ?? a.get('http.method');
      const statusText = a.get('http.response.status_code') ?? a.get('http.status_code');
      const full = a.get('url.full') ?? a.get('http.url');
      const target = a.get('http.target');
      let path = a.get('url.path');
      let query = a.get('url.query') ?? '';
      if (path === undefined && target !== undefined) ({ path, query } = splitTarget(target));
      if (path === undefined && full !== undefined) {
        const t = splitTarget(full);
        path = t.path;
        query = t.query;
      }
      const spanStatus = (sp.status as { code?: unknown } | undefined)?.code;
      const isError = spanStatus === 2 || spanStatus === 'STATUS_CODE_ERROR';
      if (method !== undefined || path !== undefined) {
        rec.method = (method ?? 'GET').toUpperCase();
        rec.path = path ?? '/';
        rec.query = query;
        rec.route = opts.routes.template(rec.path, a.get('http.route'));
        rec.status = statusText !== undefined && /^\d+$/.test(statusText) ? Number(statusText) : isError ? 0 : 200;
      } else {
        rec.route = typeof sp.name === 'string' ? sp.name : '';
        rec.status = isError ? 500 : 200;
      }
      rec.bytes = sizeOrNull(a.get('http.response.body.size') ?? a.get('http.response_content_length'));
      rec.req_bytes = sizeOrNull(a.get('http.request.body.size') ?? a.get('http.request_content_length'));
      rec.user_agent = a.get('user_agent.original') ?? a.get('http.user_agent') ?? null;
      const ip = a.get('client.address') ?? a.get('http.client_ip') ?? a.get('net.sock.peer.addr') ?? null;
      if (opts.client.kind === 'ip') {
        // The caller is better known from the span tree than from a (usually internal)
        // address: mark the address as a fallback for src/trace/span-fixup.ts.
        rec.client = ip ? PROVISIONAL + ip : '';
      } else {
        rec.client = resolveClient(opts.client, {
          ip,
          userAgent: rec.user_agent,
          query: rec.query,
          header: (h) => a.get(`http.request.header.${h}`),
        });
        if (rec.client === 'unknown') rec.client = '';
      }
      out.push(rec);
    }
  }
  return { records: out, bad };
}
