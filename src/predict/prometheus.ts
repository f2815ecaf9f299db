import { HeadroomError, ExitCode, invalidInput } from '../core/errors.js';
import type { RawPoint } from '../core/forecast/series-parse.js';

/**
 * Reads a demand series from Prometheus's HTTP API, `GET /api/v1/query_range`
 * (https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries): a matrix
 * result, values as [unix seconds, "string value"]. Several series in the answer are
 * summed per timestamp (the query should usually aggregate, e.g. `sum(rate(...[5m]))`).
 *
 * @example
 * await fetchPrometheusRange({ url: 'http://prometheus:9090', query: 'sum(rate(http_requests_total[5m]))', rangeMs: 14 * 86_400_000, stepMs: 3_600_000, endMs: Date.now() })
 */
export async function fetchPrometheusRange(opts: {
  url: string;
  query: string;
  rangeMs: number;
  stepMs: number;
  endMs: number;
  signal?: AbortSignal;
}): Promise<{ points: RawPoint[]; warnings: string[] }> {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw invalidInput('HR_E_PROMETHEUS', `--prometheus: expected a URL like http://prometheus:9090, got "${opts.url}"`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw invalidInput('HR_E_PROMETHEUS', `--prometheus: expected an http(s) URL, got "${opts.url}"`);
  const u = new URL(base.pathname.replace(/\/$/, '') + '/api/v1/query_range', base);
  u.searchParams.set('query', opts.query);
  u.searchParams.set('start', String((opts.endMs - opts.rangeMs) / 1000));
  u.searchParams.set('end', String(opts.endMs / 1000));
  u.searchParams.set('step', `${opts.stepMs / 1000}s`);
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(30_000);
    res = await fetch(u, { signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout });
  } catch (e) {
    throw new HeadroomError('HR_E_PROMETHEUS', `--prometheus: could not reach ${base.origin}: ${(e as Error).message}`, ExitCode.invalidInput);
  }
  const text = await res.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: { metric?: unknown; values?: [number, string][] }[] } };
  try {
    body = JSON.parse(text);
  } catch {
    throw invalidInput('HR_E_PROMETHEUS', `--prometheus: expected a JSON answer from ${u.pathname}, got HTTP ${res.status} "${text.slice(0, 60)}"`);
  }
  if (!res.ok || body.status !== 'success') {
    throw invalidInput('HR_E_PROMETHEUS', `--query: Prometheus answered HTTP ${res.status}: ${String(body.error ?? body.status).slice(0, 200)}`);
  }
  const result = body.data?.result;
  if (body.data?.resultType !== 'matrix' || !Array.isArray(result)) throw invalidInput('HR_E_PROMETHEUS', `--query: expected a matrix result, got "${body.data?.resultType}"`);
  if (result.length === 0) throw invalidInput('HR_E_SERIES_EMPTY', `--query: Prometheus returned no series for "${opts.query.slice(0, 80)}"`);
  const sums = new Map<number, number>();
  for (const s of result) {
    for (const [ts, v] of s.values ?? []) {
      const t = Math.round(Number(ts) * 1000);
      const x = Number(v);
      if (!Number.isFinite(t)) throw invalidInput('HR_E_SERIES_TIMESTAMP', `--query: a sample has timestamp ${JSON.stringify(ts)}`);
      sums.set(t, (sums.get(t) ?? 0) + (Number.isFinite(x) ? x : NaN));
    }
  }
  const points = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, value], i) => ({ t, value, row: i }));
  return { points, warnings: result.length > 1 ? [`--query returned ${result.length} series; summed them per timestamp`] : [] };
}
