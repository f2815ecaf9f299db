import { resolveClient } from './client-identity.js';
import { headerLookup, sizeOrNull, type MapOptions } from './record-mapping.js';
import { emptyRecord, splitTarget, type TraceRecord } from './trace-record.js';

type HarHeader = { name?: unknown; value?: unknown };
type HarEntry = {
  pageref?: unknown;
  startedDateTime?: unknown;
  time?: unknown;
  request?: { method?: unknown; url?: unknown; headers?: HarHeader[]; bodySize?: unknown; postData?: { text?: unknown } };
  response?: { status?: unknown; headers?: HarHeader[]; bodySize?: unknown; content?: { size?: unknown } };
};

/**
 * Maps one HAR 1.2 entry (http://www.softwareishard.com/blog/har-12-spec/#entries) to a
 * record, or null when it lacks a start time, method or URL. The page (`pageref`) becomes
 * the trace and parent id: the requests of one page load are one fan-out. A response
 * status of 0 (no response: blocked, aborted) stays 0.
 *
 * @example
 * harEntryToRecord(har.log.entries[0], { client: { kind: 'ua' }, routes: new RouteTemplater(), source: 'a.har' }, 0)
 */
export function harEntryToRecord(entry: unknown, opts: MapOptions, index: number): TraceRecord | null {
  if (!entry || typeof entry !== 'object') return null;
  const e = entry as HarEntry;
  const ts = typeof e.startedDateTime === 'string' ? Date.parse(e.startedDateTime) : NaN;
  const req = e.request;
  if (!Number.isFinite(ts) || !req || typeof req.method !== 'string' || typeof req.url !== 'string') return null;
  const rec = emptyRecord(`${opts.source}#${index}`);
  rec.ts = ts;
  rec.method = req.method.toUpperCase();
  const t = splitTarget(req.url);
  rec.path = t.path || '/';
  rec.query = t.query;
  rec.service = t.host;
  rec.route = opts.routes.template(rec.path);
  const status = Number(e.response?.status);
  rec.status = Number.isInteger(status) && status >= 0 && status <= 999 ? status : 0;
  const time = Number(e.time);
  rec.latency_ms = Number.isFinite(time) && time >= 0 ? time : null;
  rec.bytes = sizeOrNull(e.response?.content?.size) ?? sizeOrNull(e.response?.bodySize);
  rec.req_bytes = sizeOrNull(req.bodySize);
  const reqH = headerLookup(req.headers);
  const resH = headerLookup(e.response?.headers);
  rec.user_agent = reqH('user-agent') ?? null;
  rec.cache_control = resH('cache-control') ?? null;
  rec.etag = resH('etag') ?? null;
  rec.expires = resH('expires') ?? null;
  rec.last_modified = resH('last-modified') ?? null;
  rec.request_id = reqH('x-request-id') ?? null;
  if (typeof e.pageref === 'string' && e.pageref) {
    rec.trace_id = e.pageref;
    rec.parent_id = e.pageref;
  }
  rec.client = resolveClient(opts.client, { ip: null, userAgent: rec.user_agent, query: rec.query, header: reqH });
  return rec;
}
