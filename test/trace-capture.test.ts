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

/** Sends raw bytes, returns everything the proxy answers until it closes the connection. */
async function raw(port: number, bytes: string): Promise<string> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(bytes));
    let out = '';
    s.on('data', (c) => (out += c.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

test('pipelined, chunked, HEAD, 100-continue and close-delimited exchanges pass unchanged and in order', async () => {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/chunked') {
        res.write('ab');
        res.end('cd');
      } else res.end(`${req.method} ${req.url} ${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const records: { path: string; status: number; req_bytes: number | null; method: string }[] = [];
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sample: 1,
    client: { kind: 'ua' }, routes: new RouteTemplater(), onBatch: (rs) => { records.push(...rs); },
  });
  try {
    const out = await raw(proxy.port,
      'GET /a HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n' +
      'HEAD /c HTTP/1.1\r\nHost: x\r\n\r\n' +
      'GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n' +
      'PUT /d HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi' +
      'GET /e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const bodies = out.split(/HTTP\/1\.1 \d{3} [^\r]*\r\n(?:[^\r]+\r\n)*\r\n/).filter(Boolean);
    assert.match(out, /^HTTP\/1\.1 200/);
    assert.deepEqual(bodies.map((b) => b.replace(/\r\n/g, '|')), ['GET /a ', 'POST /b xyz', '2|ab|2|cd|0||', 'PUT /d hi', 'GET /e ']);
    // Every body the proxy reported came back; a 100 Continue (if the upstream sent one) passed too.
    assert.equal((out.match(/HTTP\/1\.1 200/g) ?? []).length, 6);
  } finally {
    await proxy.stop();
    server.close();
  }
  assert.deepEqual(records.map((r) => `${r.method} ${r.path} ${r.status} ${r.req_bytes}`),
    ['GET /a 200 0', 'POST /b 200 13', 'HEAD /c 200 0', 'GET /chunked 200 0', 'PUT /d 200 2', 'GET /e 200 0']);
});

test('a dead upstream gets the client a 502, recorded with status 0', async () => {
  const dead = http.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((r) => dead.close(() => r()));
  const records: { status: number }[] = [];
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: `http://127.0.0.1:${port}`, sample: 1,
    client: { kind: 'ip' }, routes: new RouteTemplater(), onBatch: (rs) => { records.push(...rs); },
  });
  try {
    const r = await fetch(`http://127.0.0.1:${proxy.port}/x`);
    assert.equal(r.status, 502);
    await r.text();
    const out = await raw(proxy.port, 'GET /y HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(out, /^HTTP\/1\.1 502/);
  } finally {
    await proxy.stop();
  }
  assert.equal(proxy.stats.upstreamErrors, 2);
  assert.deepEqual(records.map((r) => r.status), [0, 0]);
});

test('with a store, a worker thread writes the records into the DuckDB file', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'hr-capstore-'));
  const up = await upstream();
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: up.url, sample: 1, flushMs: 20,
    client: { kind: 'header', name: 'x-client' }, routes: new RouteTemplater(['/orders/{id}']), store: { path: 'store.duckdb', cwd: dir },
  });
  try {
    for (let i = 0; i < 30; i++) await (await fetch(`http://127.0.0.1:${proxy.port}/orders/${i}`, { headers: { 'x-client': `c${i % 2}` } })).text();
  } finally {
    await proxy.stop();
    up.server.close();
  }
  assert.deepEqual({ ...proxy.stats }, { forwarded: 30, recorded: 30, dropped: 0, upstreamErrors: 0, storeError: null });
  const db = await openTraceDb(join(dir, 'store.duckdb'));
  const rows = await db.all<{ route: string; client: string; n: number; etag: string }>('SELECT route, client, etag, count(*) AS n FROM trace_requests GROUP BY ALL ORDER BY client');
  db.close();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(rows, [{ route: '/orders/{id}', client: 'c0', etag: '"v1"', n: 15 }, { route: '/orders/{id}', client: 'c1', etag: '"v1"', n: 15 }]);
});

test('when the store falls behind, records are dropped and counted, and every request is still forwarded', async () => {
  const up = await upstream();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let stored = 0;
  const proxy = await startCapture({
    listenHost: '127.0.0.1', listenPort: 0, upstream: up.url, sample: 1, flushMs: 5, maxQueuedRows: 4,
    client: { kind: 'ip' }, routes: new RouteTemplater(), onBatch: async (rs) => { await held; stored += rs.length; },
  });
  try {
    for (let i = 0; i < 10; i++) assert.equal((await fetch(`http://127.0.0.1:${proxy.port}/a/${i}`)).status, 200);
  } finally {
    release();
    await proxy.stop();
    up.server.close();
  }
  assert.equal(proxy.stats.forwarded, 10);
  assert.equal(proxy.stats.recorded, 4);
  assert.equal(proxy.stats.dropped, 6);
  assert.equal(stored, 4);
});
