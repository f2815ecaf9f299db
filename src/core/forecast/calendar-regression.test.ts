import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarForecast, fitCalendar } from './calendar-regression.js';
import { makeContext } from './context.js';
import { eventIndex, parseEventsCsv } from './events.js';

const H = 3_600_000;
const start = Date.UTC(2024, 0, 1); // a Monday

test('calendar regression learns hour-of-week shape and a known event effect', () => {
  const n = 24 * 7 * 6;
  const h = 48;
  const events = parseEventsCsv('start,end,label\n2024-01-17,,sale\n2024-02-07,,sale\n2024-02-12,,sale\n', 'e.csv');
  const ev = eventIndex(events, start, H, n + h);
  const base = (i: number) => 100 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 24)) * (Math.floor(i / 24) % 7 >= 5 ? 0.6 : 1);
  const y = new Float64Array(n).map((_, i) => base(i) * (ev.index[i]! >= 0 ? 2 : 1));
  const ctx = makeContext([24, 168], { startMs: start, stepMs: H }, ev);
  const f = calendarForecast(fitCalendar(y, ctx), ctx, h);
  // 2024-02-12 (a Monday, in the forecast window) is a sale day: about twice the base.
  for (let j = 0; j < h; j++) {
    const expect = base(n + j) * (ev.index[n + j]! >= 0 ? 2 : 1);
    assert.ok(Math.abs(f[j]! - expect) / expect < 0.1, `step ${j}: ${f[j]} vs ${expect}`);
  }
});

test('events file errors name the row and field', () => {
  assert.throws(() => parseEventsCsv('start,end,label\nsoon,,x\n', 'e.csv'), /e\.csv row 2 field "start"/);
  assert.throws(() => parseEventsCsv('2024-01-02,2024-01-01,x\n', 'e.csv'), /row 1 field "end"/);
});
