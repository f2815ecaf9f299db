import { invalidInput } from './errors.js';

/**
 * Who sent a request, per `--client-from`: a request header, a query parameter, a claim
 * of the bearer JWT, the user agent, or the client IP (the default).
 *
 * JWTs are decoded without verifying the signature (RFC 7519 §7.2 steps 1–7 without the
 * JWS check): we only attribute load, we never trust the claim for access. The token itself
 * is never returned, stored or printed; only the one claim asked for is.
 */
export type ClientSource =
  | { kind: 'header'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'jwt'; claim: string; header: string }
  | { kind: 'ua' }
  | { kind: 'ip' };

/** What an importer knows about a request, enough to resolve its client. */
export interface ClientContext {
  ip?: string | null;
  userAgent?: string | null;
  /** Raw query string without `?`. */
  query?: string;
  /** Header lookup by lower-case name; undefined when the source has no headers. */
  header?: (name: string) => string | undefined;
}

/**
 * Parses `header:x-client-id`, `query:app`, `jwt:sub` (from Authorization), `jwt:sub@x-token`
 * (from another header), `ua` or `ip`.
 *
 * @example
 * parseClientSource('header:x-client-id') // { kind: 'header', name: 'x-client-id' }
 */
export function parseClientSource(spec: string): ClientSource {
  const m = /^(header|query|jwt):([^\s@]+)(?:@([A-Za-z0-9-]+))?$/.exec(spec.trim());
  if (spec === 'ua') return { kind: 'ua' };
  if (spec === 'ip') return { kind: 'ip' };
  if (m && m[1] === 'header' && !m[3]) return { kind: 'header', name: m[2]!.toLowerCase() };
  if (m && m[1] === 'query' && !m[3]) return { kind: 'query', name: m[2]! };
  if (m && m[1] === 'jwt') return { kind: 'jwt', claim: m[2]!, header: (m[3] ?? 'authorization').toLowerCase() };
  throw invalidInput(
    'HR_E_BAD_CLIENT_FROM',
    `--client-from: expected header:NAME, query:NAME, jwt:CLAIM, ua or ip, got "${spec}"`,
  );
}

/** Value of a query parameter (first occurrence), decoded; undefined when absent. */
export function queryParam(query: string, name: string): string | undefined {
  if (!query) return undefined;
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? pair : pair.slice(0, eq);
    if (safeDecode(k) === name) return eq < 0 ? '' : safeDecode(pair.slice(eq + 1).replace(/\+/g, ' '));
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Reads one claim of a JWT without verifying it; undefined for anything that is not a
 * well-formed JWS compact serialisation with a JSON payload. Non-string claims are
 * rendered as JSON.
 *
 * @example
 * jwtClaim('Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJnYW1lLTQyIn0.', 'sub') // 'game-42'
 */
export function jwtClaim(value: string, claim: string): string | undefined {
  const token = value.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    const v = (payload as Record<string, unknown>)[claim];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/**
 * The client of one request; falls back to the IP, then the user agent, then `unknown`, when the chosen
 * source is missing from the request.
 *
 * @example
 * resolveClient({ kind: 'query', name: 'app' }, { query: 'app=web&x=1', ip: '10.0.0.1' }) // 'web'
 */
export function resolveClient(src: ClientSource, ctx: ClientContext): string {
  let v: string | undefined;
  switch (src.kind) {
    case 'header':
      v = ctx.header?.(src.name);
      break;
    case 'query':
      v = queryParam(ctx.query ?? '', src.name);
      break;
    case 'jwt': {
      const h = ctx.header?.(src.header);
      v = h === undefined ? undefined : jwtClaim(h, src.claim);
      break;
    }
    case 'ua':
      v = ctx.userAgent ?? undefined;
      break;
    case 'ip':
      break;
  }
  if (v) return v;
  return ctx.ip || ctx.userAgent || 'unknown';
}
