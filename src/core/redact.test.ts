import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactArgv, redactConfig, redactUrl } from './redact.js';

test('redactUrl drops user info and leaves other text alone', () => {
  assert.equal(redactUrl('http://u:pw@127.0.0.1:8080/x?a=1'), 'http://127.0.0.1:8080/x?a=1');
  assert.equal(redactUrl('http://127.0.0.1/'), 'http://127.0.0.1/');
  assert.equal(redactUrl('not a url'), 'not a url');
});

test('redactConfig removes sensitive fields, headers and URL credentials, deeply', () => {
  const out = redactConfig({
    url: 'http://alice:s3cret@127.0.0.1:9/',
    headers: ['Authorization: Bearer abc', 'Accept: text/html'],
    nested: { apiKey: 'k', token: 'tt', rate: 5 },
  });
  assert.deepEqual(out, {
    url: 'http://127.0.0.1:9/',
    headers: ['Authorization: [redacted]', 'Accept: text/html'],
    nested: { apiKey: '[redacted]', token: '[redacted]', rate: 5 },
  });
  assert.ok(!JSON.stringify(out).includes('s3cret'));
});

test('redactConfig never leaks a value under a sensitive key (property)', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9a-f]{12}$/), fc.constantFrom('password', 'Authorization', 'x-api-key', 'token'), (secret, key) => {
      const out = JSON.stringify(redactConfig({ a: { [key]: secret }, list: [{ [key]: secret }] }));
      return !out.includes(secret);
    }),
  );
});

test('redactArgv hides sensitive headers and bodies on a command line', () => {
  assert.deepEqual(
    redactArgv(['http://u:p@127.0.0.1/', '-H', 'Authorization: Bearer abc', '--header=Cookie: s=1', '-H', 'Accept: */*', '--body', '{"pw":"x"}', '--rate', '5']),
    ['http://127.0.0.1/', '-H', 'Authorization: [redacted]', '--header=Cookie: [redacted]', '-H', 'Accept: */*', '--body', '[10 chars]', '--rate', '5'],
  );
});
