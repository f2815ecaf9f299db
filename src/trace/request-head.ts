/**
 * The request head (RFC 9112 §3 request line, §5 fields) as the capture proxy needs it:
 * found incrementally by scanning bytes for the empty line, then parsed once. It keeps the
 * method, target and raw field lines, and the framing fields (Content-Length,
 * Transfer-Encoding, Connection, Expect) that say where the request ends (§6.3). The bytes
 * themselves are forwarded unchanged by the proxy; this only reads them.
 *
 * @example
 * const h = new RequestHeadReader();
 * const end = h.push(Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\n')); // 28
 * h.head?.target; // '/a'
 */

export interface RequestHead {
  method: string;
  target: string;
  /** HTTP/1.minor. */
  minor: number;
  /** Lower-cased field name → value (repeated fields joined with ", "). */
  fields: Map<string, string>;
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  /** The client asked to close after this request (or spoke HTTP/1.0 without keep-alive). */
  close: boolean;
}

/** Largest head accepted (the same bound as the load engine's response parser). */
export const MAX_HEAD_BYTES = 64 * 1024;
const LF = 10;
const CR = 13;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Accumulates bytes until the end of a request head, in chunks split anywhere. Never throws:
 * malformed input sets `error`.
 */
export class RequestHeadReader {
  private parts: Buffer[] = [];
  private held = 0;
  /** Newline-run state across chunk boundaries: 0 none, 1 after LF, 2 after LF CR. */
  private nl = 0;
  head: RequestHead | null = null;
  error: string | null = null;

  /** True when nothing of a head is buffered. */
  get idle(): boolean {
    return this.held === 0;
  }

  /** Starts reading the next head. */
  reset(): void {
    this.parts = [];
    this.held = 0;
    this.nl = 0;
    this.head = null;
  }

  /**
   * Reads `buf[start, end)`. Returns the offset just past the head once it is complete (then
   * `head` is set), -1 when more bytes are needed, -2 on malformed input (`error` says why).
   */
  push(buf: Uint8Array, start = 0, end = buf.length): number {
    if (this.error !== null) return -2;
    let i = start;
    // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
    if (this.held === 0) while (i < end && (buf[i] === CR || buf[i] === LF)) i++;
    const from = i;
    let nl = this.nl;
    let done = -1;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b === LF) {
        if (nl !== 0) {
          done = i + 1;
          break;
        }
        nl = 1;
      } else if (b === CR) {
        if (nl === 1) nl = 2;
      } else nl = 0;
    }
    this.nl = nl;
    const stop = done < 0 ? end : done;
    if (stop > from) {
      this.parts.push(Buffer.from(buf.buffer, buf.byteOffset + from, stop - from));
      this.held += stop - from;
    }
    if (this.held > MAX_HEAD_BYTES) return this.fail('request head too large');
    if (done < 0) {
      // Keep our own copy: the caller's buffer may be reused.
      if (this.parts.length > 0) this.parts = [Buffer.concat(this.parts)];
      return -1;
    }
    const text = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString('latin1');
    const head = parseHead(text);
    if (typeof head === 'string') return this.fail(head);
    this.parts = [];
    this.held = 0;
    this.nl = 0;
    this.head = head;
    return done;
  }

  private fail(why: string): number {
    this.error = why;
    return -2;
  }
}

/** Parses a complete head (request line and fields, ending with the empty line). Returns the reason on malformed input. */
export function parseHead(text: string): RequestHead | string {
  const lines = text.split('\n');
  const line = lines[0]!.endsWith('\r') ? lines[0]!.slice(0, -1) : lines[0]!;
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) return 'malformed request line';
  const method = line.slice(0, sp1);
  const target = line.slice(sp1 + 1, sp2);
  const version = line.slice(sp2 + 1);
  if (!TOKEN.test(method)) return 'malformed method';
  if (target.length === 0 || /[\s]/.test(target)) return 'malformed request target';
  if (version.length !== 8 || !version.startsWith('HTTP/1.')) return 'unsupported HTTP version';
  const minor = version.charCodeAt(7) - 48;
  if (minor < 0 || minor > 9) return 'unsupported HTTP version';
  const fields = new Map<string, string>();
  let contentLength = -1;
  for (let k = 1; k < lines.length; k++) {
    let l = lines[k]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    if (l.length === 0) continue;
    const c = l.indexOf(':');
    if (c <= 0) return 'header line without a name and colon';
    const name = l.slice(0, c).toLowerCase();
    if (!TOKEN.test(name)) return 'malformed header name';
    const value = l.slice(c + 1).trim();
    if (name === 'content-length') {
      // RFC 9112 §6.3: a repeated or non-numeric Content-Length is unrecoverable.
      if (contentLength >= 0 || !/^\d{1,15}$/.test(value)) return 'malformed or repeated Content-Length';
      contentLength = Number(value);
    }
    const prev = fields.get(name);
    fields.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  const te = fields.get('transfer-encoding');
  let chunked = false;
  if (te !== undefined) {
    // §6.3: chunked must be the final coding of a request, else the length is unknowable.
    if (!/(^|,)\s*chunked$/i.test(te)) return 'Transfer-Encoding without chunked last';
    chunked = true;
    contentLength = -1;
  }
  const conn = (fields.get('connection') ?? '').toLowerCase();
  const close = /(^|,)\s*close\s*(,|$)/.test(conn) || (minor === 0 && !/(^|,)\s*keep-alive\s*(,|$)/.test(conn));
  return { method, target, minor, fields, contentLength, chunked, close };
}
