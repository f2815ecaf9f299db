import type { SecondSample } from './load-types.js';
import { SearchLedger, hardBreach } from './safety-gate.js';
import { StepHold, round } from './step-hold.js';
import type { SqueezeCommand, SqueezeOptions, SqueezeOutcome, SqueezeResult, SqueezeStep } from './squeeze-types.js';

/**
 * The concurrency squeeze (closed model), after erlperf's `--squeeze` (Maxim Fedorov,
 * erlperf README, "Concurrency estimation mode"): raise the number of virtual users pass
 * by pass until throughput stops growing. A pass that beats the best throughput by more
 * than `noiseThreshold` (relative) resets the plateau count; `plateauPasses` passes
 * without such a gain end the search. A pass that breaks the SLO ends it early. The
 * result is the best pass that met the SLO. The same hold, noise check and safety gate
 * as the rate squeeze apply.
 *
 * @example
 * const c = new ConcurrencySqueeze(resolveSqueezeOptions({ mode: 'concurrency', slo, maxConcurrency: 64 }));
 * apply(c.start()); driver.onSecond((s) => apply(c.onSecond(s)));
 */
export class ConcurrencySqueeze {
  private hold: StepHold | null = null;
  private readonly steps: SqueezeStep[] = [];
  private readonly ledger: SearchLedger;
  private best: SqueezeStep | null = null;
  private plateau = 0;
  private vus: number;
  private done = false;
  private outcome: SqueezeOutcome = 'aborted';
  private message = 'search not finished';
  private binding: string | null = null;
  private hardBreaches = 0;
  private generatorBound: number | null = null;

  constructor(private readonly opts: SqueezeOptions) {
    this.ledger = new SearchLedger(opts.slo);
    this.vus = opts.minConcurrency;
  }

  get finished(): boolean {
    return this.done;
  }

  start(): SqueezeCommand[] {
    return this.pass();
  }

  onSecond(s: SecondSample): SqueezeCommand[] {
    if (this.done) return [];
    const over = this.ledger.add(s);
    const hold = this.hold!;
    const breach = hardBreach(this.opts, s, this.ledger);
    if (breach) {
      const step = hold.abort(s, breach.message);
      step.binding = breach.guard;
      this.steps.push(step);
      this.hardBreaches++;
      this.binding = breach.guard;
      return [{ type: 'concurrency', vus: this.opts.minConcurrency }, ...this.finish(`safety gate at ${step.concurrency} users: ${breach.message}`)];
    }
    const step = hold.add(s, over);
    if (!step) return [];
    this.steps.push(step);
    if (step.verdict === 'generator-bound') {
      this.generatorBound = step.achieved_rps;
      this.outcome = 'generator-bound';
      this.done = true;
      this.message = `generator-bound at ${round(step.achieved_rps, 1)} req/s with ${step.concurrency} users: no capacity is reported — add --threads or agents`;
      return [{ type: 'stop', reason: this.message }];
    }
    if (step.verdict !== 'good') {
      this.binding = step.binding;
      return this.finish(`the SLO broke at ${step.concurrency} users (${step.binding})`);
    }
    const x = step.goodput_rps;
    if (!this.best || x > this.best.goodput_rps * (1 + this.opts.noiseThreshold)) {
      this.best = step;
      this.plateau = 0;
    } else {
      if (x > this.best.goodput_rps) this.best = step;
      this.plateau++;
    }
    if (this.plateau >= this.opts.plateauPasses) {
      this.binding = 'throughput';
      return this.finish(`throughput stopped growing: ${this.plateau} passes without a gain above ${this.opts.noiseThreshold * 100}%`);
    }
    if (this.vus >= this.opts.maxConcurrency) return this.finish(`reached --max-concurrency ${this.opts.maxConcurrency}`);
    if (this.steps.length >= this.opts.maxSteps) return this.finish(`step limit (${this.opts.maxSteps}) reached`);
    this.vus = Math.min(this.opts.maxConcurrency, Math.max(this.vus + 1, Math.ceil(this.vus * 1.25)));
    return this.pass();
  }

  private pass(): SqueezeCommand[] {
    this.hold = new StepHold(this.opts, 'pass', this.steps.length + 1, { offered: null, concurrency: this.vus }, this.opts.stepDurationS, this.ledger);
    return [{ type: 'concurrency', vus: this.vus }];
  }

  private finish(why: string): SqueezeCommand[] {
    this.done = true;
    if (this.best) {
      this.outcome = 'capacity';
      this.message = `best pass: ${this.best.goodput_rps} req/s with ${this.best.concurrency} users within the SLO; ${why}`;
    } else {
      this.outcome = 'no-headroom';
      this.message = `no headroom at ${this.opts.minConcurrency} user(s): ${why}`;
    }
    return [{ type: 'stop', reason: this.message }];
  }

  result(): SqueezeResult {
    const b = this.best;
    const noise = b && b.measured_s > 1 ? (1.96 * b.achieved_sd) / Math.sqrt(b.measured_s) : 0;
    const ok = this.outcome === 'capacity' && b;
    return {
      mode: 'concurrency',
      outcome: this.outcome,
      capacity_rps: ok ? b.goodput_rps : null,
      ci: ok ? [round(Math.max(0, b.goodput_rps - noise), 1), round(b.goodput_rps + noise, 1)] : null,
      binding_guard: this.binding,
      best_concurrency: ok ? b.concurrency : null,
      generator_bound_rps: this.generatorBound,
      message: this.message,
      steps: this.steps,
      slo: this.opts.slo.map((c) => c.expr),
      ...this.ledger.totals(),
      hard_breaches: this.hardBreaches,
    };
  }
}
