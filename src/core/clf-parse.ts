/**
 * A tolerant parser for the NCSA Common and Combined Log Formats (Apache `%h %l %u %t
 * \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"`, nginx `combined`), including the
 * variants real servers write: an X-Forwarded-For list (optionally quoted) before the
 * address, IPv6, an empty request line, `-` for zero bytes, and extra trailing fields.
 * See https://httpd.apache.org/docs/2.4/logs.html#combined.
 *
 * Returns null for a line it cannot read; the importer counts and samples those.
 */
export interface ClfLine {
  /** The address list as written, e.g. `10.0.0.2, 10.0.0.1, 127.0.0.1`. */
  remote: string[];
  /** The originating client: the first public address of the list, else the first. */
  ip: string;
  user: string;
  ts: number;
  method: string;
  target: string;
  protocol: string;
  status: number;
  /** Response bytes; null for `-`. */
  bytes: number | null;
  referer: string | null;
  userAgent: string | null;
}

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const DATE = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s+([+-])(\d{2})(\d{2}))?$/;

let lastDate = '';
let lastTs = NaN;

/** `10/Oct/2000:13:55:36 -0700` → epoch ms, NaN when malformed. */
export function parseClfDate(s: string): number {
  if (s === lastDate) return lastTs;
  return parseDateUncached(s);
}

function parseDateUncached(s: string): number {
  const m = DATE.exec(s);
  let ts = NaN;
  if (m) {
    const mon = MONTHS[m[2]!];
    if (mon !== undefined) {
      ts = Date.UTC(+m[3]!, mon, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
      if (m[7]) ts -= (m[7] === '-' ? -1 : 1) * (+m[8]! * 60 + +m[9]!) * 60_000;
    }
  }
  lastDate = s;
  lastTs = ts;
  return ts;
}

/** True for loopback, RFC 1918, link-local and unique-local addresses. */
export function isPrivateIp(ip: string): boolean {
  if (ip.includes(':')) {
    const l = ip.toLowerCase();
    return l === '::1' || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('fe80');
  }
  const p = ip.split('.').map(Number);
  if (p.length !== 4) return false;
  const [a, b] = p as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** Reads a quoted field starting at `i` (on the opening quote); returns [value, index after closing quote] or null. */
function quoted(line: string, i: number): [string, number] | null {
  if (line.charCodeAt(i) !== 34) return null;
  let j = i + 1;
  let escaped = false;
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 92) {
      escaped = true;
      j++;
      continue;
    }
    if (c === 34) break;
  }
  if (j >= line.length) return null;
  const raw = line.slice(i + 1, j);
  return [escaped ? raw.replace(/\\(.)/g, '$1') : raw, j + 1];
}

/**
 * @example
 * parseClfLine('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326')?.status // 200
 */
export function parseClfLine(line: string): ClfLine | null {
  // The timestamp is the anchor: everything before it is "host ident user".
  const open = line.indexOf(' [');
  if (open <= 0) return null;
  const close = line.indexOf(']', open);
  if (close < 0) return null;
  // Consecutive lines mostly share a second: compare in place before slicing.
  const ts =
    close - open - 2 === lastDate.length && line.startsWith(lastDate, open + 2) ? lastTs : parseDateUncached(line.slice(open + 2, close));
  if (Number.isNaN(ts)) return null;
  const head = line.slice(0, open);
  const sp2 = head.lastIndexOf(' ');
  const sp1 = sp2 > 0 ? head.lastIndexOf(' ', sp2 - 1) : -1;
  if (sp1 <= 0) return null;
  const user = head.slice(sp2 + 1);
  const hostPart = head.slice(0, sp1);
  let remote: string[];
  let ip: string;
  if (/^[^\s,"]+$/.test(hostPart)) {
    remote = [hostPart];
    ip = hostPart;
  } else {
    remote = hostPart.split(/[\s,"]+/).filter((s) => s.length > 0 && s !== '-');
    if (remote.length === 0) return null;
    ip = remote.find((r) => !isPrivateIp(r)) ?? remote[0]!;
  }
  let i = close + 1;
  if (line.charCodeAt(i) !== 32) return null;
  i++;
  // The request line, whose closing quote is the one followed by " <status>".
  if (line.charCodeAt(i) !== 34) return null;
  let end = -1;
  for (let j = i + 1; j < line.length; j++) {
    if (line.charCodeAt(j) === 34 && line.charCodeAt(j - 1) !== 92 && line.charCodeAt(j + 1) === 32) {
      const d = line.charCodeAt(j + 2);
      if (d >= 48 && d <= 57) {
        end = j;
        break;
      }
    }
  }
  if (end < 0) return null;
  const request = line.slice(i + 1, end);
  let method = '';
  let target = '';
  let protocol = '';
  if (request.length > 0) {
    const a = request.indexOf(' ');
    const b = request.lastIndexOf(' ');
    if (a < 0) target = request;
    else {
      method = request.slice(0, a);
      if (b > a && request.startsWith('HTTP/', b + 1)) {
        target = request.slice(a + 1, b);
        protocol = request.slice(b + 1);
      } else target = request.slice(a + 1);
    }
  }
  i = end + 2;
  let sp = line.indexOf(' ', i);
  if (sp < 0) sp = line.length;
  const status = Number(line.slice(i, sp));
  if (!Number.isInteger(status) || status < 0 || status > 999) return null;
  i = sp + 1;
  sp = line.indexOf(' ', i);
  if (sp < 0) sp = line.length;
  const bytesText = line.slice(i, sp);
  let bytes: number | null = null;
  if (bytesText !== '-' && bytesText !== '') {
    bytes = Number(bytesText);
    if (!Number.isInteger(bytes) || bytes < 0) return null;
  }
  let referer: string | null = null;
  let userAgent: string | null = null;
  i = sp + 1;
  if (i < line.length) {
    const r = quoted(line, i);
    if (!r) return null;
    referer = r[0] === '-' ? null : r[0];
    i = r[1] + 1;
    if (i < line.length) {
      const u = quoted(line, i);
      if (!u) return null;
      userAgent = u[0] === '-' ? null : u[0];
    }
  }
  return { remote, ip, user, ts, method, target, protocol, status, bytes, referer, userAgent };
}
