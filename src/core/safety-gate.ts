import type { SecondSample } from './load-types.js';
import { errorCount, requestCount, type SloClause } from './slo.js';
import type { SqueezeOptions } from './squeeze-types.js';

/**
 * What a search has cost so far: every second and request, and those above the SLO.
 * Inside a step's measured part, time counts as above the SLO by control window (a
 * window whose guards broke), so that per-second noise at a rate that holds the SLO on
 * average is not counted; in warm-ups, cool-downs and hard breaches it counts by second.
 *
 * @example
 * const ledger = new SearchLedger(slo); ledger.add(sample); ledger.timeOverSloS
 */
export class SearchLedger {
  seconds = 0;
  requests = 0;
  errors = 0;
  timeOverSloS = 0;
  requestsOverSlo = 0;

  constructor(private readonly slo: readonly SloClause[]) {}

  /** Counts one second; returns whether that second alone broke the SLO. */
  add(s: SecondSample): boolean {
    this.seconds++;
    this.requests += requestCount(s);
    this.errors += errorCount(s);
    return !secondMeetsSlo(this.slo, s);
  }

  /** The search's totals as both squeeze modes report them. */
  totals() {
    return {
      time_over_slo_s: this.timeOverSloS,
      requests_over_slo: this.requestsOverSlo,
      requests: this.requests,
      errors: this.errors,
      duration_s: this.seconds,
    };
  }

  /** Counts seconds spent above the SLO. */
  over(seconds: readonly SecondSample[]): void {
    for (const s of seconds) {
      this.timeOverSloS++;
      this.requestsOverSlo += requestCount(s);
    }
  }
}

/** Whether one second on its own meets every clause. */
export function secondMeetsSlo(slo: readonly SloClause[], s: SecondSample): boolean {
  for (const c of slo) {
    if (c.kind === 'latency') {
      if (s.latency_ms[c.percentile] > c.limitMs) return false;
    } else {
      const n = requestCount(s);
      if (n > 0 && errorCount(s) / n > c.limitFraction) return false;
    }
  }
  return true;
}

/** A tripped safety gate: which one and how far over its limit (value/limit of the SLO). */
export interface Breach {
  guard: string;
  ratio: number;
  message: string;
  /** The error budget is spent: the search must end, whatever onHardBreach says. */
  final?: boolean;
}

/**
 * The circuit breaker, checked on every second: a latency clause over
 * `hardLatencyFactor` × its limit (for a tail percentile, with the median over half the
 * limit too), the error rate over `hardErrorFactor` × its limit
 * (with at least 5 errors, so one unlucky request at a low rate does not trip it), the
 * target completing under 1/`hardLatencyFactor` of the requests sent (open model, the
 * generator healthy), or the search's error budget spent (more failed requests than
 * `errorBudget`).
 *
 * @example
 * const b = hardBreach(opts, sample, ledger); if (b) driver.setRate(opts.minRate);
 */
export function hardBreach(opts: SqueezeOptions, s: SecondSample, ledger: SearchLedger): Breach | null {
  for (const c of opts.slo) {
    if (c.kind === 'latency') {
      const v = s.latency_ms[c.percentile];
      // A tail spike with the median far below the limit is a stall (a neighbour on the
      // machine, a GC pause), not overload — which lifts the median within a second or
      // two. The control windows judge it; the breaker is for load that is doing harm.
      const tailOnly = c.percentile !== 'p50' && s.latency_ms.p50 < 0.5 * c.limitMs;
      if (v > c.limitMs * opts.hardLatencyFactor && !tailOnly) {
        return { guard: c.expr, ratio: v / c.limitMs, message: `${c.percentile} ${v.toFixed(1)}ms > ${opts.hardLatencyFactor}× ${c.expr}` };
      }
    } else {
      const e = errorCount(s);
      const n = requestCount(s);
      if (e >= 5 && n > 0 && e / n > c.limitFraction * opts.hardErrorFactor) {
        const pct = ((100 * e) / n).toFixed(2);
        return { guard: c.expr, ratio: e / n / c.limitFraction, message: `error rate ${pct}% > ${opts.hardErrorFactor}× ${c.expr}` };
      }
    }
  }
  // A target completing under 1/hardLatencyFactor of what it was sent is building a
  // backlog that the latency of the requests that did complete only shows a second later.
  const sent = s.offered_rps === null ? 0 : s.offered_rps - s.dropped;
  const generatorOk = !s.generator.saturated && s.late <= 0.02 * sent;
  if (sent >= 20 && generatorOk && s.achieved_rps * opts.hardLatencyFactor < sent) {
    return {
      guard: 'throughput',
      ratio: sent / Math.max(1, s.achieved_rps),
      message: `completed ${s.achieved_rps} of ${Math.round(sent)} requests sent in a second: a backlog is building`,
    };
  }
  if (ledger.errors > opts.errorBudget) {
    const errorSlo = opts.slo.find((c) => c.kind === 'errors');
    return {
      guard: errorSlo?.expr ?? 'errors',
      ratio: ledger.errors / ledger.requests / opts.errorBudget,
      final: true,
      message: `error budget of the search spent: ${ledger.errors} of ${ledger.requests} requests failed (budget ${+(opts.errorBudget * 100).toPrecision(3)}%)`,
    };
  }
  return null;
}
