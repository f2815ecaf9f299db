import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serializeRequest } from './request-bytes.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('a GET carries Host, User-Agent, path and query, and ends with an empty line', () => {
  assert.equal(
    text(serializeRequest(new URL('http://127.0.0.1:8080/a/b?x=1&y=2'), 'GET', {}, undefined)),
    'GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: headroom/0.1\r\n\r\n',
  );
});

test('a POST gets Content-Length for its body; given headers replace the defaults', () => {
  const r = text(serializeRequest(new URL('http://localhost/'), 'POST', { 'user-agent': 'x', Host: 'h' }, Buffer.from('{"a":1}')));
  assert.equal(r, 'POST / HTTP/1.1\r\nuser-agent: x\r\nHost: h\r\nContent-Length: 7\r\n\r\n{"a":1}');
  assert.match(text(serializeRequest(new URL('http://localhost/'), 'PUT', {}, undefined)), /Content-Length: 0\r\n\r\n$/);
});
