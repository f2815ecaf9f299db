import type { ErrorKind } from '../core/load-types.js';
import type { ThreadSecond } from '../core/run-aggregate.js';
import { createLatencyHistogram, encodeHistogram, recordUs } from '../core/histogram.js';

const KINDS: ErrorKind[] = ['timeout', 'refused', 'reset', 'http_4xx', 'http_5xx', 'other'];
const PACING_BUCKETS = 1000; // 0.1 ms each, the last one for ≥ 99.9 ms

/** What one generator thread measured in one second, ready to post to the main thread. */
export type CountersSnapshot = Pick<ThreadSecond, 'latency' | 'service' | 'responses' | 'errors' | 'status' | 'sent' | 'late' | 'dropped' | 'pacingErrorMs'>;

/**
 * The per-second measurements of one generator thread, kept in typed arrays and two HDR
 * histograms so that recording a response allocates nothing; `snapshot()` turns them
 * into a message (histograms encoded) and starts the next second.
 *
 * @example
 * const c = new SecondCounters();
 * c.response(200, 1.5, 0.3); // status, latency ms, service ms
 * const second = c.snapshot();
 */
export class SecondCounters {
  private readonly latency = createLatencyHistogram();
  private readonly service = createLatencyHistogram();
  private readonly errors = new Int32Array(KINDS.length);
  private readonly status = new Int32Array(600);
  private readonly pacing = new Uint32Array(PACING_BUCKETS);
  private responses = 0;
  sent = 0;
  late = 0;
  dropped = 0;

  /** A response with any status; 4xx and 5xx also count as errors. */
  response(status: number, latencyMs: number, serviceMs: number): void {
    recordUs(this.latency, latencyMs * 1000);
    recordUs(this.service, serviceMs * 1000);
    this.responses++;
    this.status[status < 600 ? status : 599]!++;
    if (status >= 500) this.errors[4]!++;
    else if (status >= 400) this.errors[3]!++;
  }

  /** A request that got no response. A timed-out one still waited: it goes into latency. */
  failure(kind: ErrorKind, latencyMs: number, serviceMs: number): void {
    const k = KINDS.indexOf(kind);
    this.errors[k]!++;
    if (kind === 'timeout') {
      recordUs(this.latency, latencyMs * 1000);
      recordUs(this.service, serviceMs * 1000);
    }
  }

  /** How late a send was that had a free connection (the generator's own pacing error). */
  pacingError(lateByMs: number): void {
    const b = (lateByMs * 10) | 0;
    this.pacing[b < 0 ? 0 : b >= PACING_BUCKETS ? PACING_BUCKETS - 1 : b]!++;
  }

  private pacingMedianMs(): number {
    let total = 0;
    for (let i = 0; i < PACING_BUCKETS; i++) total += this.pacing[i]!;
    if (total === 0) return 0;
    let acc = 0;
    for (let i = 0; i < PACING_BUCKETS; i++) {
      acc += this.pacing[i]!;
      if (acc * 2 >= total) return (i + 0.5) / 10;
    }
    return PACING_BUCKETS / 10;
  }

  snapshot(): CountersSnapshot {
    const errors: Partial<Record<ErrorKind, number>> = {};
    for (let k = 0; k < KINDS.length; k++) if (this.errors[k]! > 0) errors[KINDS[k]!] = this.errors[k]!;
    const status: Record<string, number> = {};
    for (let s = 0; s < 600; s++) if (this.status[s]! > 0) status[String(s)] = this.status[s]!;
    const out: CountersSnapshot = {
      latency: encodeHistogram(this.latency),
      service: encodeHistogram(this.service),
      responses: this.responses,
      errors,
      status,
      sent: this.sent,
      late: this.late,
      dropped: this.dropped,
      pacingErrorMs: this.pacingMedianMs(),
    };
    this.latency.reset();
    this.service.reset();
    this.errors.fill(0);
    this.status.fill(0);
    this.pacing.fill(0);
    this.responses = this.sent = this.late = this.dropped = 0;
    return out;
  }
}
