import { invalidInput } from '../errors.js';
import { parseTimestamp, splitCsvLine } from './series-parse.js';

/**
 * Holidays and known events (launches, marketing pushes, the marathon): intervals with a
 * label, from a CSV file `start,end,label` (header optional). The calendar regression
 * learns one effect per label seen in the history and a shared effect for any event.
 */
export interface KnownEvent {
  startMs: number;
  endMs: number;
  label: string;
}

/**
 * Parses an events CSV; `end` may be empty for a one-day event.
 *
 * @example
 * parseEventsCsv('start,end,label\n2024-12-25,,christmas\n', 'events.csv')
 */
export function parseEventsCsv(text: string, source: string): KnownEvent[] {
  const out: KnownEvent[] = [];
  const ls = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  ls.forEach((line, i) => {
    if (line.trim() === '') return;
    const f = splitCsvLine(line).map((x) => x.trim());
    if (i === 0 && Number.isNaN(parseTimestamp(f[0] ?? ''))) return; // header
    const start = parseTimestamp(f[0] ?? '');
    if (Number.isNaN(start)) throw invalidInput('HR_E_EVENTS', `${source} row ${i + 1} field "start": expected a timestamp, got "${(f[0] ?? '').slice(0, 40)}"`);
    const endText = f[1] ?? '';
    const end = endText === '' ? start + 86_400_000 : parseTimestamp(endText);
    if (Number.isNaN(end) || end <= start) throw invalidInput('HR_E_EVENTS', `${source} row ${i + 1} field "end": expected a timestamp after start, got "${endText.slice(0, 40)}"`);
    out.push({ startMs: start, endMs: end, label: f[2] || 'event' });
  });
  return out;
}

/**
 * Marks each of `n` steps from `startMs` with the index of the event label covering it
 * (−1 for none), returning the labels in order of first appearance.
 *
 * @example
 * eventIndex(events, series.startMs, series.stepMs, n + h)
 */
export function eventIndex(events: KnownEvent[], startMs: number, stepMs: number, n: number): { index: Int16Array; labels: string[] } {
  const index = new Int16Array(n).fill(-1);
  const labels: string[] = [];
  for (const e of events) {
    let li = labels.indexOf(e.label);
    if (li < 0) li = labels.push(e.label) - 1;
    const a = Math.max(0, Math.ceil((e.startMs - startMs) / stepMs));
    const b = Math.min(n, Math.ceil((e.endMs - startMs) / stepMs));
    for (let i = a; i < b; i++) if (index[i] === -1) index[i] = li;
  }
  return { index, labels };
}
