import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyRecord, type TraceRecord } from '../core/trace-record.js';
import { decodeRows, RowEncoder } from './record-rows.js';

const full = (): TraceRecord => ({
  ...emptyRecord('capture#1'),
  ts: 1763798400123.5, client: 'game-7', service: '127.0.0.1:8080', method: 'GET', route: '/users/{id}', path: '/users/42',
  query: 'x=1&ü=ß', status: 200, latency_ms: 0.25, bytes: 32, req_bytes: 0, trace_id: '0af7651916cd43dd8448eb211c80319c',
  body_hash: '0123456789abcdef', cache_control: 'max-age=60', etag: '"v1"', user_agent: 'curl/8 😀\ttab',
});

test('rows round-trip: strings (UTF-8, tabs, empty), numbers, nulls, status 0', () => {
  const e = new RowEncoder(4096);
  const a = full();
  const b = { ...emptyRecord('capture#2'), status: 0 };
  assert.ok(e.push(a));
  assert.ok(e.push(b));
  assert.equal(e.rows, 2);
  const bytes = e.take();
  assert.equal(e.rows, 0);
  assert.deepEqual(decodeRows(bytes), [a, b]);
});

test('a full buffer refuses the row until taken; a row larger than the buffer gets its own', () => {
  const e = new RowEncoder(300);
  let n = 0;
  while (e.push(full())) n++;
  assert.ok(n >= 1 && e.rows === n);
  assert.equal(decodeRows(e.take()).length, n);
  const big = { ...full(), user_agent: 'x'.repeat(5000) };
  assert.ok(e.push(big));
  assert.deepEqual(decodeRows(e.take()), [big]);
});

test('any strings and numbers round-trip (property)', () => {
  const str = fc.option(fc.string({ unit: 'binary' }), { nil: null });
  fc.assert(
    fc.property(fc.array(fc.record({ client: fc.string({ unit: 'binary' }), user_agent: str, etag: str, latency_ms: fc.option(fc.double({ noNaN: true }), { nil: null }), ts: fc.double({ noNaN: true }) }), { maxLength: 20 }), (parts) => {
      const rs = parts.map((p, i) => ({ ...emptyRecord(`r${i}`), ...p }));
      const e = new RowEncoder(64);
      const got: TraceRecord[] = [];
      for (const r of rs) {
        if (e.push(r)) continue;
        got.push(...decodeRows(e.take()));
        assert.ok(e.push(r));
      }
      got.push(...decodeRows(e.take()));
      assert.deepEqual(got, rs);
    }),
  );
});
