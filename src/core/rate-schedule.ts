import { invalidInput } from './errors.js';
import { parseDuration } from './duration.js';

/** One stage of an arrival-rate ramp: linear from `from` to `to` req/s over `durationMs`. */
export interface RateStage {
  from: number;
  to: number;
  durationMs: number;
}

interface Segment {
  startMs: number;
  /** Infinity for an open-ended hold. */
  durationMs: number;
  from: number;
  to: number;
  /** Expected cumulative arrivals N(startMs). */
  startCount: number;
}

/**
 * The arrival-rate schedule of the open model, as a function of time since the start:
 * piecewise-linear rate r(t) in req/s, its integral N(t) (the expected number of arrivals
 * by t) and the inverse N⁻¹(n). Intended send times are N⁻¹(n + ½) for n = 0, 1, 2, …,
 * which spaces arrivals evenly inside every millisecond, not in bursts per second.
 * Poisson arrivals use the same inverse on a unit-rate Poisson process (time-rescaling
 * theorem: Brown et al., "The time-rescaling theorem and its application to neural spike
 * train data analysis", Neural Computation 14(2), 2002).
 *
 * Pure: time is a number of milliseconds passed in; the schedule can be steered with
 * `setRate`, which holds a new rate from a given moment on.
 *
 * @example
 * const s = new RateSchedule([{ from: 0, to: 1000, durationMs: 10_000 }]);
 * s.rateAt(5000);      // 500
 * s.countAt(10_000);   // 5000
 * s.timeOfCount(5000); // 10000
 */
export class RateSchedule {
  private segments: Segment[] = [];
  /** End of the last finite stage (ms), or Infinity after an open-ended setRate. */
  endMs: number;

  constructor(stages: RateStage[]) {
    let t = 0;
    let n = 0;
    for (const st of stages) {
      if (!(st.durationMs > 0) || !(st.from >= 0) || !(st.to >= 0)) {
        throw invalidInput('HR_E_BAD_STAGES', `stages: expected positive durations and rates ≥ 0, got ${JSON.stringify(st)}`);
      }
      this.segments.push({ startMs: t, durationMs: st.durationMs, from: st.from, to: st.to, startCount: n });
      n += ((st.from + st.to) / 2) * (st.durationMs / 1000);
      t += st.durationMs;
    }
    this.endMs = t;
  }

  /** A constant rate for `durationMs`. */
  static constant(rps: number, durationMs: number): RateSchedule {
    return new RateSchedule([{ from: rps, to: rps, durationMs }]);
  }

  private segmentAt(tMs: number): Segment | undefined {
    const segs = this.segments;
    for (let i = segs.length - 1; i >= 0; i--) {
      if (segs[i]!.startMs <= tMs) return segs[i];
    }
    return undefined;
  }

  /** The scheduled rate (req/s) at `tMs`; 0 before the start and after the end. */
  rateAt(tMs: number): number {
    if (tMs < 0 || tMs >= this.endMs) return 0;
    const s = this.segmentAt(tMs);
    if (!s) return 0;
    if (!Number.isFinite(s.durationMs)) return s.from;
    return s.from + ((s.to - s.from) * (tMs - s.startMs)) / s.durationMs;
  }

  /** N(t): expected arrivals in [0, tMs]. */
  countAt(tMs: number): number {
    if (tMs <= 0) return 0;
    const t = Math.min(tMs, this.endMs);
    const s = this.segmentAt(t);
    if (!s) return 0;
    const tau = t - s.startMs;
    if (!Number.isFinite(s.durationMs)) return s.startCount + (s.from * tau) / 1000;
    const slope = (s.to - s.from) / s.durationMs;
    return s.startCount + (s.from * tau + (slope * tau * tau) / 2) / 1000;
  }

  /** Total expected arrivals of the whole schedule (Infinity when open-ended). */
  get total(): number {
    return Number.isFinite(this.endMs) ? this.countAt(this.endMs) : Infinity;
  }

  /** N⁻¹(n): the time (ms) at which the expected count reaches `n`; Infinity if never. */
  timeOfCount(n: number): number {
    const segs = this.segments;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      const next = segs[i + 1];
      const segEnd = next ? next.startMs : this.endMs;
      const endCount = next ? next.startCount : this.countAt(this.endMs);
      if (n > endCount && Number.isFinite(segEnd)) continue;
      const c = n - s.startCount;
      if (c <= 0) return s.startMs;
      const b = s.from / 1000;
      const a = Number.isFinite(s.durationMs) ? (s.to - s.from) / s.durationMs / 2000 : 0;
      const disc = b * b + 4 * a * c;
      // 2c / (b + √(b² + 4ac)) is the stable root of a·τ² + b·τ − c = 0 for any sign of a.
      const denom = b + Math.sqrt(Math.max(0, disc));
      // With b = 0 (a ramp from 0 req/s) and a tiny c, 4ac underflows to 0: take the
      // root √(c/a) of a·τ² = c directly instead.
      const tau = denom > 0 ? (2 * c) / denom : a > 0 ? Math.sqrt(c / a) : Infinity;
      if (!Number.isFinite(tau)) return Number.isFinite(segEnd) ? segEnd : Infinity;
      return Math.min(s.startMs + tau, segEnd);
    }
    return Infinity;
  }

  /**
   * Holds `rps` from `atMs` on (until `untilMs`, default the current end). Used by a
   * controller steering a running load; the count N(t) stays continuous.
   */
  setRate(atMs: number, rps: number, untilMs = this.endMs): void {
    if (!(rps >= 0) || !Number.isFinite(rps)) {
      throw invalidInput('HR_E_BAD_RATE', `rate: expected a number ≥ 0, got ${rps}`);
    }
    const at = Math.max(0, atMs);
    const count = this.countAt(at);
    const kept: Segment[] = [];
    for (const s of this.segments) {
      if (s.startMs >= at) break;
      const d = Number.isFinite(s.durationMs) ? Math.min(s.durationMs, at - s.startMs) : at - s.startMs;
      const to = Number.isFinite(s.durationMs) ? s.from + ((s.to - s.from) * d) / s.durationMs : s.from;
      kept.push({ ...s, durationMs: d, to });
    }
    const dur = untilMs - at;
    kept.push({ startMs: at, durationMs: dur > 0 ? dur : 0, from: rps, to: rps, startCount: count });
    this.segments = kept.filter((s) => s.durationMs > 0 || s.startMs === at);
    this.endMs = Math.max(at, untilMs);
  }
}

const STAGE = /^\s*(\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*\/\s*(\S+)\s*$/;

/**
 * Parses `--stages`: comma-separated `from:to/duration` (a ramp) or `rate/duration` (a hold).
 *
 * @example
 * parseStages('0:1000/30s,1000:5000/60s,5000/1m')
 */
export function parseStages(text: string, what = '--stages'): RateStage[] {
  const parts = text.split(',');
  const out: RateStage[] = [];
  for (const p of parts) {
    const m = STAGE.exec(p);
    if (!m) {
      throw invalidInput('HR_E_BAD_STAGES', `${what}: expected stages like 0:1000/30s,1000/60s, got "${p.trim()}"`);
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const durationMs = parseDuration(m[3]!, what);
    if (durationMs <= 0) throw invalidInput('HR_E_BAD_STAGES', `${what}: expected a positive stage duration, got "${m[3]}"`);
    out.push({ from, to, durationMs });
  }
  if (out.every((s) => s.from === 0 && s.to === 0)) {
    throw invalidInput('HR_E_BAD_STAGES', `${what}: expected at least one stage with a rate above 0, got "${text}"`);
  }
  return out;
}
