import type { SecondSample } from './load-types.js';
import { SearchLedger, hardBreach, secondMeetsSlo } from './safety-gate.js';
import { StepHold, round } from './step-hold.js';
import type { SqueezeCommand, SqueezeOptions, SqueezeOutcome, SqueezeResult, SqueezeStep, StepPhase } from './squeeze-types.js';

type Phase = StepPhase | 'cooldown' | 'done';

/**
 * The squeeze state machine for the open model (arrival rate), DESIGN.md system 2:
 * baseline → ramp (geometric, smaller steps as the guards approach their limits) →
 * hold (warm-up discarded, noise-checked, extended when unsteady) → soft stop on two
 * breached windows → refine (bracketed search between last good and first bad) →
 * confirm soak one resolution below the last good rate → result. A safety gate checked
 * every second drops the load to the baseline at once (one control interval) on a hard
 * breach.
 *
 * It is pure: it consumes SecondSamples (time is their `t`) and emits commands, so it
 * drives any LoadDriver and replays deterministically from recorded samples.
 *
 * @example
 * const c = new SqueezeController(resolveSqueezeOptions({ slo, minRate: 50, maxRate: 4000 }));
 * apply(c.start());
 * driver.onSecond((s) => apply(c.onSecond(s)));
 */
export class SqueezeController {
  private phase: Phase = 'baseline';
  private hold: StepHold | null = null;
  private readonly steps: SqueezeStep[] = [];
  private readonly ledger: SearchLedger;
  /** Rates that held, ascending, with their guard ratio. */
  private goods: { rate: number; ratios: Record<string, number>; ratio: number; sd: number; n: number; p50: number; served: number }[] = [];
  private bad: { rate: number; ratio: number; binding: string; goodput: number; hard: boolean } | null = null;
  private cooldownS = 0;
  private hardBreaches = 0;
  private confirms = 0;
  private baselineRepeats = 0;
  private generatorRepeats = 0;
  private stallRepeats = 0;
  private lastProbeTiny = false;
  private retry: { phase: StepPhase; rate: number; durationS: number } | null = null;
  private lastMoves: ('good' | 'bad')[] = [];
  private outcome: SqueezeOutcome | null = null;
  private message = '';
  private generatorBound: number | null = null;

  constructor(private readonly opts: SqueezeOptions) {
    this.ledger = new SearchLedger(opts.slo);
  }

  get finished(): boolean {
    return this.phase === 'done';
  }

  /** The first command: hold the baseline. */
  start(): SqueezeCommand[] {
    return this.begin('baseline', this.opts.minRate, this.opts.stepDurationS);
  }

  /** Feeds one second; returns what the driver must do now (often nothing). */
  onSecond(s: SecondSample): SqueezeCommand[] {
    if (this.phase === 'done') return [];
    const overThisSecond = this.ledger.add(s);
    if (this.phase === 'cooldown') {
      if (overThisSecond) this.ledger.over([s]);
      return this.cooldown(s);
    }
    const hold = this.hold!;
    // At the baseline there is nothing lower to drop to: the step is judged by its
    // windows instead (start-up noise — JIT, threads starting — lands in its warm-up).
    const breach = hold.phase === 'baseline' ? null : hardBreach(this.opts, s, this.ledger);
    if (breach) {
      const step = hold.abort(s, breach.message);
      step.max_ratio = round(Math.max(step.max_ratio, breach.ratio), 4);
      step.binding = breach.guard;
      this.steps.push(step);
      this.hardBreaches++;
      const drop: SqueezeCommand = { type: 'rate', rps: this.opts.minRate };
      if (this.retryIfStall(step)) {
        this.phase = 'cooldown';
        this.cooldownS = 0;
        return [drop];
      }
      this.markBad(step, breach.guard, breach.ratio);
      if (breach.final || this.opts.onHardBreach === 'end' || this.hardBreaches >= this.opts.maxHardBreaches) {
        const why = breach.final ? breach.message : `safety gate tripped ${this.hardBreaches}× (last: ${breach.message})`;
        const last = this.goods[this.goods.length - 1];
        const held = last ? `; the last rate that held the SLO was ${last.rate} req/s (unconfirmed)` : '';
        return [drop, ...this.end('aborted', `search stopped by the safety gate at ${step.offered_rps} req/s: ${why}${held}`)];
      }
      this.phase = 'cooldown';
      this.cooldownS = 0;
      return [drop];
    }
    const step = hold.add(s, overThisSecond);
    if (!step) return [];
    this.steps.push(step);
    return this.afterStep(step);
  }

  private afterStep(step: SqueezeStep): SqueezeCommand[] {
    const rate = step.offered_rps!;
    if (step.verdict === 'generator-bound' && this.generatorRepeats < 2) {
      // Repeat (twice at most): a neighbour's burst on a shared machine can stall the generator for a step.
      this.generatorRepeats++;
      return this.begin(step.phase, rate, step.phase === 'confirm' ? this.opts.confirmDurationS : this.opts.stepDurationS);
    }
    if (step.verdict === 'generator-bound') {
      this.generatorBound = step.achieved_rps;
      return this.end(
        'generator-bound',
        `generator-bound at ${round(step.achieved_rps, 1)} req/s: the load generator, not the target, was the limit (${step.note}); ` +
          'no capacity is reported — add --threads or agents and run again',
      );
    }
    if (step.verdict === 'good') {
      if (step.phase === 'confirm') {
        const cap = this.goods[this.goods.length - 1]!.rate;
        return this.end('capacity', `capacity ${cap} req/s within the SLO, confirmed by a ${step.duration_s}s soak at ${rate} req/s`);
      }
      this.goods = this.goods.filter((g) => g.rate < rate);
      // The guards' ratios over the whole hold (less noisy than its worst window).
      const ratio = Math.max(0, ...Object.values(step.ratios));
      this.goods.push({ rate, ratios: step.ratios, ratio, sd: step.achieved_sd, n: step.measured_s, p50: step.p50_ms, served: step.goodput_rps });
      this.lastMoves.push('good');
      return this.next();
    }
    // A soft stop: the guard broke on two windows. Drop to baseline and let the target drain.
    if (step.phase === 'baseline' && this.baselineRepeats < 1) {
      // Repeat a failed baseline once: a busy machine can spoil one hold.
      this.baselineRepeats++;
      return this.begin('baseline', this.opts.minRate, this.opts.stepDurationS);
    }
    if (step.phase === 'baseline') {
      return [{ type: 'rate', rps: this.opts.minRate }, ...this.end('no-headroom', `no headroom at the minimum rate ${this.opts.minRate} req/s: ${step.binding} (ratio ${step.max_ratio} of its limit)`)];
    }
    if (!this.retryIfStall(step)) this.markBad(step, step.binding, step.max_ratio);
    this.phase = 'cooldown';
    this.cooldownS = 0;
    return [{ type: 'rate', rps: this.opts.minRate }];
  }

  /**
   * A breach of a tail percentile while the median stayed where it was at the last good
   * step and the target kept up is the signature of a stall (a neighbour on a shared
   * machine, a pause in the generator), not of overload, which lifts the median too:
   * queueing delays most requests — when it comes from far below the limit (the last
   * good step used under 70% of it) and overshoots by 20% or more. Such a step is repeated (twice per search at most)
   * after the cool-down instead of closing the bracket on a false limit.
   */
  private retryIfStall(step: SqueezeStep): boolean {
    const good = this.goods[this.goods.length - 1];
    const clause = this.opts.slo.find((c) => c.expr === step.binding);
    if (!good || !clause || this.stallRepeats >= 2) return false;
    const rate = step.offered_rps!;
    // Near the limit, or just above the last good rate, a breach is the bracket closing, not a stall.
    if ((good.ratios[step.binding] ?? 0) >= 0.7 || rate <= good.rate * (1 + 2 * this.opts.resolution)) return false;
    // A target that served no more than it did at a lower rate is saturated, not stalled
    // (a queue with a fixed service time keeps its median flat right up to its limit).
    const served = Math.max(...this.goods.map((g) => g.served));
    if (step.goodput_rps <= served * (1 + this.opts.resolution / 2)) return false;
    // The generator itself was in distress (late sends, stalled loop) during the step:
    // its catch-up bursts can trip a rate limiter or a tail percentile on their own.
    const generatorStall = step.generator_seconds > 0;
    const tailOnly =
      clause.kind === 'latency' && clause.percentile !== 'p50' && step.max_ratio >= 1.2 && step.p50_ms <= 2 * good.p50 + 2 && step.goodput_rps >= 0.8 * rate;
    if (!generatorStall && !tailOnly) return false;
    this.stallRepeats++;
    step.note += generatorStall ? ' — the generator was in distress: repeated as a probable stall' : ' — tail-only breach with the median unchanged: repeated as a probable stall';
    this.retry = { phase: step.phase, rate, durationS: step.phase === 'confirm' ? this.opts.confirmDurationS : this.opts.stepDurationS };
    return true;
  }

  private markBad(step: SqueezeStep, binding: string, ratio: number): void {
    const rate = step.offered_rps!;
    if (step.phase === 'confirm') this.goods = this.goods.filter((g) => g.rate < rate);
    if (!this.bad || rate <= this.bad.rate) {
      this.bad = { rate, ratio: Math.max(ratio, 1.0001), binding, goodput: step.goodput_rps, hard: step.verdict === 'hard-breach' };
    }
    if (step.phase !== 'ramp') this.lastMoves.push('bad');
  }

  /** Holds the baseline after a bad step until a second meets the SLO again. */
  private cooldown(s: SecondSample): SqueezeCommand[] {
    this.cooldownS++;
    if (secondMeetsSlo(this.opts.slo, s) && this.cooldownS >= 1) return this.next();
    if (this.cooldownS >= Math.max(10, 3 * this.opts.warmupS)) {
      return this.end('aborted', `the target did not recover within ${this.cooldownS}s at the baseline ${this.opts.minRate} req/s`);
    }
    return [];
  }

  /** Decides the next step from the bracket [last good, first bad]. */
  private next(): SqueezeCommand[] {
    if (this.retry) {
      const r = this.retry;
      this.retry = null;
      return this.begin(r.phase, r.rate, r.durationS);
    }
    const good = this.goods[this.goods.length - 1];
    if (!good) {
      return this.end('no-headroom', `no rate at or above the minimum ${this.opts.minRate} req/s held the SLO`);
    }
    if (this.steps.length >= this.opts.maxSteps) {
      return this.end(this.bad ? 'capacity' : 'max-rate', `step limit (${this.opts.maxSteps}) reached; capacity is the last rate that held, unconfirmed`);
    }
    if (!this.bad) {
      if (good.rate >= this.opts.maxRate) {
        return this.end('max-rate', `the SLO held up to --max-rate ${this.opts.maxRate} req/s: capacity is at least that`);
      }
      return this.begin('ramp', Math.min(this.opts.maxRate, this.rampRate(good)), this.opts.stepDurationS);
    }
    const gap = this.bad.rate - good.rate;
    if (gap / good.rate <= this.opts.resolution) {
      if (this.confirms >= 2) return this.end('capacity', `capacity ${good.rate} req/s (the confirm soak failed twice; the bracket is the last one measured)`);
      this.confirms++;
      // The soak runs one resolution below the capacity: it checks that the rate holds
      // for longer, not the coin toss of whether one noisy hold lands just under the limit.
      return this.begin('confirm', round(good.rate * (1 - this.opts.resolution), 1), this.opts.confirmDurationS);
    }
    return this.begin('refine', this.probe(good.rate, gap), this.opts.stepDurationS);
  }

  /**
   * Where the guard would reach its limit, extrapolated from the highest good rate and
   * the highest one a few resolutions below it: 1/ratio is taken as linear in the rate
   * — exact for a latency that grows like an M/M/1 queue's R = S/(1−ρ), and since 1/ratio
   * is convex and falling in the rate, the secant reaches the limit early: an estimate
   * from the safe side.
   */
  private secant(clause: string | null): number | null {
    const b = this.goods[this.goods.length - 1];
    // Two rates a few resolutions apart: over a tiny spacing the slope is mostly noise.
    const a = this.goods.findLast((x) => x.rate <= b!.rate * (1 - 4 * this.opts.resolution));
    if (!a || !b) return null;
    const key = clause ?? Object.keys(b.ratios).reduce((k, x) => ((b.ratios[x] ?? 0) > (b.ratios[k] ?? 0) ? x : k), Object.keys(b.ratios)[0] ?? '');
    const ra = a.ratios[key] ?? 0;
    const rb = b.ratios[key] ?? 0;
    // Far from the limit the ratios are mostly noise (timer jitter, one slow request in a
    // small second): only extrapolate once the guard has used a third of its limit.
    if (ra < 0.05 || rb < 0.33 || rb <= ra * 1.05) return null;
    const slope = (1 / rb - 1 / ra) / (b.rate - a.rate);
    if (!(slope < 0)) return null;
    return b.rate + (1 / rb - 1) / -slope;
  }

  /** A ramp step: geometric, smaller as the guards near their limits, never past the secant estimate. */
  private rampRate(good: { rate: number; ratio: number }): number {
    const r = good.ratio;
    const res = this.opts.resolution;
    // On the limit already: one resolution up closes the bracket (or finds more room).
    if (r >= 0.95) return round(good.rate * (1 + 0.95 * res), 1);
    const f = this.opts.rampFactor - 1;
    const factor = Math.max(1 + 2 * res, r < 0.5 ? 1 + f : r < 0.8 ? 1 + f / 2 : 1 + f / 4);
    let x = good.rate * factor;
    const e = this.secant(null);
    // The secant is early on a convex curve, so step a quarter past it (still below the
    // geometric step); a small overshoot costs one soft stop, an undershoot one more step.
    // Within two resolutions of it, one resolution up closes the bracket (or finds more room).
    if (e !== null) x = e < good.rate * (1 + 2 * res) ? good.rate * (1 + 0.95 * res) : Math.min(x, good.rate + 1.25 * (e - good.rate));
    return round(x, 1);
  }

  /**
   * The next rate inside (good, bad). The estimate of where the binding guard reaches
   * its limit is the lowest of: the secant from the good side; linear interpolation of
   * 1/ratio between good and bad when bad was a soft stop (its ratio is a steady one;
   * a hard breach's first second is not); and what a saturated target served (see
   * below). Probe just below the estimate (likely good, so little time over the SLO),
   * and, once the estimate is within two resolutions of the last good rate, one
   * resolution above it to close the bracket.
   * Two bad probes in a row fall back to bisection — the Illinois remedy against
   * one-sided convergence — or, after hard breaches, to a quarter of the bracket.
   */
  private probe(g: number, gap: number): number {
    const bad = this.bad!;
    const res = this.opts.resolution;
    // Right after a hard breach, creep up from the safe side; otherwise bisect.
    const lowStep = g + (bad.hard && this.lastMoves[this.lastMoves.length - 1] === 'bad' ? 0.25 : 0.5) * gap;
    const n = this.lastMoves.length;
    if (n >= 2 && this.lastMoves[n - 1] === 'bad' && this.lastMoves[n - 2] === 'bad') return round(lowStep, 1);
    const estimates: number[] = [];
    const sec = this.secant(bad.binding);
    if (sec !== null && sec > g) estimates.push(sec);
    const gRatio = this.goods[this.goods.length - 1]!.ratios[bad.binding] ?? 0;
    if (!bad.hard && gRatio > 0.05) {
      const ug = 1 / gRatio;
      const ub = 1 / bad.ratio;
      if (ug > 1 && ug > ub) estimates.push(g + (gap * (ug - 1)) / (ug - ub));
    }
    // A target that served well short of what it was sent is saturated at what it served
    // (from the first second of a hard breach too). One that served less than the last
    // good rate collapsed, and tells nothing about where.
    const saturated = bad.goodput < bad.rate * (1 - res);
    // What a saturated target served is the rate its guards tend to infinity at (1/ratio
    // reaches 0): right after the breach, probe on the binding guard's secant from the
    // last good rate to there (early on a convex curve); later, only a target whose
    // latency says nothing (flat up to a cliff, no secant) is probed at the served rate
    // itself — one whose throughput falls under overload (retrograde, like the USL's)
    // served less than it can.
    const fresh = this.steps[this.steps.length - 1]!.verdict !== 'good';
    const served = saturated && bad.goodput * (1 + res) >= g && (fresh || sec === null);
    // A step just above the last good one that held too means a latency ratio's "the
    // limit is right here" was stale: only the estimates that moved with the new good
    // rate still count. What a saturated target served stays a bound until a good step
    // exceeds it by a resolution.
    const crept = this.lastProbeTiny && this.lastMoves[n - 1] === 'good';
    this.lastProbeTiny = false;
    let atLimit = gRatio >= 0.95 && !crept;
    if (served) {
      const e = fresh ? bad.goodput - Math.min(1, gRatio) * (bad.goodput - g) : bad.goodput;
      if (e > g * (1 + res)) estimates.push(e);
      else atLimit = true;
    }
    if (atLimit) estimates.push(g);
    if (estimates.length === 0) return round(lowStep, 1);
    const e = Math.min(...estimates);
    if ((e - g) / g <= 2 * res) {
      this.lastProbeTiny = true;
      return round(Math.min(g * (1 + 0.95 * res), g + gap / 2), 1);
    }
    // Below a hard breach the limit is usually well under it: stay in the lower half,
    // unless a saturated target showed where by what it served.
    return round(Math.min(g + (bad.hard && !served ? 0.5 : 0.9) * gap, Math.max(g + 0.1 * gap, e * (1 - res / 2))), 1);
  }

  private begin(phase: StepPhase, rate: number, durationS: number): SqueezeCommand[] {
    this.phase = phase;
    this.hold = new StepHold(this.opts, phase, this.steps.length + 1, { offered: rate, concurrency: null }, durationS, this.ledger);
    return [{ type: 'rate', rps: rate }];
  }

  private end(outcome: SqueezeOutcome, message: string): SqueezeCommand[] {
    this.phase = 'done';
    this.outcome = outcome;
    this.message = message;
    return [{ type: 'stop', reason: message }];
  }

  /** The result so far (complete once `finished`). */
  result(): SqueezeResult {
    const good = this.goods[this.goods.length - 1];
    const hasCapacity = this.outcome === 'capacity' || this.outcome === 'max-rate';
    let ci: [number, number | null] | null = null;
    if (hasCapacity && good) {
      // Bracket from the search, widened downwards by the measured per-second noise
      // (95% interval of the mean achieved rate at the last good step).
      const noise = good.n > 1 ? (1.96 * good.sd) / Math.sqrt(good.n) : 0;
      ci = [round(Math.max(0, good.rate - noise), 1), this.bad ? this.bad.rate : null];
    }
    return {
      mode: 'rate',
      outcome: this.outcome ?? 'aborted',
      capacity_rps: hasCapacity && good ? good.rate : null,
      ci,
      binding_guard: this.bad?.binding ?? null,
      best_concurrency: null,
      generator_bound_rps: this.generatorBound,
      message: this.message || 'search not finished',
      steps: this.steps,
      slo: this.opts.slo.map((c) => c.expr),
      ...this.ledger.totals(),
      hard_breaches: this.hardBreaches,
    };
  }
}
