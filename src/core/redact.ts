/**
 * Removes secrets from what headroom stores or shows: credentials in URLs and the values
 * of sensitive headers, flags and fields (Authorization, Cookie, tokens, keys, passwords).
 * Applied before a run's configuration reaches the store, a report or the API.
 */

const SENSITIVE_KEY = /(authorization|cookie|token|secret|password|passwd|api[-_]?key|credential|private)/i;

export const REDACTED = '[redacted]';

/**
 * A URL without its user info; text that is not a URL is returned unchanged.
 *
 * @example
 * redactUrl('http://u:pw@127.0.0.1:8080/x') // 'http://127.0.0.1:8080/x'
 */
export function redactUrl(text: string): string {
  try {
    const u = new URL(text);
    if (!u.username && !u.password) return text;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return text;
  }
}

/**
 * A deep copy of `value` with sensitive fields replaced by `[redacted]`, URLs stripped of
 * credentials, and `Name: value` header strings with a sensitive name redacted.
 *
 * @example
 * redactConfig({ headers: ['Authorization: Bearer x'], url: 'http://a:b@h/' })
 * // { headers: ['Authorization: [redacted]'], url: 'http://h/' }
 */
export function redactConfig<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(v: unknown, key: string | undefined): unknown {
  if (key !== undefined && SENSITIVE_KEY.test(key) && v !== null && typeof v !== 'object') return REDACTED;
  if (typeof v === 'string') {
    const header = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(v);
    if (header && SENSITIVE_KEY.test(header[1]!)) return `${header[1]}: ${REDACTED}`;
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? redactUrl(v) : v;
  }
  if (Array.isArray(v)) return v.map((x) => walk(x, undefined));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, k);
    return out;
  }
  return v;
}

const HEADER_FLAGS = new Set(['-H', '--header']);

/**
 * A command line fit to store or show: header values with sensitive names redacted
 * (`-H 'Authorization: …'`, `--header=Cookie: …`), bodies replaced by their size,
 * URLs without credentials.
 *
 * @example
 * redactArgv(['http://127.0.0.1/', '-H', 'Authorization: Bearer x']) // ['http://127.0.0.1/', '-H', 'Authorization: [redacted]']
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = /^(--header|--body)=(.*)$/s.exec(a);
    if (eq) {
      out.push(`${eq[1]}=${eq[1] === '--body' ? `[${eq[2]!.length} chars]` : (walk(eq[2], undefined) as string)}`);
    } else if (a === '--body' && i + 1 < argv.length) {
      out.push(a, `[${argv[++i]!.length} chars]`);
    } else if (HEADER_FLAGS.has(a) && i + 1 < argv.length) {
      out.push(a, walk(argv[++i]!, undefined) as string);
    } else {
      out.push(walk(a, undefined) as string);
    }
  }
  return out;
}
