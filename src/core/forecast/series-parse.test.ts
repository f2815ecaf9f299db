import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseBatchCsv, parseSeriesCsv, parseSeriesJson, parseTimestamp } from './series-parse.js';
import { HeadroomError } from '../errors.js';
import { aggregate, fillMissing, regularize } from './series-regular.js';
import { detectSeasonality, parseSeason } from './seasonality.js';
import { parseEventsCsv } from './events.js';

test('timestamps: naive local, ISO with zone, Unix seconds and milliseconds', () => {
  assert.equal(parseTimestamp('2014-07-01 00:30:00'), Date.UTC(2014, 6, 1, 0, 30));
  assert.equal(parseTimestamp('2014-07-01T02:30:00+02:00'), Date.UTC(2014, 6, 1, 0, 30));
  assert.equal(parseTimestamp('2014-07-01'), Date.UTC(2014, 6, 1));
  assert.equal(parseTimestamp('1404174600'), 1404174600000);
  assert.equal(parseTimestamp('1404174600000'), 1404174600000);
  assert.ok(Number.isNaN(parseTimestamp('2014-02-30')));
  assert.ok(Number.isNaN(parseTimestamp('yesterday')));
});

test('CSV with a header, quotes, missing values; errors name the row and field', () => {
  const pts = parseSeriesCsv('"ds","y"\n"2024-01-01 00:00",5\n2024-01-01 01:00,\n', 'd.csv');
  assert.equal(pts.length, 2);
  assert.equal(pts[0]!.value, 5);
  assert.ok(Number.isNaN(pts[1]!.value));
  assert.throws(() => parseSeriesCsv('timestamp,value\n2024-01-01 00:00,five\n', 'd.csv'), (e: HeadroomError) => e.code === 'HR_E_SERIES_VALUE' && /d\.csv row 2 field "value"/.test(e.message));
  assert.throws(() => parseSeriesCsv('timestamp,value\nnot-a-time,5\n', 'd.csv'), (e: HeadroomError) => e.code === 'HR_E_SERIES_TIMESTAMP' && /row 2/.test(e.message));
  assert.throws(() => parseSeriesCsv('\n\n', 'd.csv'), (e: HeadroomError) => e.code === 'HR_E_SERIES_EMPTY');
  assert.equal(parseSeriesCsv('ds,a,b\n2024-01-01,1,2\n', 'x', 'b')[0]!.value, 2);
});

test('JSON objects and pairs', () => {
  assert.equal(parseSeriesJson('[{"timestamp":"2024-01-01T00:00:00Z","value":3}]', 'j')[0]!.value, 3);
  assert.equal(parseSeriesJson('{"points":[[1704067200,4]]}', 'j')[0]!.t, 1704067200000);
  assert.throws(() => parseSeriesJson('[{"t":"2024-01-01","v":true}]', 'j'), /element 0 field "value"/);
});

test('batch rows: ragged lengths, header, duplicate ids and bad fields', () => {
  const rows = parseBatchCsv('id,v1,v2,v3\na,1,2,3\nb,4,5,\n', 'f.csv');
  assert.deepEqual(rows.map((r) => [r.id, r.values.length]), [['a', 3], ['b', 2]]);
  assert.throws(() => parseBatchCsv('a,1,x\n', 'f.csv'), /f\.csv row 1 field 3/);
  assert.throws(() => parseBatchCsv('a,1\na,2\n', 'f.csv'), /duplicate series id/);
});

test('regularize sorts, averages duplicates and fills gaps with warnings', () => {
  const H = 3_600_000;
  const s = regularize([
    { t: 2 * H, value: 4, row: 1 },
    { t: 0, value: 0, row: 2 },
    { t: 0, value: 2, row: 3 },
    { t: 4 * H, value: 8, row: 4 },
    { t: 8 * H, value: 16, row: 5 },
    { t: 10 * H, value: NaN, row: 6 },
  ]);
  assert.equal(s.stepMs, 2 * H);
  assert.deepEqual(Array.from(s.values), [1, 4, 8, 12, 16, 16]);
  assert.equal(s.warnings.length, 3);
  assert.deepEqual(Array.from(fillMissing(Float64Array.from([NaN, 1, NaN, NaN, 4]), 0)), [1, 1, 2, 3, 4]);
  const agg = aggregate({ startMs: 0, stepMs: 1800e3, values: Float64Array.from([1, 2, 3, 4]), warnings: [] }, 2, 'sum');
  assert.deepEqual(Array.from(agg.values), [3, 7]);
});

test('seasonality: parsed, and detected on a daily+weekly signal only', () => {
  assert.deepEqual(parseSeason('168,24'), [24, 168]);
  assert.throws(() => parseSeason('24,x'), (e: HeadroomError) => e.code === 'HR_E_BAD_SEASON');
  const n = 24 * 7 * 4;
  const y = new Float64Array(n).map((_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 24) + (Math.floor(i / 24) % 7 >= 5 ? -40 : 0));
  assert.deepEqual(detectSeasonality(y, 3_600_000), [24, 168]);
  let seed = 1;
  const noise = new Float64Array(n).map(() => ((seed = (seed * 16807) % 2147483647) / 2147483647));
  assert.deepEqual(detectSeasonality(noise, 3_600_000), []);
});

test('property: the parsers either return points or throw a HeadroomError, never anything else', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      for (const parse of [() => parseSeriesCsv(text, 'p'), () => parseSeriesJson(text, 'p'), () => parseBatchCsv(text, 'p'), () => parseEventsCsv(text, 'p')]) {
        try {
          const out = parse();
          assert.ok(Array.isArray(out));
        } catch (e) {
          assert.ok(e instanceof HeadroomError, String(e));
        }
      }
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 50 }), (pairs) => {
      const csv = 'timestamp,value\n' + pairs.map(([t, v]) => `${t * 3600},${v}`).join('\n');
      const s = regularize(parseSeriesCsv(csv, 'p'));
      assert.ok(s.values.every((v) => Number.isFinite(v)));
    }),
    { numRuns: 200 },
  );
});
