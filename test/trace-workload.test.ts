import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { emptyRecord } from '../src/core/trace-record.js';
import { validateWorkloadModel, workloadToRequests } from '../src/core/workload-model.js';
import { openTraceDb } from '../src/trace/db.js';
import { insertRecords } from '../src/trace/store-import.js';

// Temporary directories of this file, removed when its tests are done.
const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(d);
  return d;
}
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});


function io(cwd: string) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const v: CliIo = { stdout: out, stderr: err, env: {}, isTTY: false, signal: new AbortController().signal, cwd };
  return { io: v, get stdout() { return stdout; }, get stderr() { return stderr; } };
}

const DATA = join(process.cwd(), '..', 'shared', 'data', 'traces');

test('trace import + workload: the Apache log becomes a valid model the engine can consume', async () => {
  const dir = tempDir('hr-wl-');
  const a = io(dir);
  assert.equal(await main(['trace', 'import', join(DATA, 'apache_combined_semicomplete_2015.log')], a.io), 0);
  assert.equal(await main(['trace', 'workload', '--out', 'model.json'], a.io), 0, a.stderr);
  const model = validateWorkloadModel(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  assert.equal(model.source.records, 9999);
  assert.equal(model.endpoints[0]!.route, '/favicon.ico');
  assert.ok(Math.abs(model.endpoints.reduce((s, e) => s + e.share, 0) - 1) < 0.2);
  assert.ok(model.think_time_ms!.p50 > 0 && model.sessions.count > 1000);
  assert.ok(model.rate.rps.length <= 1440 && model.rate.peak_rps >= model.rate.mean_rps);
  const w = workloadToRequests(model, { scale: 2, baseUrl: 'http://127.0.0.1:8080' });
  assert.ok(Math.abs(w.requests.reduce((s, r) => s + r.weight, 0) - 1) < 1e-9);
  const b = io(dir);
  assert.equal(await main(['trace', 'workload'], b.io), 2);
  assert.match(b.stderr, /--out: expected the file/);
});

test('trace replay re-sends recorded requests with their timing, sped up, to a loopback target', async () => {
  const dir = tempDir('hr-replay-');
  const db = await openTraceDb('.headroom/headroom.duckdb', dir);
  const recs = [0, 400, 800, 1200, 1600, 2000].map((dt, i) => {
    const r = emptyRecord(`t:${i}`);
    Object.assign(r, { ts: 1_700_000_000_000 + dt, client: 'c', method: i === 5 ? 'POST' : 'GET', path: `/items/${i}`, query: i === 0 ? 'a=1' : '', route: '/items/{id}', status: 200 });
    return r;
  });
  await insertRecords(db, recs, 'test');
  db.close();
  const seen: { t: number; line: string }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ t: performance.now(), line: `${req.method} ${req.url}` });
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const c = io(dir);
  try {
    assert.equal(await main(['trace', 'replay', '--target', `http://127.0.0.1:${port}`, '--speed', '4', '--json'], c.io), 0, c.stderr);
  } finally {
    server.close();
  }
  const result = JSON.parse(c.stdout);
  assert.equal(result.sent, 6);
  assert.equal(result.status['200'], 6);
  assert.deepEqual(seen.map((s) => s.line), ['GET /items/0?a=1', 'GET /items/1', 'GET /items/2', 'GET /items/3', 'GET /items/4', 'POST /items/5']);
  const span = seen[5]!.t - seen[0]!.t;
  assert.ok(span >= 400 && span < 3000, `2 s of traffic at 4× takes about 0.5 s, took ${span} ms`);
  const d = io(dir);
  assert.equal(await main(['trace', 'replay', '--target', 'http://192.0.2.1:80'], d.io), 2);
  assert.match(d.stderr, /loopback/);
});
