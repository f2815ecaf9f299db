import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResponseParser } from './response-parser.js';

function parseAll(chunks: Uint8Array[], noBody = false) {
  const statuses: number[] = [];
  const p = new ResponseParser({ onResponse: (s) => statuses.push(s) });
  p.noBody = noBody;
  let rc = 0;
  for (const c of chunks) {
    rc = p.execute(c);
    if (rc < 0) break;
  }
  if (rc === 0) p.finish();
  return { statuses, rc, closeAfter: p.closeAfter, error: p.error };
}

const enc = (s: string) => Buffer.from(s, 'latin1');

const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello';
const chunked = 'HTTP/1.1 201 Created\r\ntransfer-encoding: gzip, Chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n';
const noContent = 'HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\n';
const interim = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n';
const close = 'HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno';
const eof = 'HTTP/1.0 200 OK\r\n\r\nbody until the end';

test('parses Content-Length, chunked, 204, 1xx, close and read-until-EOF responses', () => {
  const r = parseAll([enc(ok + chunked + noContent + interim + close)]);
  assert.deepEqual(r.statuses, [200, 201, 204, 404, 503]);
  assert.equal(r.closeAfter, true);
  const e = parseAll([enc(eof)]);
  assert.deepEqual(e.statuses, [200]);
  assert.equal(e.closeAfter, true);
});

test('HEAD responses have no body whatever Content-Length says', () => {
  assert.deepEqual(parseAll([enc('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n')], true).statuses, [200, 200]);
});

test('rejects malformed responses without throwing', () => {
  for (const bad of ['HTTP/2 200\r\n\r\n', 'HTTP/1.1 20 OK\r\n\r\n', 'XTTP/1.1 200 OK\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']) {
    const r = parseAll([enc(bad)]);
    assert.equal(r.rc, -1, bad);
    assert.ok(r.error);
  }
});

test('property: split at any bytes, a stream of responses parses the same as whole', () => {
  const pieces = [ok, chunked, noContent, interim];
  const expected = [200, 201, 204, 404];
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
      (order, cuts) => {
        const whole = enc(order.map((i) => pieces[i]).join(''));
        const chunks: Uint8Array[] = [];
        let at = 0;
        for (let k = 0; at < whole.length; k++) {
          const len = cuts[k % cuts.length]!;
          chunks.push(whole.subarray(at, at + len));
          at += len;
        }
        const r = parseAll(chunks);
        assert.equal(r.rc, 0);
        assert.deepEqual(r.statuses, order.map((i) => expected[i]));
      },
    ),
    { numRuns: 500 },
  );
});

test('property: never throws on garbage, in any chunking', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), fc.boolean(), (chunks, noBody) => {
      parseAll(chunks, noBody);
    }),
    { numRuns: 2000 },
  );
  // Garbage spliced into valid responses, too.
  fc.assert(
    fc.property(fc.string(), fc.nat(200), (junk, pos) => {
      const s = ok + chunked;
      const at = Math.min(pos, s.length);
      parseAll([enc(s.slice(0, at) + junk + s.slice(at))]);
    }),
    { numRuns: 2000 },
  );
});

test('end gives the offset just past each response, so pipelined responses can be split', () => {
  const whole = enc(ok + chunked + noContent + interim);
  const ends: number[] = [];
  const p = new ResponseParser({ onResponse: () => ends.push(p.end) });
  assert.equal(p.execute(whole), 0);
  let at = 0;
  assert.deepEqual(ends, [ok, chunked, noContent, interim].map((s) => (at += s.length)));
});
