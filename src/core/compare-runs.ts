import type { RunSummary } from './load-types.js';

/** One compared figure: both values, the difference and the relative change (b vs a). */
export interface Delta {
  a: number | null;
  b: number | null;
  diff: number | null;
  /** (b − a) / a, or null when a is 0 or missing. */
  rel: number | null;
}

export interface RunComparison {
  achieved_rps: Delta;
  p50_ms: Delta;
  p99_ms: Delta;
  p999_ms: Delta;
  error_rate: Delta;
  capacity_rps: Delta;
}

function delta(a: number | null | undefined, b: number | null | undefined): Delta {
  const x = typeof a === 'number' && Number.isFinite(a) ? a : null;
  const y = typeof b === 'number' && Number.isFinite(b) ? b : null;
  const diff = x !== null && y !== null ? y - x : null;
  return { a: x, b: y, diff, rel: diff !== null && x ? diff / x : null };
}

const errorRate = (s: RunSummary | null) => (s && s.requests > 0 ? s.errors.total / s.requests : null);

/**
 * Compares two runs' headline figures (b against a): rate, latency, errors and, for
 * squeezes, capacity. Pure: the server and the report call it with stored records.
 *
 * @example
 * compareRuns({ summary: lastWeek, capacity_rps: 900 }, { summary: today, capacity_rps: 820 }).capacity_rps.rel // ≈ -0.089
 */
export function compareRuns(
  a: { summary: RunSummary | null; capacity_rps?: number | null },
  b: { summary: RunSummary | null; capacity_rps?: number | null },
): RunComparison {
  return {
    achieved_rps: delta(a.summary?.rate.achieved, b.summary?.rate.achieved),
    p50_ms: delta(a.summary?.latency_ms.p50, b.summary?.latency_ms.p50),
    p99_ms: delta(a.summary?.latency_ms.p99, b.summary?.latency_ms.p99),
    p999_ms: delta(a.summary?.latency_ms.p999, b.summary?.latency_ms.p999),
    error_rate: delta(errorRate(a.summary), errorRate(b.summary)),
    capacity_rps: delta(a.capacity_rps, b.capacity_rps),
  };
}
