import type { SqueezeResult, SqueezeStep } from './squeeze-types.js';
import { fitUsl, type UslFit } from './usl.js';

/** One point of the latency–throughput curve. */
export interface CurvePoint {
  offered_rps: number | null;
  achieved_rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Load on the USL axis: virtual users, or N = X·R (Little's law) in the open model. */
  n: number;
  verdict: SqueezeStep['verdict'];
}

/** The full squeeze report: the controller's result plus the curve and the USL fit. */
export interface SqueezeReport extends SqueezeResult {
  steps_count: number;
  curve: CurvePoint[];
  usl: ({ ok: true; load_axis: string } & UslFit) | { ok: false; load_axis: string; reason: string };
}

/**
 * Adds the latency–throughput curve (steps sorted by achieved throughput) and a USL fit
 * of throughput against load. In the open model the load axis is the mean concurrency
 * in the target by Little's law, N = X·R (Little 1961), because the arrival rate is
 * the controlled variable there; the report says which axis it used.
 *
 * @example
 * const report = buildSqueezeReport(controller.result(), { seed: 1 });
 */
export function buildSqueezeReport(r: SqueezeResult, opts: { seed?: number } = {}): SqueezeReport {
  const measured = r.steps.filter((s) => (s.verdict === 'good' || s.verdict === 'bad') && s.measured_s > 0 && s.achieved_rps > 0);
  const curve: CurvePoint[] = measured
    .map((s) => ({
      offered_rps: s.offered_rps,
      achieved_rps: s.achieved_rps,
      p50_ms: s.p50_ms,
      p99_ms: s.p99_ms,
      n: Math.round((s.concurrency ?? (s.achieved_rps * s.mean_ms) / 1000) * 1000) / 1000,
      verdict: s.verdict,
    }))
    .sort((a, b) => a.achieved_rps - b.achieved_rps);
  const axis = r.mode === 'concurrency' ? 'virtual users' : "mean concurrency by Little's law, N = X·R (open model)";
  const fit = fitUsl(
    measured.map((s) => ({ n: s.concurrency ?? (s.achieved_rps * s.mean_ms) / 1000, x: s.goodput_rps })),
    { seed: opts.seed ?? 1 },
  );
  return {
    ...r,
    steps_count: r.steps.length,
    curve,
    usl: fit.ok ? { ok: true, load_axis: axis, ...fit.fit } : { ok: false, load_axis: axis, reason: fit.reason },
  };
}

const f1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toString() : '∞');

/**
 * The terminal rendering of a report (lines, no colour): the verdict first, then the
 * steps, the cost of the search and the USL fit.
 */
export function formatSqueezeReport(rep: SqueezeReport): string {
  const out: string[] = [];
  if (rep.capacity_rps !== null) {
    const ci = rep.ci ? ` (95% CI ${f1(rep.ci[0])}–${rep.ci[1] === null ? '?' : f1(rep.ci[1])})` : '';
    const who = rep.best_concurrency !== null ? ` at ${rep.best_concurrency} users` : '';
    out.push(`capacity: ${f1(rep.capacity_rps)} req/s${who}${ci} within ${rep.slo.join(', ')}${rep.binding_guard ? `; bound by ${rep.binding_guard}` : ''}`);
  } else {
    out.push(`no capacity: ${rep.message}`);
  }
  if (rep.capacity_rps !== null) out.push(rep.message);
  out.push('');
  out.push(' #  phase     offered   achieved   p50 ms    p99 ms   errors  held  verdict');
  for (const s of rep.steps) {
    const level = s.offered_rps !== null ? f1(s.offered_rps) : `${s.concurrency} vu`;
    out.push(
      `${String(s.index).padStart(2)}  ${s.phase.padEnd(8)} ${level.padStart(8)} ${f1(s.achieved_rps).padStart(10)} ${s.p50_ms.toFixed(1).padStart(8)} ${s.p99_ms.toFixed(1).padStart(9)} ${(s.error_rate * 100).toFixed(2).padStart(7)}% ${String(s.duration_s).padStart(4)}s  ${s.verdict}${s.verdict !== 'good' && s.binding ? ` (${s.binding})` : ''}`,
    );
  }
  out.push('');
  out.push(
    `search: ${rep.steps_count} steps in ${rep.duration_s}s; above the SLO ${rep.time_over_slo_s}s (${rep.duration_s ? ((100 * rep.time_over_slo_s) / rep.duration_s).toFixed(1) : 0}%), ${rep.requests_over_slo} requests; hard breaches ${rep.hard_breaches}; ${rep.errors} errors in ${rep.requests} requests`,
  );
  if (rep.usl.ok) {
    const u = rep.usl;
    out.push(
      `USL (load axis: ${u.load_axis}): σ=${u.sigma.toFixed(4)} [${u.ci.sigma[0].toFixed(4)}, ${u.ci.sigma[1].toFixed(4)}], κ=${u.kappa.toExponential(2)} [${u.ci.kappa[0].toExponential(2)}, ${u.ci.kappa[1].toExponential(2)}], λ=${f1(u.lambda)}; ` +
        `predicted peak ${f1(u.peak_x)} req/s [${f1(u.ci.peak_x[0])}, ${f1(u.ci.peak_x[1])}] at N=${f1(u.peak_n)}; R²=${u.r2.toFixed(3)}`,
    );
    for (const w of u.warnings) out.push(`warning: ${w}`);
  } else {
    out.push(`USL: not fitted (${rep.usl.reason})`);
  }
  return out.join('\n') + '\n';
}
