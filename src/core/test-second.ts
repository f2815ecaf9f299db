import type { SecondSample } from './load-types.js';

/**
 * One open-model second for the unit tests of the squeeze's pure logic: `offered` sent,
 * `achieved` completed, every percentile derived from `p99`, and a healthy generator
 * unless `saturated`.
 *
 * @example
 * testSecond(600, 300, 150) // half of what was sent completed; p99 150 ms
 */
export function testSecond(offered: number, achieved: number, p99 = 20, saturated = false, t = 1): SecondSample {
  const lat = { p50: p99 / 2, p90: p99 * 0.8, p99, p999: p99, max: p99, mean: p99 / 2 };
  return {
    t,
    offered_rps: offered,
    achieved_rps: achieved,
    latency_ms: lat,
    service_ms: lat,
    errors: {},
    status: { '200': achieved },
    bytes_in: 0,
    bytes_out: 0,
    late: saturated ? offered / 10 : 0,
    dropped: 0,
    generator: { cpu: saturated ? 1 : 0.2, loop_lag_ms: 1, pacing_error_ms: 0.1, saturated },
  };
}
