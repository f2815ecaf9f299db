import { invalidInput } from '../errors.js';
import type { RawPoint } from './series-parse.js';

/**
 * Turns raw points into a regular series: sorted, duplicate timestamps merged, put on a
 * fixed step grid, missing slots and missing values filled. Pure; warnings are returned
 * for the caller to print.
 */

/** A regularly spaced series: values[i] is at startMs + i * stepMs. */
export interface RegularSeries {
  startMs: number;
  stepMs: number;
  values: Float64Array;
  warnings: string[];
}

/**
 * Regularises raw points. The step is the most common gap between consecutive distinct
 * timestamps unless given; points are snapped to the grid (nearest slot), duplicates in
 * a slot are averaged, gaps are filled by {@link fillMissing}.
 *
 * @example
 * regularize([{ t: 0, value: 1, row: 1 }, { t: 7200e3, value: 3, row: 2 }]).values // [1, 2, 3]
 */
export function regularize(points: RawPoint[], opts: { stepMs?: number; source?: string } = {}): RegularSeries {
  const source = opts.source ?? 'series';
  const warnings: string[] = [];
  if (points.length === 0) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: expected at least one point`);
  let sorted = points;
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.t < points[i - 1]!.t) {
      sorted = [...points].sort((a, b) => a.t - b.t);
      warnings.push(`${source}: rows were not in time order; sorted them`);
      break;
    }
  }
  let step = opts.stepMs ?? 0;
  if (!step) {
    const gaps = new Map<number, number>();
    for (let i = 1; i < sorted.length; i++) {
      const d = sorted[i]!.t - sorted[i - 1]!.t;
      if (d > 0) gaps.set(d, (gaps.get(d) ?? 0) + 1);
    }
    let best = 0;
    for (const [d, c] of gaps) if (c > best || (c === best && d < step)) [step, best] = [d, c];
    if (!step) step = 3_600_000;
  }
  const start = sorted[0]!.t;
  const n = Math.round((sorted[sorted.length - 1]!.t - start) / step) + 1;
  if (n > 5_000_000) throw invalidInput('HR_E_SERIES_TIMESTAMP', `${source}: ${n} slots of ${step} ms between the first and last timestamp; expected at most 5,000,000`);
  const sum = new Float64Array(n);
  const cnt = new Uint32Array(n);
  let dups = 0;
  for (const p of sorted) {
    const i = Math.round((p.t - start) / step);
    if (Number.isNaN(p.value)) continue;
    if (cnt[i]! > 0) dups++;
    sum[i] = sum[i]! + p.value;
    cnt[i] = cnt[i]! + 1;
  }
  if (dups > 0) warnings.push(`${source}: ${dups} duplicate timestamp(s); averaged values that share a slot`);
  const values = new Float64Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (cnt[i]) values[i] = sum[i]! / cnt[i]!;
    else {
      values[i] = NaN;
      missing++;
    }
  }
  if (missing === n) throw invalidInput('HR_E_SERIES_EMPTY', `${source}: every value is missing`);
  if (missing > 0) warnings.push(`${source}: ${missing} missing value(s) or gap slot(s) of ${n}; filled them`);
  return { startMs: start, stepMs: step, values: fillMissing(values, 0), warnings };
}

/**
 * Fills NaN in place: short gaps by linear interpolation; gaps longer than `period` (when
 * given) by the value one period earlier, so a missing day keeps its daily shape.
 * Leading NaN take the first observed value.
 *
 * @example
 * fillMissing(Float64Array.from([1, NaN, 3]), 0) // [1, 2, 3]
 */
export function fillMissing(y: Float64Array, period: number): Float64Array {
  const n = y.length;
  let i = 0;
  while (i < n) {
    if (!Number.isNaN(y[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && Number.isNaN(y[j]!)) j++;
    const left = i > 0 ? y[i - 1]! : NaN;
    const right = j < n ? y[j]! : NaN;
    const len = j - i;
    for (let k = i; k < j; k++) {
      if (period > 1 && len > period && k - period >= 0 && !Number.isNaN(y[k - period]!)) y[k] = y[k - period]!;
      else if (Number.isNaN(left)) y[k] = right;
      else if (Number.isNaN(right)) y[k] = left;
      else y[k] = left + ((right - left) * (k - i + 1)) / (len + 1);
    }
    i = j;
  }
  return y;
}

/**
 * Sums (counts) or averages (gauges) consecutive groups of `factor` values, aligned to
 * multiples of `factor * stepMs` since the epoch, e.g. 5-minute counts to hourly totals.
 * A partial first/last group is dropped.
 *
 * @example
 * aggregate({ startMs: 0, stepMs: 1800e3, values: Float64Array.from([1, 2, 3, 4]), warnings: [] }, 2, 'sum').values // [3, 7]
 */
export function aggregate(s: RegularSeries, factor: number, how: 'sum' | 'mean'): RegularSeries {
  if (factor <= 1) return s;
  const bucket = s.stepMs * factor;
  const firstAligned = Math.ceil(s.startMs / bucket) * bucket;
  const offset = Math.round((firstAligned - s.startMs) / s.stepMs);
  const m = Math.floor((s.values.length - offset) / factor);
  const out = new Float64Array(Math.max(0, m));
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let k = 0; k < factor; k++) acc += s.values[offset + i * factor + k]!;
    out[i] = how === 'sum' ? acc : acc / factor;
  }
  return { startMs: firstAligned, stepMs: bucket, values: out, warnings: s.warnings };
}
