import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux; /proc reports utime/stime in these ticks.
const LAG_RESOLUTION_MS = 10;

/** CPU seconds of the calling thread from /proc/thread-self/stat, or null where unavailable. */
function threadCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the ")" of the command name: state is field 3; utime 14, stime 15 (proc(5)).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

/** One second of a generator thread watching itself. */
export interface SelfSample {
  /** CPU of this thread over wall time (0..1): /proc/thread-self when available, else event-loop utilisation. */
  cpu: number;
  /** Event-loop utilisation (0..1). */
  elu: number;
  /** Worst event-loop delay beyond the timer's resolution, ms. */
  loopLagMs: number;
}

/**
 * Watches the thread it runs in: CPU time (process.cpuUsage() is process-wide inside a
 * worker thread, so the per-thread figure comes from /proc/thread-self/stat), event-loop
 * utilisation, and event-loop delay via perf_hooks.monitorEventLoopDelay.
 *
 * @example
 * const m = new SelfMonitor();
 * setInterval(() => console.log(m.sample()), 1000);
 */
export class SelfMonitor {
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  private cpuAt = threadCpuSeconds();
  private wallAt = performance.now();

  constructor() {
    this.delay.enable();
  }

  sample(): SelfSample {
    const now = performance.now();
    const e = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const cpuNow = threadCpuSeconds();
    const wall = (now - this.wallAt) / 1000;
    let cpu = e.utilization;
    if (cpuNow !== null && this.cpuAt !== null && wall > 0.2) cpu = Math.min(1, (cpuNow - this.cpuAt) / wall);
    this.cpuAt = cpuNow;
    this.wallAt = now;
    const lag = this.delay.count > 0 ? Math.max(0, this.delay.max / 1e6 - LAG_RESOLUTION_MS) : 0;
    this.delay.reset();
    return { cpu, elu: e.utilization, loopLagMs: Math.round(lag * 100) / 100 };
  }

  close(): void {
    this.delay.disable();
  }
}
