import { invalidInput } from '../core/errors.js';
import { RUN_KINDS, RUN_STATUSES, type RunFilter, type RunKind, type RunStatus } from '../store/types.js';

/** A user's value in an error message: quoted, escaped (no line breaks), cut short. */
const shown = (v: string, max: number) => JSON.stringify(v.slice(0, max));

const KNOWN = new Set(['kind', 'status', 'target', 'since', 'until', 'label', 'limit']);

function time(name: string, v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) {
    throw invalidInput('HR_E_BAD_QUERY', `${name}: expected an ISO date or epoch milliseconds, got ${shown(v, 60)}`);
  }
  return n;
}

/**
 * The filters of `GET /api/runs`, validated: unknown parameters are errors, as unknown
 * flags are on the command line.
 *
 * @example
 * parseRunFilter(new URLSearchParams('kind=squeeze&since=2026-11-01&label=service=checkout'))
 */
export function parseRunFilter(q: URLSearchParams): RunFilter {
  for (const key of q.keys()) {
    if (!KNOWN.has(key)) throw invalidInput('HR_E_BAD_QUERY', `${shown(key, 40)}: unknown query parameter; expected one of ${[...KNOWN].join(', ')}`);
  }
  const f: RunFilter = {};
  const kind = q.get('kind');
  if (kind !== null) {
    if (!RUN_KINDS.includes(kind as RunKind)) throw invalidInput('HR_E_BAD_QUERY', `kind: expected one of ${RUN_KINDS.join(', ')}, got ${shown(kind, 40)}`);
    f.kind = kind as RunKind;
  }
  const status = q.get('status');
  if (status !== null) {
    if (!RUN_STATUSES.includes(status as RunStatus)) {
      throw invalidInput('HR_E_BAD_QUERY', `status: expected one of ${RUN_STATUSES.join(', ')}, got ${shown(status, 40)}`);
    }
    f.status = status as RunStatus;
  }
  const target = q.get('target');
  if (target !== null) f.target = target.slice(0, 500);
  const since = q.get('since');
  if (since !== null) f.since = time('since', since);
  const until = q.get('until');
  if (until !== null) f.until = time('until', until);
  const label = q.get('label');
  if (label !== null) {
    const m = /^([^=]+)=(.*)$/.exec(label);
    if (!m) throw invalidInput('HR_E_BAD_QUERY', `label: expected key=value, got ${shown(label, 60)}`);
    f.label = { key: m[1]!, value: m[2]! };
  }
  const limit = q.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) {
      throw invalidInput('HR_E_BAD_QUERY', `limit: expected an integer from 1 to 1000, got ${shown(limit, 40)}`);
    }
    f.limit = Number(limit);
  }
  return f;
}
