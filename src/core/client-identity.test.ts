import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jwtClaim, parseClientSource, queryParam, resolveClient } from './client-identity.js';

const jwt = (payload: object) =>
  `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJl`;

test('--client-from specs parse, and bad ones name the flag', () => {
  assert.deepEqual(parseClientSource('header:X-Client-Id'), { kind: 'header', name: 'x-client-id' });
  assert.deepEqual(parseClientSource('query:app'), { kind: 'query', name: 'app' });
  assert.deepEqual(parseClientSource('jwt:sub'), { kind: 'jwt', claim: 'sub', header: 'authorization' });
  assert.deepEqual(parseClientSource('jwt:tenant@x-token'), { kind: 'jwt', claim: 'tenant', header: 'x-token' });
  assert.deepEqual(parseClientSource('ua'), { kind: 'ua' });
  assert.throws(() => parseClientSource('cookie:sid'), /--client-from: expected header:NAME, query:NAME, jwt:CLAIM, ua or ip, got "cookie:sid"/);
});

test('clients resolve from header, query, JWT claim and UA, falling back to the IP', () => {
  const headers: Record<string, string> = { 'x-client-id': 'game-7', authorization: `Bearer ${jwt({ sub: 'tenant-3', n: 5 })}` };
  const ctx = { ip: '10.1.1.1', userAgent: 'sdk/2', query: 'app=web&x=1', header: (n: string) => headers[n] };
  assert.equal(resolveClient(parseClientSource('header:x-client-id'), ctx), 'game-7');
  assert.equal(resolveClient(parseClientSource('query:app'), ctx), 'web');
  assert.equal(resolveClient(parseClientSource('jwt:sub'), ctx), 'tenant-3');
  assert.equal(resolveClient(parseClientSource('jwt:n'), ctx), '5');
  assert.equal(resolveClient(parseClientSource('ua'), ctx), 'sdk/2');
  assert.equal(resolveClient(parseClientSource('header:x-missing'), ctx), '10.1.1.1');
  assert.equal(queryParam('a=1&b=x%20y', 'b'), 'x y');
});

test('the JWT is decoded without verification and never returned whole', () => {
  const token = jwt({ sub: 'u1' });
  assert.equal(jwtClaim(`Bearer ${token}`, 'sub'), 'u1');
  assert.equal(jwtClaim('Bearer not.a.jwt!', 'sub'), undefined);
  fc.assert(
    fc.property(fc.string(), fc.string(), (value, claim) => {
      const v = jwtClaim(value, claim);
      assert.ok(v === undefined || typeof v === 'string');
      if (value.length > 20 && v !== undefined) assert.notEqual(v, value);
    }),
  );
});
