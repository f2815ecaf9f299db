import type { LatencySummaryMs, SecondSample } from './load-types.js';
import { normal, seededRandom } from './seeded-random.js';
import { uslThroughput, type UslParams } from './usl.js';

/**
 * A model of a target that turns an offered rate into per-second samples, so that the
 * squeeze controller can be tested and benchmarked deterministically without sockets.
 * Shape: a single queue of service rate `mu` (req/s) whose p99 sojourn grows like
 * M/M/1's, S·(1 + k·ρ/(1−ρ)), plus a backlog that builds at ρ ≥ 1 and drains below;
 * optionally a rate limiter (errors 1 − limit/λ, as nginx limit_req answers 503),
 * a collapse past `collapseRps` (everything times out), and multiplicative noise.
 */
export interface SimTargetSpec {
  /** Maximum service rate, req/s. */
  mu: number;
  /** Service time at no load, ms. */
  serviceMs: number;
  /** p99 growth factor k in S·(1 + k·ρ/(1−ρ)). */
  k?: number;
  /** Coefficient of variation of per-second latency noise. */
  noise?: number;
  /** Above this offered rate, the excess is rejected (error) at once. */
  limitRps?: number;
  /** Above this offered rate, the target collapses: every request times out. */
  collapseRps?: number;
  /** Throughput falls as a backlog builds (like the USL past its peak): μ/(1 + r·backlog/μ). */
  retrograde?: number;
  /** Generator saturates above this rate (it cannot send more). */
  generatorMaxRps?: number;
  seed?: number;
}

/** Per-second sample source for a SimTargetSpec; `second(rate)` advances one second. */
export class SimulatedTarget {
  private t = 0;
  private backlog = 0;
  private readonly rng: () => number;

  constructor(readonly spec: SimTargetSpec) {
    this.rng = seededRandom(spec.seed ?? 1);
  }

  /**
   * The p99 latency (ms) at a steady offered rate, without noise — the ground truth
   * against which a squeeze is checked.
   */
  steadyP99(rate: number): number {
    const { mu, serviceMs } = this.spec;
    const k = this.spec.k ?? 4.6;
    const served = this.spec.limitRps ? Math.min(rate, this.spec.limitRps) : rate;
    const rho = served / mu;
    return rho >= 1 ? Infinity : serviceMs * (1 + (k * rho) / (1 - rho));
  }

  /** The true capacity under `p99 < limitMs` (and errors when rate-limited): solved from the model. */
  trueCapacity(p99LimitMs: number): number {
    const { mu, serviceMs } = this.spec;
    const k = this.spec.k ?? 4.6;
    // serviceMs·(1 + kρ/(1−ρ)) = L  ⇔  ρ = a/(k + a) with a = L/S − 1.
    const a = p99LimitMs / serviceMs - 1;
    let cap = a <= 0 ? 0 : (mu * a) / (k + a);
    if (this.spec.limitRps !== undefined) cap = Math.min(cap, this.spec.limitRps);
    if (this.spec.collapseRps !== undefined) cap = Math.min(cap, this.spec.collapseRps);
    return cap;
  }

  second(offered: number): SecondSample {
    this.t++;
    const s = this.spec;
    const sent = s.generatorMaxRps !== undefined ? Math.min(offered, s.generatorMaxRps) : offered;
    const genSaturated = s.generatorMaxRps !== undefined && offered > s.generatorMaxRps;
    const collapsed = s.collapseRps !== undefined && sent > s.collapseRps;
    const rejected = s.limitRps !== undefined && sent > s.limitRps ? sent - s.limitRps : 0;
    const admitted = sent - rejected;
    const noise = () => Math.max(0.2, 1 + (s.noise ?? 0.03) * normal(this.rng));
    let p99: number;
    let achieved: number;
    if (collapsed) {
      achieved = 0;
      p99 = 10_000;
      this.backlog = 0;
    } else {
      // Backlog in requests: grows when admitted > mu, drains at mu - admitted.
      const mu = s.mu / (1 + ((s.retrograde ?? 0) * this.backlog) / s.mu);
      this.backlog = Math.max(0, this.backlog + admitted - mu);
      const rho = Math.min(admitted / s.mu, 0.995);
      const base = s.serviceMs * (1 + ((s.k ?? 4.6) * rho) / (1 - rho));
      p99 = base + (this.backlog / mu) * 1000;
      achieved = Math.min(admitted, mu) + rejected;
    }
    const lat = summary(p99 * noise(), s.serviceMs);
    const timeouts = collapsed ? Math.round(sent) : 0;
    const errors5xx = Math.round(rejected);
    return {
      t: this.t,
      offered_rps: offered,
      achieved_rps: Math.round(achieved),
      latency_ms: lat,
      service_ms: genSaturated ? summary(s.serviceMs * 2, s.serviceMs) : lat,
      errors: { ...(timeouts ? { timeout: timeouts } : {}), ...(errors5xx ? { http_5xx: errors5xx } : {}) },
      status: { '200': Math.round(achieved) - errors5xx, ...(errors5xx ? { '503': errors5xx } : {}) },
      bytes_in: 0,
      bytes_out: 0,
      late: genSaturated ? Math.round(offered - sent) : 0,
      dropped: 0,
      generator: { cpu: genSaturated ? 1 : 0.2, loop_lag_ms: 1, pacing_error_ms: genSaturated ? 50 : 0.1, saturated: genSaturated },
    };
  }
}

function summary(p99: number, serviceMs: number): LatencySummaryMs {
  const p50 = Math.max(serviceMs, p99 / 4);
  return { p50, p90: (p50 + p99) / 2, p99, p999: p99 * 1.3, max: p99 * 1.6, mean: (p50 * 2 + p99) / 3 };
}

/**
 * Runs a controller against a simulated target, second by second, for at most
 * `maxSeconds`: a rate command takes effect in the next second. Returns the seconds
 * and, for the abort checks, the rate offered in each one.
 *
 * @example
 * const c = new SqueezeController(opts);
 * runSimulated(c, new SimulatedTarget({ mu: 1000, serviceMs: 5 }));
 */
export function runSimulated(
  controller: { start(): SimCommand[]; onSecond(s: SecondSample): SimCommand[]; finished: boolean },
  target: { second(level: number): SecondSample },
  maxSeconds = 3600,
): { offered: number[]; samples: SecondSample[] } {
  let level = 0;
  const apply = (cmds: SimCommand[]) => {
    for (const c of cmds) {
      if (c.type === 'rate' && c.rps !== undefined) level = c.rps;
      if (c.type === 'concurrency' && c.vus !== undefined) level = c.vus;
    }
  };
  apply(controller.start());
  const offered: number[] = [];
  const samples: SecondSample[] = [];
  for (let i = 0; i < maxSeconds && !controller.finished; i++) {
    offered.push(level);
    const s = target.second(level);
    samples.push(s);
    apply(controller.onSecond(s));
  }
  return { offered, samples };
}

type SimCommand = { type: string; rps?: number; vus?: number };

/**
 * A closed-model target whose throughput follows the USL in the number of users and
 * whose latency follows from Little's law (R = N/X), with multiplicative noise.
 *
 * @example
 * new SimulatedClosedTarget({ sigma: 0.05, kappa: 0.001, lambda: 200 }).second(8)
 */
export class SimulatedClosedTarget {
  private t = 0;
  private readonly rng: () => number;
  constructor(readonly usl: UslParams, readonly noise = 0.02, seed = 1) {
    this.rng = seededRandom(seed);
  }
  second(vus: number): SecondSample {
    this.t++;
    const x = uslThroughput(this.usl, vus) * Math.max(0.2, 1 + this.noise * normal(this.rng));
    const meanMs = (vus / x) * 1000;
    const lat = { p50: meanMs * 0.9, p90: meanMs * 1.5, p99: meanMs * 2.5, p999: meanMs * 3, max: meanMs * 4, mean: meanMs };
    return {
      t: this.t,
      offered_rps: null,
      achieved_rps: Math.round(x),
      latency_ms: lat,
      service_ms: lat,
      errors: {},
      status: { '200': Math.round(x) },
      bytes_in: 0,
      bytes_out: 0,
      late: 0,
      dropped: 0,
      generator: { cpu: 0.2, loop_lag_ms: 1, pacing_error_ms: 0, saturated: false },
    };
  }
}
