import type { LatencySummaryMs, SecondSample } from './load-types.js';

/**
 * Deterministic, plausible SecondSamples for tests, benchmarks and examples of the store
 * and the dashboard: a service with a given capacity whose latency grows as the offered
 * rate nears it (an M/M/1-like 1/(1−ρ) curve) and that sheds errors beyond it.
 *
 * @example
 * const s = syntheticSample(12, { rate: 500, capacity: 800 });
 */
export function syntheticSample(t: number, o: { rate: number; capacity?: number; baseMs?: number } ): SecondSample {
  const capacity = o.capacity ?? o.rate * 2;
  const base = o.baseMs ?? 5;
  const wobble = 1 + 0.05 * Math.sin(t * 1.7);
  const rho = Math.min(0.98, o.rate / capacity);
  const achieved = Math.round(Math.min(o.rate, capacity) * wobble);
  const mean = (base / (1 - rho)) * wobble;
  const lat = (m: number): LatencySummaryMs => ({
    p50: round(m * 0.8), p90: round(m * 1.9), p99: round(m * 3.5), p999: round(m * 5), max: round(m * 6), mean: round(m),
  });
  const over = Math.max(0, o.rate - capacity);
  const errors: SecondSample['errors'] = over > 0 ? { http_5xx: Math.round(over * 0.5), timeout: Math.round(over * 0.1) } : {};
  if (t % 7 === 0) errors.reset = 1;
  return {
    t,
    offered_rps: o.rate,
    achieved_rps: achieved,
    latency_ms: lat(mean),
    service_ms: lat(mean * 0.9),
    errors,
    status: { '200': achieved - (errors.http_5xx ?? 0), ...(errors.http_5xx ? { '503': errors.http_5xx } : {}) },
    bytes_in: achieved * 512,
    bytes_out: achieved * 120,
    late: 0,
    dropped: 0,
    generator: { cpu: 0.2, loop_lag_ms: 1, pacing_error_ms: 0.1, saturated: false },
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
