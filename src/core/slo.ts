import { invalidInput } from './errors.js';
import type { ErrorKind, SecondSample } from './load-types.js';

/**
 * One clause of a service-level objective, as the squeeze guards it:
 * a latency percentile below a bound (`p99<100ms`) or an error fraction below a bound
 * (`errors<0.5%`).
 */
export type SloClause =
  | { kind: 'latency'; percentile: 'p50' | 'p90' | 'p99' | 'p999'; limitMs: number; expr: string }
  | { kind: 'errors'; limitFraction: number; expr: string };

const LATENCY = /^(p50|p90|p99|p999|p99\.9)\s*<\s*(\d+(?:\.\d+)?)\s*(ms|s)$/;
const ERRORS = /^(errors|error_rate|errors_rate)\s*<\s*(\d+(?:\.\d+)?)\s*(%?)$/;

/**
 * Parses one SLO clause. Latency: `p50|p90|p99|p999 < N ms|s`; errors: `errors < N%`
 * (or a fraction without `%`, e.g. `errors<0.005`). Whitespace around `<` is allowed.
 *
 * @example
 * parseSlo('p99<100ms') // { kind: 'latency', percentile: 'p99', limitMs: 100, expr: 'p99<100ms' }
 * parseSlo('errors<0.5%') // { kind: 'errors', limitFraction: 0.005, expr: 'errors<0.5%' }
 */
export function parseSlo(text: string, what = '--slo'): SloClause {
  const s = text.trim();
  const lat = LATENCY.exec(s);
  if (lat) {
    const limitMs = Number(lat[2]) * (lat[3] === 's' ? 1000 : 1);
    if (!(limitMs > 0) || !Number.isFinite(limitMs)) throw badSlo(text, what);
    const percentile = lat[1] === 'p99.9' ? 'p999' : (lat[1] as 'p50' | 'p90' | 'p99' | 'p999');
    return { kind: 'latency', percentile, limitMs, expr: `${percentile}<${+limitMs.toFixed(3)}ms` };
  }
  const err = ERRORS.exec(s);
  if (err) {
    const v = Number(err[2]);
    const limitFraction = err[3] === '%' ? v / 100 : v;
    if (!(limitFraction > 0 && limitFraction < 1) || !Number.isFinite(limitFraction)) throw badSlo(text, what);
    return { kind: 'errors', limitFraction, expr: `errors<${+(limitFraction * 100).toPrecision(6)}%` };
  }
  throw badSlo(text, what);
}

function badSlo(text: string, what: string) {
  return invalidInput(
    'HR_E_BAD_SLO',
    `${what}: expected an SLO like "p99<100ms", "p50<20ms" or "errors<0.5%", got "${text}"`,
    'latency percentiles p50, p90, p99, p999 with ms or s; errors as a percentage between 0 and 100 (exclusive)',
  );
}

/** Parses a list of clauses; at least one is required and a percentile may appear only once. */
export function parseSlos(texts: string[], what = '--slo'): SloClause[] {
  if (texts.length === 0) {
    throw invalidInput('HR_E_BAD_SLO', `${what}: expected at least one SLO clause, e.g. --slo 'p99<100ms'`);
  }
  const out = texts.map((t) => parseSlo(t, what));
  const keys = out.map((c) => (c.kind === 'latency' ? c.percentile : 'errors'));
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw invalidInput('HR_E_BAD_SLO', `${what}: "${dup}" is given more than once`);
  return out;
}

/** Errors in one second: every error kind, counted once (HTTP 4xx/5xx included). */
export function errorCount(s: Pick<SecondSample, 'errors'>): number {
  let n = 0;
  for (const k of Object.keys(s.errors) as ErrorKind[]) n += s.errors[k] ?? 0;
  return n;
}

/**
 * Requests that ended in this second: responses (any status) plus failures that got no
 * response (timeouts, refused and reset connections, other transport errors).
 */
export function requestCount(s: Pick<SecondSample, 'errors' | 'achieved_rps'>): number {
  const e = s.errors;
  return s.achieved_rps + (e.timeout ?? 0) + (e.refused ?? 0) + (e.reset ?? 0) + (e.other ?? 0);
}

/**
 * The measured value of a clause over a window of seconds. Latency: the request-weighted
 * mean of the per-second percentiles (SecondSample carries summaries, not histograms, so
 * this is an approximation that lies between the median and the worst second). Errors:
 * errors over all responses and errors in the window.
 */
export function measureClause(c: SloClause, window: readonly SecondSample[]): number {
  if (window.length === 0) return 0;
  if (c.kind === 'errors') {
    let errs = 0;
    let total = 0;
    for (const s of window) {
      errs += errorCount(s);
      total += requestCount(s);
    }
    return total > 0 ? errs / total : 0;
  }
  let w = 0;
  let sum = 0;
  for (const s of window) {
    const n = Math.max(1, s.achieved_rps);
    sum += n * s.latency_ms[c.percentile];
    w += n;
  }
  return sum / w;
}

/** The limit of a clause in the units of `measureClause`. */
export function clauseLimit(c: SloClause): number {
  return c.kind === 'latency' ? c.limitMs : c.limitFraction;
}

/** How close a window is to a clause's limit: value / limit (1 = on the limit). */
export function clauseRatio(c: SloClause, window: readonly SecondSample[]): number {
  return measureClause(c, window) / clauseLimit(c);
}
