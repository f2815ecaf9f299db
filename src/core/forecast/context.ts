/**
 * What the models know about a series besides its values: its seasonal periods, where
 * y[0] sits in each cycle (from timestamps; 0 when unknown), and known events.
 */
export interface ForecastContext {
  /** Seasonal periods in steps, ascending (may be empty). */
  periods: number[];
  /** Position of y[0] within each period (same order as `periods`). */
  phase: number[];
  /** Event label index for each step from y[0] through the forecast horizon (−1 none), or null. */
  events: Int16Array | null;
  eventLabels: number;
  /**
   * Fleet mode: skip the costly steps that only bring the models closer to R's
   * (ETS initial seasonal states from the decomposition instead of optimised).
   */
  fast?: boolean;
}

/** 1970-01-05 was a Monday: cycles of a week start on Monday at 00:00. */
const MONDAY = Date.UTC(1970, 0, 5);

/**
 * Builds a context; with timestamps, phases line up with the calendar (hour of day, hour
 * of week, day of week).
 *
 * @example
 * makeContext([24, 168], { startMs: Date.UTC(2024, 0, 1), stepMs: 3_600_000 })
 */
export function makeContext(periods: number[], time?: { startMs: number; stepMs: number }, events?: { index: Int16Array; labels: string[] }): ForecastContext {
  const phase = periods.map((p) => {
    if (!time) return 0;
    const k = Math.round((time.startMs - MONDAY) / time.stepMs);
    return ((k % p) + p) % p;
  });
  return { periods, phase, events: events?.index ?? null, eventLabels: events?.labels.length ?? 0 };
}
