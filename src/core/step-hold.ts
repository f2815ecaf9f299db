import type { SecondSample } from './load-types.js';
import type { SearchLedger } from './safety-gate.js';
import { clauseRatio, errorCount, measureClause, requestCount, type SloClause } from './slo.js';
import type { SqueezeOptions, SqueezeStep, StepPhase } from './squeeze-types.js';
import { judgeWindow, stepSteadiness, type WindowVerdict } from './step-stability.js';

/**
 * Holds one load level: discards the warm-up, judges the rest in control windows, ends
 * early (soft stop) when a guard breaks on two windows in a row, and extends the hold by
 * a window when the step is not steady or a single window broke — up to maxExtensions.
 *
 * @example
 * const hold = new StepHold(opts, 'ramp', 3, { offered: 400, concurrency: null }, 20);
 * for (const s of samples) { const step = hold.add(s); if (step) break; }
 */
export class StepHold {
  private readonly seconds: SecondSample[] = [];
  private readonly measured: SecondSample[] = [];
  private readonly windows: WindowVerdict[] = [];
  private extensions = 0;
  private warmupBreached = false;
  private planned: number;

  constructor(
    private readonly opts: SqueezeOptions,
    readonly phase: StepPhase,
    readonly index: number,
    readonly level: { offered: number | null; concurrency: number | null },
    durationS: number,
    private readonly ledger: SearchLedger,
  ) {
    // Measured seconds, rounded up to whole windows.
    const m = Math.max(1, durationS - opts.warmupS);
    this.planned = Math.ceil(m / opts.windowS) * opts.windowS;
  }

  /** Adds one second; returns the finished step when the hold is over. */
  add(s: SecondSample, overThisSecond: boolean): SqueezeStep | null {
    this.seconds.push(s);
    if (this.seconds.length <= this.opts.warmupS) {
      if (overThisSecond) this.ledger.over([s]);
      // The warm-up is not measured, but it is watched: a warm-up that broke the SLO
      // counts as the first of the two windows that make a soft stop.
      if (this.seconds.length === this.opts.warmupS) this.warmupBreached = this.opts.slo.some((c) => clauseRatio(c, this.seconds) > 1);
      return null;
    }
    this.measured.push(s);
    if (this.measured.length % this.opts.windowS !== 0) return null;
    const w = this.measured.slice(-this.opts.windowS);
    const verdict = judgeWindow(this.opts.slo, w, this.opts.throughputTolerance, this.measured);
    if (verdict.breached) this.ledger.over(w);
    this.windows.push(verdict);
    const n = this.windows.length;
    const previousBreached = n >= 2 ? this.windows[n - 2]!.breached : this.warmupBreached;
    if (verdict.breached && previousBreached) {
      return this.finish('bad', n === 1 ? 'guard broken in the warm-up and the first window' : 'guard broken on two consecutive windows');
    }
    if (this.measured.length < this.planned) return null;
    // The step as a whole is what the SLO judges: one noisy window does not fail it.
    const steadiness = stepSteadiness(this.opts.slo, this.measured);
    const overall = judgeWindow(this.opts.slo, this.measured, this.opts.throughputTolerance);
    if (!overall.breached && steadiness.steady) return this.finish('good', '', true);
    if (this.extensions < this.opts.maxExtensions) {
      this.extensions++;
      this.planned += this.opts.windowS;
      return null;
    }
    // Out of extensions: trust the step only if its end is clean and breaches were rare.
    const breaches = this.windows.filter((x) => x.breached).length;
    const lastOk = !this.windows[n - 1]!.breached;
    const ok = lastOk && !overall.breached && breaches <= Math.floor(n / 3) && (steadiness.steady || steadiness.reason.startsWith('throughput'));
    const step = this.finish(ok ? 'good' : 'bad', ok ? `accepted after ${this.extensions} extensions` : `not steady: ${steadiness.reason}`, steadiness.steady);
    if (!ok && steadiness.reason.startsWith('backlog') && step.verdict === 'bad') {
      // The target fell behind while its latency still met the SLO: the open model's own guard.
      step.binding = 'throughput';
      step.ratios.throughput = step.max_ratio = round(Math.max(1.0001, this.sentPerCompleted()), 4);
    }
    return step;
  }

  /** Ends the hold now (hard breach) with the second that tripped the gate. */
  abort(s: SecondSample, note: string): SqueezeStep {
    this.seconds.push(s);
    this.ledger.over([s]);
    const unjudged = this.measured.length % this.opts.windowS;
    if (unjudged > 0 && judgeWindow(this.opts.slo, this.measured.slice(-unjudged)).breached) this.ledger.over(this.measured.slice(-unjudged));
    this.measured.push(s);
    return this.finish('hard-breach', note, false);
  }

  /** Requests sent per request completed over the measured seconds (> 1: falling behind). */
  private sentPerCompleted(): number {
    let sent = 0;
    let done = 0;
    for (const s of this.measured) {
      sent += (s.offered_rps ?? 0) - s.dropped;
      done += s.achieved_rps;
    }
    return sent / Math.max(1, done);
  }

  private finish(verdict: SqueezeStep['verdict'], note: string, steady = false): SqueezeStep {
    const m = this.measured.length > 0 ? this.measured : this.seconds;
    const gen = generatorLimitedSeconds(this.opts.slo, m);
    // Most of the step, and at least two seconds: one stalled second on a shared machine is noise.
    if (verdict !== 'hard-breach' && gen >= 2 && gen * 2 > m.length) {
      verdict = 'generator-bound';
      note = `generator limited in ${gen} of ${m.length} seconds (saturated, late or dropped sends) while the target's service time met the SLO`;
    }
    let maxRatio = 0;
    let binding = '';
    for (const w of this.windows) {
      if (w.maxRatio > maxRatio) {
        maxRatio = w.maxRatio;
        binding = w.binding;
      }
    }
    if (this.windows.length === 0 && m.length > 0) {
      const w = judgeWindow(this.opts.slo, m, this.opts.throughputTolerance);
      maxRatio = w.maxRatio;
      binding = w.binding;
    }
    const achieved = m.reduce((a, s) => a + s.achieved_rps, 0) / Math.max(1, m.length);
    const sd = m.length > 1 ? Math.sqrt(m.reduce((a, s) => a + (s.achieved_rps - achieved) ** 2, 0) / (m.length - 1)) : 0;
    let errs = 0;
    let reqs = 0;
    for (const s of m) {
      errs += errorCount(s);
      reqs += requestCount(s);
    }
    const ratios: Record<string, number> = {};
    for (const c of this.opts.slo) ratios[c.expr] = round(clauseRatio(c, m), 4);
    const tp = judgeWindow([], m, this.opts.throughputTolerance);
    if (tp.binding === 'throughput') ratios.throughput = round(tp.maxRatio, 4);
    const http = m.reduce((a, s) => a + (s.errors.http_4xx ?? 0) + (s.errors.http_5xx ?? 0), 0) / Math.max(1, m.length);
    const lat = (p: 'p50' | 'p99') => measureClause({ kind: 'latency', percentile: p, limitMs: 1, expr: '' }, m);
    const mean = m.reduce((a, s) => a + s.latency_ms.mean * Math.max(1, s.achieved_rps), 0) / Math.max(1, m.reduce((a, s) => a + Math.max(1, s.achieved_rps), 0));
    return {
      index: this.index,
      phase: this.phase,
      offered_rps: this.level.offered,
      concurrency: this.level.concurrency,
      achieved_rps: round(achieved, 2),
      achieved_sd: round(sd, 3),
      p50_ms: round(lat('p50'), 3),
      p99_ms: round(lat('p99'), 3),
      mean_ms: round(mean, 3),
      error_rate: reqs > 0 ? round(errs / reqs, 6) : 0,
      duration_s: this.seconds.length,
      measured_s: this.measured.length,
      extensions: this.extensions,
      steady,
      verdict,
      max_ratio: round(maxRatio, 4),
      binding,
      ratios,
      goodput_rps: round(Math.max(0, achieved - http), 2),
      // Only the generator's own verdict: late or dropped sends also follow from a slow
      // target holding every connection, which is no stall.
      generator_seconds: this.seconds.filter((x) => x.generator.saturated).length,
      note,
    };
  }
}

/**
 * Seconds in which the generator, not the target, limited the load: the generator says
 * it is saturated, or it sent late or dropped sends, while the target's own service
 * time (measured from the actual send) still met every latency clause.
 */
export function generatorLimitedSeconds(slo: readonly SloClause[], seconds: readonly SecondSample[]): number {
  let n = 0;
  for (const s of seconds) {
    if (!struggling(s)) continue;
    const serviceOk = slo.every((c) => c.kind !== 'latency' || s.service_ms[c.percentile] <= c.limitMs);
    if (serviceOk) n++;
  }
  return n;
}

/** The generator says it is saturated, or it sent late (over 2% of the sends) or dropped sends. */
function struggling(s: SecondSample): boolean {
  const offered = s.offered_rps ?? s.achieved_rps;
  return s.generator.saturated || s.dropped > 0 || s.late > 0.02 * Math.max(1, offered);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
