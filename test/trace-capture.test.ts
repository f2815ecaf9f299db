import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RouteTemplater } from '../src/core/route-template.js';
import { startCapture, loopbackUpstream } from '../src/trace/capture.js';
import { openTraceDb } from '../src/trace/db.js';
import { buildReport } from '../src/trace/report.js';
import { insertRecords } from '../src/trace/store-import.js';

async function upstream(): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url?.startsWith('/fail')) {
        res.writeHead(503);
        res.end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', etag: '"v1"' });
      res.end(JSON.stringify({ url: req.url, body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const jwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"game-7"}').toString('base64url')}.`;

test('the capture proxy forwards everything and records who called what, in batches, without the token', async () => {
  const up = await upstream();
  const db = await openTraceDb(':memory:');
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: up.url, sample: 1,
    client: { kind: 'jwt', claim: 'sub', header: 'authorization' }, routes: new RouteTemplater(),
    onBatch: async (rs) => { await insertRecords(db, rs, 'capture', 'capture'); }, flushMs: 50,
  });
  try {
    const base = `http://127.0.0.1:${proxy.port}`;
    const auth = { authorization: `Bearer ${jwt}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    for (let i = 0; i < 12; i++) {
      const r = await fetch(`${base}/users/${i % 3}/friends?x=1`, { headers: auth });
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { url: string }).url, `/users/${i % 3}/friends?x=1`);
    }
    const p = await fetch(`${base}/orders`, { method: 'POST', body: 'abc', headers: auth });
    assert.equal(p.status, 200);
    await p.text();
    const f = await fetch(`${base}/fail`);
    assert.equal(f.status, 503);
    await f.text();
  } finally {
    await proxy.stop();
    up.server.close();
  }
  assert.equal(proxy.stats.forwarded, 14);
  const rows = await db.all<Record<string, unknown>>('SELECT * FROM trace_requests ORDER BY id');
  assert.equal(rows.length, 14);
  const first = rows[0]!;
  assert.equal(first.client, 'game-7');
  assert.equal(first.route, '/users/{id}/friends');
  assert.equal(first.status, 200);
  assert.equal(first.cache_control, 'max-age=60');
  assert.equal(first.trace_id, '0af7651916cd43dd8448eb211c80319c');
  assert.match(String(first.body_hash), /^[0-9a-f]{16}$/);
  assert.ok(Number(first.bytes) > 10 && Number(first.latency_ms) >= 0);
  assert.match(String(rows[12]!.req_hash), /^[0-9a-f]{16}$/);
  assert.equal(rows[13]!.status, 503);
  assert.ok(!JSON.stringify(rows).includes(jwt.split('.')[1]!), 'the token is never stored');
  const report = await buildReport(db, { top: 5 });
  assert.ok(report.findings.some((x) => x.detector === 'duplicate' && x.client === 'game-7'));
  db.close();
});

test('sampling records a share and forwards all; non-loopback upstreams are refused', async () => {
  const up = await upstream();
  let recorded = 0;
  let k = 0;
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: up.url, sample: 0.25, random: () => (k++ % 4) / 4,
    client: { kind: 'ip' }, routes: new RouteTemplater(), onBatch: (rs) => { recorded += rs.length; },
  });
  for (let i = 0; i < 20; i++) await (await fetch(`http://127.0.0.1:${proxy.port}/a/${i}`)).text();
  await proxy.stop();
  up.server.close();
  assert.equal(proxy.stats.forwarded, 20);
  assert.equal(recorded, 5);
  assert.throws(() => loopbackUpstream('http://10.0.0.1:80'), /loopback/);
  assert.throws(() => loopbackUpstream('https://127.0.0.1'), /loopback/);
  assert.equal(loopbackUpstream('http://[::1]:8080').port, '8080');
});
