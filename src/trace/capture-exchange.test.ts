import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteTemplater } from '../core/route-template.js';
import { Exchange } from './capture-exchange.js';
import { parseHead, type RequestHead } from './request-head.js';

const head = parseHead('GET /a HTTP/1.1\r\nHost: x\r\n\r\n') as RequestHead;
const record = (chunks: string[]) => {
  const x = new Exchange(head, true, 0, 0);
  for (const c of chunks) {
    const b = Buffer.from(`..${c}..`, 'latin1'); // read from an offset, as the proxy does
    x.responseBytes(b, 2, b.length - 2);
  }
  return x.toRecord('r', 200, 1, '127.0.0.1', 's', { kind: 'ip' }, new RouteTemplater());
};

test('response heads are read whole in one chunk, split across chunks, or after a 100 Continue', () => {
  const res = 'HTTP/1.1 200 OK\r\nETag: "v1"\r\nCache-Control: max-age=5\r\n\r\nbody';
  const whole = record([res]);
  assert.equal(whole.etag, '"v1"');
  assert.equal(whole.cache_control, 'max-age=5');
  assert.equal(whole.bytes, 4);
  for (const r of [record([res.slice(0, 20), res.slice(20, 57), res.slice(57)]), record(['HTTP/1.1 100 Continue\r\n\r\n' + res]), record(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2', res.slice(10)])]) {
    assert.deepEqual([r.etag, r.cache_control, r.bytes, r.body_hash], [whole.etag, whole.cache_control, 4, whole.body_hash]);
  }
});
