import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadroomError } from '../core/errors.js';
import { isLoopback, planLoad, resolveEndpoint } from './load-plan.js';

const code = (c: string) => (e: unknown) => e instanceof HeadroomError && e.code === c;

test('loopback is 127.0.0.0/8 and ::1, nothing else', () => {
  for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(ip), true, ip);
  for (const ip of ['10.0.0.1', '192.168.1.1', '0.0.0.0', '::', '128.0.0.1']) assert.equal(isLoopback(ip), false, ip);
});

test('non-loopback targets are refused before any load, unless allowed', async () => {
  await assert.rejects(resolveEndpoint(planLoad({ url: 'http://192.0.2.7/', rate: 1, durationMs: 1000 })), code('HR_E_NOT_LOOPBACK'));
  const ok = await resolveEndpoint(planLoad({ url: 'http://localhost:9/', rate: 1, durationMs: 1000 }));
  assert.ok(isLoopback(ok.host));
});

test('plans validate at the boundary and pick sensible defaults', () => {
  const p = planLoad({ url: ['http://127.0.0.1:1/a', 'http://127.0.0.1:1/b'], rate: 10, durationMs: 2000 });
  assert.deepEqual(p.cumulativeWeights, [0.5, 1]);
  assert.equal(p.model, 'open');
  assert.equal(p.timeoutMs, 10_000);
  assert.equal(p.maxWaitMs, 10_000);
  const c = planLoad({ url: 'http://127.0.0.1:1/', vus: 1, durationMs: 1000, threads: 8 });
  assert.equal(c.threads, 1, 'never more threads than virtual users');
  assert.throws(() => planLoad({ url: ['http://127.0.0.1:1/', 'http://127.0.0.1:2/'], rate: 1, durationMs: 1 }), code('HR_E_BAD_URL'));
  assert.throws(() => planLoad({ url: 'http://u:p@127.0.0.1/', rate: 1, durationMs: 1 }), code('HR_E_BAD_URL'));
  assert.throws(() => planLoad({ url: 'http://127.0.0.1/', rate: 1, durationMs: 1, method: 'GE T' }), code('HR_E_BAD_METHOD'));
  assert.throws(() => planLoad({ url: 'http://127.0.0.1/', rate: 1, durationMs: 1, headers: { 'x-a': 'b\r\nInjected: 1' } }), code('HR_E_BAD_HEADER'));
  assert.throws(() => planLoad({ url: 'http://127.0.0.1/', durationMs: 1 }), code('HR_E_BAD_RATE'));
  assert.throws(() => planLoad({ url: 'http://127.0.0.1/', rate: 1 }), code('HR_E_BAD_DURATION'));
});

test('each URL may carry its own method (a replayed workload), serialised into its request', () => {
  const p = planLoad({ url: [{ url: 'http://127.0.0.1:1/a', weight: 3 }, { url: 'http://127.0.0.1:1/b', method: 'post' }], rate: 1, durationMs: 1000 });
  assert.match(Buffer.from(p.requests[0]!).toString('latin1'), /^GET \/a HTTP\/1\.1\r\n/);
  assert.match(Buffer.from(p.requests[1]!).toString('latin1'), /^POST \/b HTTP\/1\.1\r\n[^]*Content-Length: 0\r\n/);
  assert.deepEqual(p.cumulativeWeights, [0.75, 1]);
  assert.throws(() => planLoad({ url: [{ url: 'http://127.0.0.1:1/a', method: 'HEAD' }, { url: 'http://127.0.0.1:1/b' }], rate: 1, durationMs: 1000 }), code('HR_E_BAD_METHOD'));
  assert.throws(() => planLoad({ url: [{ url: 'http://127.0.0.1:1/a', method: 'G T' }], rate: 1, durationMs: 1000 }), code('HR_E_BAD_METHOD'));
});
