import type { GeneratorHealth, SecondSample } from './load-types.js';

/** Limits past which the generator, not the target, is taken to limit the load. */
export const SATURATION = {
  /** Average CPU of the generator threads over wall time. */
  cpu: 0.9,
  /** Worst event-loop delay in a second, ms. */
  loopLagMs: 50,
  /** Median lateness of sends that had a free connection, ms. */
  pacingErrorMs: 5,
} as const;

/**
 * Judges one second of the generator watching itself.
 *
 * @example
 * judgeSecond(0.97, 3, 0.4) // { cpu: 0.97, loop_lag_ms: 3, pacing_error_ms: 0.4, saturated: true }
 */
export function judgeSecond(cpu: number, loopLagMs: number, pacingErrorMs: number): GeneratorHealth {
  const saturated = cpu >= SATURATION.cpu || loopLagMs >= SATURATION.loopLagMs || pacingErrorMs >= SATURATION.pacingErrorMs;
  return { cpu, loop_lag_ms: loopLagMs, pacing_error_ms: pacingErrorMs, saturated };
}

/**
 * Whole-run verdict: saturated when more than a fifth of the seconds (the first second,
 * which includes thread start-up and JIT warm-up, left out of runs of 3 s or more) were.
 * The notes say why, with figures, so that nobody takes the tool's limit for the service's.
 *
 * @example
 * judgeRun(samples) // { saturated: false, notes: [] }
 */
export function judgeRun(samples: SecondSample[]): { saturated: boolean; notes: string[] } {
  const seen = samples.length >= 3 ? samples.slice(1) : samples;
  const bad = seen.filter((s) => s.generator.saturated);
  if (bad.length === 0 || bad.length * 5 <= seen.length) return { saturated: false, notes: [] };
  const notes: string[] = [];
  const of = `of ${seen.length} s`;
  const cpuBad = bad.filter((s) => s.generator.cpu >= SATURATION.cpu);
  if (cpuBad.length) {
    const peak = Math.max(...cpuBad.map((s) => s.generator.cpu));
    notes.push(`generator threads used ≥ ${SATURATION.cpu * 100}% CPU in ${cpuBad.length} ${of} (peak ${Math.round(peak * 100)}%)`);
  }
  const lagBad = bad.filter((s) => s.generator.loop_lag_ms >= SATURATION.loopLagMs);
  if (lagBad.length) {
    const peak = Math.max(...lagBad.map((s) => s.generator.loop_lag_ms));
    notes.push(`event-loop lag ≥ ${SATURATION.loopLagMs} ms in ${lagBad.length} ${of} (worst ${peak} ms)`);
    if (lagBad.every((s) => s.generator.cpu < 0.5)) {
      notes.push('the lag came with low thread CPU: the OS did not run the generator on time (other processes compete for the cores)');
    }
  }
  const paceBad = bad.filter((s) => s.generator.pacing_error_ms >= SATURATION.pacingErrorMs);
  if (paceBad.length) {
    const peak = Math.max(...paceBad.map((s) => s.generator.pacing_error_ms));
    notes.push(`sends fell behind schedule (median ≥ ${SATURATION.pacingErrorMs} ms late) in ${paceBad.length} ${of} (worst ${peak} ms)`);
  }
  notes.push('the generator, not the target, limited this load: use more --threads, more cores or agents, or a lower rate');
  return { saturated: true, notes };
}
