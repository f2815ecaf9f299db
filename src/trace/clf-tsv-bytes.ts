import type { ClientSource } from '../core/client-identity.js';
import type { RouteTemplater } from '../core/route-template.js';

/**
 * The fast path of the parallel log import: one access-log line, as UTF-8 bytes, straight
 * to its compact TSV row (the bytes of `clfTsvRow(n, clfLineToRecord(line, …))`, see
 * tsv-row.ts), with no string or object per line. The general parser allocates a dozen
 * strings and two objects per line, and garbage collection was a quarter of the import.
 *
 * It handles the common shape only: `HOST IDENT USER [dd/Mon/yyyy:hh:mm:ss +zzzz] "METHOD
 * /path?query PROTO" STATUS BYTES ["REFERER" "UA"]` with a plain host, an origin-form target
 * and no backslash, tab or CR in the fields it copies. Anything else (an X-Forwarded-For list,
 * an absolute URL, escapes, a malformed line, `--client-from query:…`) returns -1, and the
 * caller takes the general path, which decides. So both paths give the same rows by
 * construction, and src/trace/clf-tsv-bytes.test.ts checks it line by line.
 * The input must be valid UTF-8 (the caller checks each chunk with `isUtf8`).
 */

const SP = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const TAB = 9;
const CR = 13;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_OF = new Map(MONTHS.map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i]));
/** Memoised paths before the memo starts over (as RouteTemplater's). */
const ROUTE_MEMO = 50_000;
const NULL_FIELD = [92, 78]; // \N

interface RouteEntry {
  key: Uint8Array;
  route: Uint8Array;
  next: RouteEntry | undefined;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Upper bound of the row length for a line of `n` bytes (a route template can be 4× its path: `/1` → `/{id}`). */
export function maxRowBytes(n: number): number {
  return 8 * n + 64;
}

export class ClfTsvEncoder {
  /** 0: client is the IP; 1: the user agent, else the IP; -1: not handled here (query parameter). */
  private readonly clientMode: number;
  private memo = new Map<number, RouteEntry>();
  private memoSize = 0;
  private lastDay = -1;
  private lastDayMs = 0;

  constructor(
    private readonly routes: RouteTemplater,
    client: ClientSource,
  ) {
    // Logs have no headers: header and JWT sources fall back to the IP (client-identity.ts).
    this.clientMode = client.kind === 'query' ? -1 : client.kind === 'ua' ? 1 : 0;
  }

  /**
   * Writes the TSV row of line `lineNo` (bytes [s, e) of `src`, without its line break) into
   * `out` at `o` and returns the new end, or -1 when the general path must take the line.
   * `out` must have at least `maxRowBytes(e - s)` bytes free after `o`.
   */
  encode(src: Uint8Array, s: number, e: number, lineNo: number, out: Uint8Array, o: number): number {
    if (this.clientMode < 0) return -1;
    // HOST: printable ASCII without the separators of an address list (clf-parse.ts).
    let i = s;
    for (; i < e; i++) {
      const c = src[i]!;
      if (c === SP) break;
      if (c < 33 || c > 126 || c === 44 || c === QUOTE) return -1;
    }
    const hostEnd = i;
    if (hostEnd === s || hostEnd + 1 >= e || src[hostEnd + 1] === 91) return -1;
    // IDENT and USER: the general parser anchors on the first " [", so none may come earlier.
    for (i = hostEnd + 1; i < e && src[i] !== SP; i++);
    if (i + 1 >= e || src[i + 1] === 91) return -1;
    for (i = i + 1; i < e && src[i] !== SP; i++);
    if (i + 1 >= e || src[i + 1] !== 91) return -1;
    // [dd/Mon/yyyy:hh:mm:ss +zzzz] or without the zone.
    const d = i + 2;
    let close: number;
    if (d + 26 < e && src[d + 26] === 93) close = d + 26;
    else if (d + 20 < e && src[d + 20] === 93) close = d + 20;
    else return -1;
    const ts = this.timestamp(src, d, close);
    if (Number.isNaN(ts)) return -1;
    if (close + 3 >= e || src[close + 1] !== SP || src[close + 2] !== QUOTE) return -1;
    // The request line ends at the first quote followed by " <digit>".
    const rs = close + 3;
    let a = -1;
    let b = -1;
    let end = -1;
    for (let j = rs; j < e; j++) {
      const c = src[j]!;
      if (c === QUOTE) {
        if (j + 2 < e && src[j + 1] === SP && isDigit(src[j + 2]!)) {
          end = j;
          break;
        }
      } else if (c === SP) {
        if (a < 0) a = j;
        b = j;
      } else if (c === BACKSLASH || c === TAB || c === CR) return -1;
    }
    if (end <= rs) return -1;
    let ts0 = rs;
    let te = end;
    if (a >= 0) {
      ts0 = a + 1;
      // "HTTP/" after the last space: that is the protocol, not part of the target.
      if (b > a && end - b > 5 && src[b + 1] === 72 && src[b + 2] === 84 && src[b + 3] === 84 && src[b + 4] === 80 && src[b + 5] === 47) te = b;
    }
    // Origin-form targets only; absolute URLs name a host and go the general way.
    if (te <= ts0 || src[ts0] !== 47) return -1;
    let fragment = te;
    let q = -1;
    let h = 0x811c9dc5;
    for (let j = ts0; j < te; j++) {
      const c = src[j]!;
      if (c === 35) {
        fragment = j;
        break;
      }
      if (c === 63 && q < 0) q = j;
      if (q < 0) h = Math.imul(h ^ c, 0x01000193);
    }
    const pathEnd = q < 0 ? fragment : q;
    // STATUS: at most three digits.
    let k = end + 2;
    let status = 0;
    for (; k < e && src[k] !== SP; k++) {
      const c = src[k]!;
      if (!isDigit(c) || k - end - 2 >= 3) return -1;
      status = status * 10 + c - 48;
    }
    // BYTES: digits or "-"; absent at the end of a Common Log Format line.
    let bytes = 0;
    let uaS = -1;
    let uaE = -1;
    if (k < e) {
      const bs = ++k;
      for (; k < e && src[k] !== SP; k++);
      if (!(k - bs === 1 && src[bs] === 45)) {
        if (k - bs > 15) return -1;
        for (let j = bs; j < k; j++) {
          const c = src[j]!;
          if (!isDigit(c)) return -1;
          bytes = bytes * 10 + c - 48;
        }
      }
      // "REFERER" (not stored) then "USER AGENT".
      i = k + 1;
      if (i < e) {
        if (src[i] !== QUOTE) return -1;
        let j = i + 1;
        for (; j < e && src[j] !== QUOTE; j++) if (src[j] === BACKSLASH) return -1;
        if (j >= e) return -1;
        i = j + 2;
        if (i < e) {
          if (src[i] !== QUOTE) return -1;
          // The longest field: found natively, checked for backslash, tab and CR as it is copied.
          j = src.indexOf(QUOTE, i + 1);
          if (j < 0 || j >= e) return -1;
          if (!(j - i === 2 && src[i + 1] === 45)) {
            uaS = i + 1;
            uaE = j;
          }
        }
      }
    }
    const route = this.route(src, ts0, pathEnd, h >>> 0);
    // line, ts, client, service (none without a URL host), method, route, path, query, status, bytes, user_agent
    o = writeInt(out, o, lineNo);
    out[o++] = TAB;
    o = writeInt(out, o, ts);
    out[o++] = TAB;
    o = this.clientMode === 1 && uaE > uaS ? copyChecked(src, uaS, uaE, out, o) : copy(src, s, hostEnd, out, o);
    if (o < 0) return -1;
    out[o++] = TAB;
    out[o++] = TAB;
    if (a >= 0) o = copy(src, rs, a, out, o);
    out[o++] = TAB;
    for (let j = 0; j < route.length; j++) out[o++] = route[j]!;
    out[o++] = TAB;
    o = copy(src, ts0, pathEnd, out, o);
    out[o++] = TAB;
    if (q >= 0) o = copy(src, q + 1, fragment, out, o);
    out[o++] = TAB;
    o = writeInt(out, o, status);
    out[o++] = TAB;
    o = writeInt(out, o, bytes);
    out[o++] = TAB;
    if (uaS >= 0) {
      o = copyChecked(src, uaS, uaE, out, o);
      if (o < 0) return -1;
    } else {
      out[o++] = NULL_FIELD[0]!;
      out[o++] = NULL_FIELD[1]!;
    }
    out[o++] = 10;
    return o;
  }

  /** Epoch ms of `dd/Mon/yyyy:hh:mm:ss[ ±hhmm]` at [d, close), as clf-parse.ts computes it; NaN when it is not that. */
  private timestamp(src: Uint8Array, d: number, close: number): number {
    const n2 = (x: number) => (isDigit(src[x]!) && isDigit(src[x + 1]!) ? (src[x]! - 48) * 10 + src[x + 1]! - 48 : NaN);
    if (src[d + 2] !== 47 || src[d + 6] !== 47 || src[d + 11] !== 58 || src[d + 14] !== 58 || src[d + 17] !== 58) return NaN;
    const day = n2(d);
    const year = n2(d + 7) * 100 + n2(d + 9);
    const mon = MONTH_OF.get((src[d + 3]! << 16) | (src[d + 4]! << 8) | src[d + 5]!);
    if (mon === undefined) return NaN;
    // Date.UTC is linear in hours, minutes and seconds, so one call per day suffices.
    const key = (year * 16 + mon) * 100 + day;
    if (key !== this.lastDay) {
      if (Number.isNaN(key)) return NaN;
      this.lastDay = key;
      this.lastDayMs = Date.UTC(year, mon, day);
    }
    let ts = this.lastDayMs + n2(d + 12) * 3_600_000 + n2(d + 15) * 60_000 + n2(d + 18) * 1000;
    if (close - d === 26) {
      const sign = src[d + 21];
      if (src[d + 20] !== SP || (sign !== 43 && sign !== 45)) return NaN;
      ts -= (sign === 45 ? -1 : 1) * (n2(d + 22) * 60 + n2(d + 24)) * 60_000;
    }
    return ts;
  }

  /** The route template of path bytes [s, e) with FNV-1a hash `h`, memoised by bytes. */
  private route(src: Uint8Array, s: number, e: number, h: number): Uint8Array {
    const first = this.memo.get(h);
    for (let x = first; x; x = x.next) {
      const key = x.key;
      if (key.length !== e - s) continue;
      let j = 0;
      while (j < key.length && key[j] === src[s + j]) j++;
      if (j === key.length) return x.route;
    }
    const path = Buffer.from(src.buffer, src.byteOffset + s, e - s).toString('utf8');
    const route = Buffer.from(this.routes.template(path), 'utf8');
    if (this.memoSize >= ROUTE_MEMO) {
      this.memo = new Map();
      this.memoSize = 0;
    }
    // A copy: a view would keep the whole input chunk alive.
    this.memo.set(h, { key: Uint8Array.prototype.slice.call(src, s, e), route, next: this.memo.get(h) });
    this.memoSize++;
    return route;
  }
}

function copy(src: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  for (let j = s; j < e; j++) out[o++] = src[j]!;
  return o;
}

/** `copy` for a field not scanned yet: -1 at a backslash (an escape the general parser undoes), tab or CR. */
function copyChecked(src: Uint8Array, s: number, e: number, out: Uint8Array, o: number): number {
  for (let j = s; j < e; j++) {
    const c = src[j]!;
    if (c === BACKSLASH || c === TAB || c === CR) return -1;
    out[o++] = c;
  }
  return o;
}

const scratch = new Uint8Array(16);

/** Decimal digits of an integer of magnitude below 1e15, as `String(v)` gives them (integer arithmetic on 31-bit halves). */
function writeInt(out: Uint8Array, o: number, v: number): number {
  if (v < 0) {
    out[o++] = 45;
    v = -v;
  }
  if (v < 0x80000000) return writeSmall(out, o, v);
  const hi = Math.floor(v / 1e9);
  o = writeSmall(out, o, hi);
  let lo = v - hi * 1e9;
  for (let k = o + 8; k >= o; k--) {
    const q = (lo / 10) | 0;
    out[k] = 48 + lo - q * 10;
    lo = q;
  }
  return o + 9;
}

function writeSmall(out: Uint8Array, o: number, v: number): number {
  let n = 0;
  do {
    const q = (v / 10) | 0;
    scratch[n++] = 48 + v - q * 10;
    v = q;
  } while (v > 0);
  while (n > 0) out[o++] = scratch[--n]!;
  return o;
}
