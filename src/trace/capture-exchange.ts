import { createHash, type Hash } from 'node:crypto';
import { resolveClient, type ClientSource } from '../core/client-identity.js';
import type { RouteTemplater } from '../core/route-template.js';
import { emptyRecord, splitTarget, type TraceRecord } from '../core/trace-record.js';
import type { RequestHead } from './request-head.js';

/**
 * One request/response exchange through the capture proxy. Every exchange carries only
 * what forwarding needs (its method, for HEAD); a sampled one also hashes the request body,
 * keeps the response head (for the cache fields) and hashes the response body, as the bytes
 * stream past, and finally becomes a {@link TraceRecord}. Unsampled exchanges cost nothing
 * per byte.
 *
 * @example
 * const x = new Exchange(head, true, performance.now(), Date.now());
 * x.requestBody(bytes, 0, bytes.length);
 * x.responseBytes(resp, 0, resp.length);
 */
export class Exchange {
  readonly isHead: boolean;
  /** Response bytes seen so far (head and body). */
  resBytes = 0;
  reqBytes = 0;
  private reqHash: Hash | null = null;
  private resHead: Buffer | null = null;
  private bodyHash: Hash | null = null;
  private fields: Map<string, string> | null = null;
  /** Bytes after the final response head. */
  private bodyBytes = 0;

  constructor(
    readonly head: RequestHead,
    readonly sampled: boolean,
    readonly t0: number,
    readonly ts: number,
  ) {
    this.isHead = head.method === 'HEAD';
    if (sampled && head.method !== 'GET' && head.method !== 'HEAD') this.reqHash = createHash('sha1');
  }

  requestBody(buf: Uint8Array, start: number, end: number): void {
    this.reqBytes += end - start;
    this.reqHash?.update(buf.subarray(start, end));
  }

  responseBytes(buf: Buffer, start: number, end: number): void {
    this.resBytes += end - start;
    if (!this.sampled) return;
    if (this.fields !== null) {
      this.bodyBytes += end - start;
      this.bodyHash!.update(buf.subarray(start, end));
      return;
    }
    if (this.resHead === null) {
      // The common case: the whole final head is in this chunk, read in place (no copy).
      const at = buf.indexOf(HEAD_END, start);
      if (at >= 0 && at + 4 <= end && this.finalHead(buf.toString('latin1', start, at), buf.subarray(at + 4, end))) return;
    }
    // Until the final response head is complete, keep its bytes (a copy: buffers are reused).
    this.resHead = this.resHead === null ? Buffer.from(buf.subarray(start, end)) : Buffer.concat([this.resHead, buf.subarray(start, end)]);
    for (;;) {
      const at = this.resHead.indexOf(HEAD_END);
      if (at < 0) return;
      const rest = this.resHead.subarray(at + 4);
      if (this.finalHead(this.resHead.toString('latin1', 0, at), rest)) return;
      this.resHead = Buffer.from(rest);
    }
  }

  /**
   * Takes a complete response head and the bytes after it: true when it is the final head
   * (its fields are read, the body hash starts), false for a 1xx interim one to skip.
   */
  private finalHead(text: string, rest: Buffer): boolean {
    // 1xx interim responses (100 Continue) precede the final one (RFC 9110 §15.2).
    if (/^HTTP\/1\.\d 1\d\d/.test(text)) return false;
    this.fields = responseFields(text);
    this.bodyHash = createHash('sha1');
    this.bodyHash.update(rest);
    this.bodyBytes = rest.length;
    this.resHead = null;
    return true;
  }

  /** The record of a sampled exchange; `status` 0 when there was no response. */
  toRecord(ref: string, status: number, latencyMs: number, remote: string, service: string, client: ClientSource, routes: RouteTemplater): TraceRecord {
    const h = this.head;
    const r = emptyRecord(ref);
    const { path, query } = splitTarget(h.target);
    const field = (n: string) => h.fields.get(n);
    r.ts = this.ts;
    r.method = h.method;
    r.path = path;
    r.query = query;
    r.route = routes.template(path);
    r.service = service;
    r.status = status;
    r.latency_ms = latencyMs;
    r.req_bytes = this.reqBytes;
    r.user_agent = field('user-agent') ?? null;
    r.request_id = field('x-request-id') ?? null;
    // W3C Trace Context: traceparent = version-traceid-parentid-flags.
    const tp = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(field('traceparent') ?? '');
    if (tp) {
      r.trace_id = tp[1]!;
      r.parent_id = tp[2]!;
    }
    r.req_hash = this.reqHash ? this.reqHash.digest('hex').slice(0, 16) : null;
    if (this.fields !== null && status !== 0) {
      // Body bytes as sent: for chunked responses this includes the chunk framing.
      r.bytes = this.bodyBytes;
      r.body_hash = this.bodyHash!.digest('hex').slice(0, 16);
      r.cache_control = this.fields.get('cache-control') ?? null;
      r.etag = this.fields.get('etag') ?? null;
      r.expires = this.fields.get('expires') ?? null;
      r.last_modified = this.fields.get('last-modified') ?? null;
    }
    r.client = resolveClient(client, { ip: remote.replace(/^::ffff:/, ''), userAgent: r.user_agent, query, header: field });
    return r;
  }
}

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const WANTED = new Set(['cache-control', 'etag', 'expires', 'last-modified']);

function responseFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const c = line.indexOf(':');
    if (c <= 0) continue;
    const name = line.slice(0, c).trim().toLowerCase();
    if (WANTED.has(name) && !m.has(name)) m.set(name, line.slice(c + 1).trim());
  }
  return m;
}
