import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestHeadReader } from './request-head.js';

const enc = (s: string) => Buffer.from(s, 'latin1');

/** Reads every head in `chunks`, skipping `bodyOf(head)` bytes after each; what a proxy does. */
function readAll(chunks: Uint8Array[]) {
  const r = new RequestHeadReader();
  const out: string[] = [];
  let skip = 0;
  for (const c of chunks) {
    let at = 0;
    while (at < c.length) {
      if (skip > 0) {
        const n = Math.min(skip, c.length - at);
        skip -= n;
        at += n;
        continue;
      }
      const end = r.push(c, at);
      if (end === -2) return { out, error: r.error };
      if (end === -1) break;
      const h = r.head!;
      out.push(`${h.method} ${h.target} 1.${h.minor} cl=${h.contentLength} ch=${h.chunked} close=${h.close} ua=${h.fields.get('user-agent') ?? ''}`);
      skip = Math.max(0, h.contentLength);
      r.reset();
      at = end;
    }
  }
  return { out, error: r.error };
}

const get = 'GET /users/1?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: ua/1\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n';
const post = 'POST /orders HTTP/1.1\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nabc';
const chunked = 'PUT /c HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n';
const old = 'GET / HTTP/1.0\n\n';

test('reads method, target, fields and framing of pipelined heads', () => {
  const r = readAll([enc(get + post + chunked + old)]);
  assert.equal(r.error, null);
  assert.deepEqual(r.out, [
    'GET /users/1?x=1 1.1 cl=-1 ch=false close=false ua=ua/1',
    'POST /orders 1.1 cl=3 ch=false close=false ua=',
    'PUT /c 1.1 cl=-1 ch=true close=false ua=',
    'GET / 1.0 cl=-1 ch=false close=true ua=',
  ]);
  const h = new RequestHeadReader();
  h.push(enc(get));
  assert.equal(h.head?.fields.get('x-multi'), '1, 2');
});

test('rejects malformed heads without throwing', () => {
  for (const bad of ['GET\r\n\r\n', 'GET / HTTP/2.0\r\n\r\n', 'G(T / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nno colon\r\n\r\n',
    'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
    'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', `GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}\r\n\r\n`]) {
    const r = readAll([enc(bad)]);
    assert.ok(r.error, bad.slice(0, 60));
  }
});

test('property: any split of the bytes gives the same heads', () => {
  const pieces = [get, post, chunked.replace('gzip, ', ''), old];
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      (order, cuts) => {
        const whole = enc(order.map((i) => pieces[i]).join(''));
        const chunks: Uint8Array[] = [];
        for (let at = 0, k = 0; at < whole.length; k++) {
          const len = cuts[k % cuts.length]!;
          chunks.push(whole.subarray(at, at + len));
          at += len;
        }
        assert.deepEqual(readAll(chunks), readAll([whole]));
        assert.equal(readAll([whole]).out.length, order.length);
      },
    ),
    { numRuns: 500 },
  );
});

test('property: never throws on garbage, and a split never changes the outcome', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, cut) => {
      const at = Math.min(cut, bytes.length);
      assert.deepEqual(readAll([bytes.subarray(0, at), bytes.subarray(at)]), readAll([bytes]));
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string(), fc.nat(120), (junk, pos) => {
      const s = get + post;
      const at = Math.min(pos, s.length);
      readAll([enc(s.slice(0, at) + junk + s.slice(at))]);
    }),
    { numRuns: 2000 },
  );
});
