import type { ErrorKind, RunSummary, SecondSample } from './load-types.js';
import { addEncoded, createLatencyHistogram, encodeHistogram, summarizeMs, type LatencyHistogram } from './histogram.js';
import { judgeRun, judgeSecond } from './generator-health.js';

/** The per-second report of one generator thread (see src/load/worker-protocol.ts). */
export interface ThreadSecond {
  worker: number;
  /** 0-based second index since the start. */
  index: number;
  final: boolean;
  /** Encoded HDR histograms (µs). */
  latency: string;
  service: string;
  responses: number;
  errors: Partial<Record<ErrorKind, number>>;
  status: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  sent: number;
  late: number;
  dropped: number;
  cpu: number;
  loopLagMs: number;
  pacingErrorMs: number;
  connections?: number;
  /** Time the thread stopped sending, ms since start (final report only). */
  sendEndMs?: number;
}

interface Pending {
  reported: Set<number>;
  latency: LatencyHistogram;
  service: LatencyHistogram;
  responses: number;
  sent: number;
  errors: Partial<Record<ErrorKind, number>>;
  status: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  late: number;
  dropped: number;
  cpu: number;
  loopLagMs: number;
  pacingErrorMs: number;
  connections: number;
}

function addCounts<K extends string>(into: Partial<Record<K, number>>, from: Partial<Record<K, number>>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + (from[k] ?? 0);
}

/**
 * Merges the threads' per-second reports exactly (HDR histograms added bucket by bucket)
 * into one SecondSample per second, in order, and the whole run into a RunSummary.
 *
 * @example
 * const agg = new RunAggregate(2, (t) => 1000);
 * for (const s of agg.add(report)) emit(s);
 */
export class RunAggregate {
  private readonly pending = new Map<number, Pending>();
  private readonly finalIndex = new Map<number, number>();
  private nextEmit = 0;
  readonly samples: SecondSample[] = [];
  private readonly latency = createLatencyHistogram();
  private readonly service = createLatencyHistogram();
  private readonly errors: Partial<Record<ErrorKind, number>> = {};
  private readonly status: Record<string, number> = {};
  private responses = 0;
  private failures = 0;
  private bytesIn = 0;
  private bytesOut = 0;
  private late = 0;
  private dropped = 0;
  sendEndMs = 0;

  constructor(
    private readonly threads: number,
    /** Arrival rate asked for in second `index` (open model), or null (closed model). */
    private readonly offered: (index: number) => number | null,
  ) {}

  /** True when every thread has sent its final report. */
  get complete(): boolean {
    return this.finalIndex.size === this.threads;
  }

  add(r: ThreadSecond): SecondSample[] {
    let p = this.pending.get(r.index);
    if (!p) {
      p = {
        reported: new Set(), latency: createLatencyHistogram(), service: createLatencyHistogram(),
        responses: 0, sent: 0, errors: {}, status: {}, bytesIn: 0, bytesOut: 0, late: 0, dropped: 0,
        cpu: 0, loopLagMs: 0, pacingErrorMs: 0, connections: 0,
      };
      this.pending.set(r.index, p);
    }
    p.reported.add(r.worker);
    addEncoded(p.latency, r.latency);
    addEncoded(p.service, r.service);
    addEncoded(this.latency, r.latency);
    addEncoded(this.service, r.service);
    p.responses += r.responses;
    p.sent += r.sent;
    addCounts(p.errors, r.errors);
    addCounts(p.status, r.status);
    addCounts(this.errors, r.errors);
    addCounts(this.status, r.status);
    p.bytesIn += r.bytesIn;
    p.bytesOut += r.bytesOut;
    p.late += r.late;
    p.dropped += r.dropped;
    p.connections += r.connections ?? 0;
    p.cpu += r.cpu / this.threads;
    p.loopLagMs = Math.max(p.loopLagMs, r.loopLagMs);
    p.pacingErrorMs = Math.max(p.pacingErrorMs, r.pacingErrorMs);
    this.responses += r.responses;
    for (const k of ['timeout', 'refused', 'reset', 'other'] as const) this.failures += r.errors[k] ?? 0;
    this.bytesIn += r.bytesIn;
    this.bytesOut += r.bytesOut;
    this.late += r.late;
    this.dropped += r.dropped;
    if (r.final) {
      this.finalIndex.set(r.worker, r.index);
      this.sendEndMs = Math.max(this.sendEndMs, r.sendEndMs ?? 0);
    }
    return this.drain();
  }

  private ready(index: number, p: Pending): boolean {
    for (let w = 0; w < this.threads; w++) {
      if (p.reported.has(w)) continue;
      const f = this.finalIndex.get(w);
      if (f === undefined || f >= index) return false;
    }
    return true;
  }

  private drain(): SecondSample[] {
    const out: SecondSample[] = [];
    for (;;) {
      const p = this.pending.get(this.nextEmit);
      if (!p) {
        // A second nobody reported (a thread stopped before it): skip it once all are final.
        if (this.complete && [...this.pending.keys()].some((k) => k > this.nextEmit)) {
          this.nextEmit++;
          continue;
        }
        break;
      }
      if (!this.ready(this.nextEmit, p)) break;
      this.pending.delete(this.nextEmit);
      const s: SecondSample = {
        t: this.nextEmit + 1,
        offered_rps: this.offered(this.nextEmit),
        achieved_rps: p.responses,
        latency_ms: summarizeMs(p.latency),
        service_ms: summarizeMs(p.service),
        errors: p.errors,
        status: p.status,
        bytes_in: p.bytesIn,
        bytes_out: p.bytesOut,
        late: p.late,
        dropped: p.dropped,
        connections: p.connections,
        generator: judgeSecond(Math.round(p.cpu * 1000) / 1000, p.loopLagMs, p.pacingErrorMs),
      };
      this.samples.push(s);
      out.push(s);
      this.nextEmit++;
    }
    return out;
  }

  /** The whole run's merged HDR histograms (µs), HdrHistogram compressed base64: what the store keeps. */
  encodedHistograms(): { latency: string; service: string } {
    return { latency: encodeHistogram(this.latency), service: encodeHistogram(this.service) };
  }

  /** The whole-run summary; `target` is the mean offered rate (open model) or null. */
  summary(target: number | null): RunSummary {
    const durationS = Math.max(0.001, this.sendEndMs / 1000);
    const total = Object.values(this.errors).reduce((a, b) => a + (b ?? 0), 0);
    const verdict = judgeRun(this.samples);
    return {
      requests: this.responses + this.failures,
      duration_s: Math.round(durationS * 1000) / 1000,
      rate: { target, achieved: Math.round((this.responses / durationS) * 100) / 100 },
      latency_ms: summarizeMs(this.latency),
      service_ms: summarizeMs(this.service),
      errors: { total, by_kind: { ...this.errors } },
      status: { ...this.status },
      bytes: { in: this.bytesIn, out: this.bytesOut },
      late: this.late,
      dropped: this.dropped,
      generator_saturated: verdict.saturated,
      generator_notes: verdict.notes,
      thresholds: [],
    };
  }
}
