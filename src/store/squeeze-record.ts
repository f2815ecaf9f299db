import { parseSlo } from '../core/slo.js';
import type { SqueezeReport } from '../core/squeeze-report.js';
import type { SqueezeStep } from '../core/squeeze-types.js';
import type { SqueezeResultRecord, SqueezeStepRecord } from './types.js';

/**
 * One squeeze step as the store keeps it; the controller's whole step is in `detail`.
 * `tStart` is the seconds since the squeeze started when the step began.
 */
export function stepRecord(s: SqueezeStep, tStart: number): SqueezeStepRecord {
  return {
    step: s.index,
    phase: s.phase,
    target_rps: s.offered_rps ?? s.concurrency ?? 0,
    achieved_rps: s.achieved_rps,
    p99_ms: s.p99_ms,
    error_rate: s.error_rate,
    ok: s.verdict === 'good',
    t_start: tStart,
    t_end: tStart + s.duration_s,
    detail: { ...s },
  };
}

/** The steps of a report with their start times (each step follows the previous one). */
export function stepRecords(steps: readonly SqueezeStep[]): SqueezeStepRecord[] {
  let t = 0;
  return steps.map((s) => {
    const r = stepRecord(s, t);
    t = r.t_end;
    return r;
  });
}

/**
 * The stored form of a squeeze report (src/core/squeeze-report.ts): the figures the
 * dashboard draws, plus the whole report as `result`.
 *
 * @example
 * await recorder.finish({ status: 'passed', squeeze: squeezeResultRecord(report) });
 */
export function squeezeResultRecord(r: SqueezeReport): SqueezeResultRecord {
  const latency = r.slo.map((e) => {
    try {
      return parseSlo(e);
    } catch {
      return null;
    }
  }).filter((c) => c?.kind === 'latency');
  const p99 = latency.find((c) => c?.kind === 'latency' && c.percentile === 'p99') ?? latency[0];
  return {
    capacity_rps: r.capacity_rps,
    ci: r.ci ? { low: r.ci[0], high: r.ci[1] } : null,
    binding_guard: r.binding_guard,
    slo_p99_ms: p99?.kind === 'latency' ? p99.limitMs : null,
    usl: r.usl.ok ? { lambda: r.usl.lambda, sigma: r.usl.sigma, kappa: r.usl.kappa, peak_n: finite(r.usl.peak_n), peak_x: finite(r.usl.peak_x), r2: r.usl.r2 } : null,
    curve: r.curve.map((p) => ({ rps: p.achieved_rps, p99_ms: p.p99_ms, p50_ms: p.p50_ms, n: p.n, verdict: p.verdict })),
    stop_reason: `${r.outcome}: ${r.message}`,
    result: r,
  };
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);
