import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseClfLine } from './clf-parse.js';
import { harEntryToRecord } from './har-records.js';
import { JsonArraySplitter } from './json-array-splitter.js';
import { jsonlLineToRecord } from './jsonl-records.js';
import { otlpResourceSpansToRecords } from './otlp-records.js';
import { RouteTemplater } from './route-template.js';

// No input crashes a parser of untrusted data: each returns a value or null/an error reason.
const routes = new RouteTemplater();
const opts = { client: { kind: 'ip' as const }, routes, source: 'p' };
const clfish = fc.tuple(fc.string(), fc.constantFrom(' - - [', ' [', ''), fc.string(), fc.constantFrom('] "', '] '), fc.string(), fc.constantFrom('" 200 5 "', '" ', ''), fc.string())
  .map((p) => p.join(''));

test('the CLF parser never throws', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), clfish, fc.string({ unit: 'binary' })), (s) => {
    const r = parseClfLine(s);
    assert.ok(r === null || Number.isFinite(r.ts));
  }), { numRuns: 3000 });
});

test('the HAR, OTLP and JSON Lines mappers never throw on arbitrary JSON', () => {
  fc.assert(fc.property(fc.jsonValue(), fc.json(), (v, text) => {
    harEntryToRecord(v, opts, 0);
    otlpResourceSpansToRecords(v, opts, 0);
    otlpResourceSpansToRecords({ scopeSpans: [{ spans: [v] }] }, opts, 0);
    jsonlLineToRecord(text, routes, 'x');
  }), { numRuns: 2000 });
});

test('the JSON splitter never throws and finds every element of a target array', () => {
  fc.assert(fc.property(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 5 }), fc.integer({ min: 1, max: 50 }), (items, cut) => {
    const doc = JSON.stringify({ pre: [1, { log: 2 }], log: { entries: items } });
    const got: unknown[] = [];
    const s = new JsonArraySplitter(['/log/entries'], (t) => got.push(JSON.parse(t)));
    for (let i = 0; i < doc.length; i += cut) s.feed(doc.slice(i, i + cut));
    assert.equal(JSON.stringify(got), JSON.stringify(items));
    assert.equal(s.truncated, false);
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.string(), (junk) => {
    new JsonArraySplitter(['/resourceSpans'], () => {}).feed(junk);
  }), { numRuns: 2000 });
});
