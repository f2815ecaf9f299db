import { invalidInput } from './errors.js';

/**
 * Turns raw request paths into route templates so that `/users/42/friends` and
 * `/users/43/friends` count as one endpoint, `/users/{id}/friends`.
 *
 * Order of precedence: an OTel `http.route` given by the source; then the user's patterns
 * (`--route '/users/{id}/friends'`, first match wins); then per-segment rules: numeric →
 * `{id}`, UUID → `{uuid}`, hex of 8+ digits → `{hex}`, token-like (16+ URL-safe characters
 * mixing letters and digits) → `{token}`. Query strings are never part of a template.
 */

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}$/i;
const TOKEN = /^(?=[A-Za-z0-9_~.=-]*\d)(?=[A-Za-z0-9_~.=-]*[A-Za-z])[A-Za-z0-9_~=-]{16,}$/;

/** Template for one path segment, or the segment itself when it looks like a name. */
export function templateSegment(seg: string): string {
  if (seg.length === 0) return seg;
  if (NUMERIC.test(seg)) return '{id}';
  if (seg.length === 36 && UUID.test(seg)) return '{uuid}';
  if (HEX.test(seg)) return '{hex}';
  if (seg.length >= 16 && TOKEN.test(seg)) return '{token}';
  return seg;
}

interface CompiledPattern {
  template: string;
  /** null for a parameter segment, the literal otherwise. */
  parts: (string | null)[];
  /** True when the pattern ends in `{rest*}` or `*` and matches any deeper path. */
  prefix: boolean;
}

/**
 * Parses a user route pattern: literal segments and `{name}` parameters; a last segment
 * `{name*}` or `*` matches the rest of the path.
 *
 * @example
 * compileRoutePattern('/users/{id}/friends')
 */
export function compileRoutePattern(pattern: string): CompiledPattern {
  if (!pattern.startsWith('/')) {
    throw invalidInput('HR_E_BAD_ROUTE', `--route: expected a pattern starting with "/" such as /users/{id}/friends, got "${pattern}"`);
  }
  const segs = pattern.split('/').slice(1);
  let prefix = false;
  const parts: (string | null)[] = [];
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (last && (s === '*' || /^\{[^{}/]+\*\}$/.test(s))) {
      prefix = true;
      return;
    }
    if (/^\{[^{}/*]+\}$/.test(s)) parts.push(null);
    else if (/[{}*]/.test(s)) {
      throw invalidInput('HR_E_BAD_ROUTE', `--route: segment "${s}" of "${pattern}" must be a literal or a whole {name}`);
    } else parts.push(s);
  });
  return { template: pattern, parts, prefix };
}

/** Maps raw paths to templates, with the user's patterns and a bounded memo of recent paths. */
export class RouteTemplater {
  private readonly patterns: CompiledPattern[];
  private memo = new Map<string, string>();
  constructor(
    /** The user's patterns as given, so that worker threads can rebuild the templater. */
    readonly sources: readonly string[] = [],
    private readonly memoSize = 50_000,
  ) {
    this.patterns = sources.map(compileRoutePattern);
  }

  /**
   * @example
   * new RouteTemplater(['/users/{id}/friends']).template('/users/ab12/friends') // '/users/{id}/friends'
   */
  template(path: string, otelRoute?: string | null): string {
    if (otelRoute) return otelRoute;
    const hit = this.memo.get(path);
    if (hit !== undefined) return hit;
    const t = this.compute(path);
    if (this.memo.size >= this.memoSize) this.memo = new Map();
    this.memo.set(path, t);
    return t;
  }

  private compute(path: string): string {
    const segs = path.split('/');
    for (const p of this.patterns) {
      const rest = segs.slice(1);
      if (rest.length < p.parts.length || (!p.prefix && rest.length !== p.parts.length)) continue;
      if (p.parts.every((lit, i) => lit === null || lit === rest[i])) return p.template;
    }
    let out = '';
    for (let i = 0; i < segs.length; i++) {
      if (i > 0) out += '/';
      out += templateSegment(segs[i]!);
    }
    return out;
  }
}
