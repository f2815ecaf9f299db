// End-to-end: recorded traffic → `headroom trace workload` → `headroom run --workload`
// and `headroom squeeze --workload` against a loopback server that counts requests per
// route. The observed mix must match the model, and --scale 2 must double the rate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { emptyRecord } from '../src/core/trace-record.js';
import { validateWorkloadModel, type WorkloadModel } from '../src/core/workload-model.js';
import { openTraceDb } from '../src/trace/db.js';
import { insertRecords } from '../src/trace/store-import.js';
import { headroomAsync, httpServer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hr-wlrun-'));
const modelFile = join(dir, 'model.json');
let model: WorkloadModel;

/** Recorded: 2,000 requests over 20 s (100 req/s): 60% GET /users/{id}, 30% POST /orders, 10% GET /health?deep=1. */
const MIX: Array<{ key: string; share: number }> = [
  { key: 'GET /users/{id}', share: 0.6 },
  { key: 'POST /orders', share: 0.3 },
  { key: 'GET /health', share: 0.1 },
];

function recorded() {
  const t0 = 1_700_000_000_000;
  return Array.from({ length: 2000 }, (_, i) => {
    const r = emptyRecord(`synthetic:${i + 1}`);
    const k = i % 10;
    const [method, route, path, query] =
      k < 6 ? ['GET', '/users/{id}', `/users/${(i % 5) + 1}`, ''] : k < 9 ? ['POST', '/orders', '/orders', ''] : ['GET', '/health', '/health', 'deep=1'];
    return Object.assign(r, { ts: t0 + i * 10, client: `c${i % 7}`, method, route, path, query, status: 200, latency_ms: 5, bytes: 100 });
  });
}

function quietIo(cwd: string): { io: CliIo; err: () => string } {
  let err = '';
  const e = new PassThrough();
  e.on('data', (c) => (err += c));
  return { io: { stdout: new PassThrough(), stderr: e, env: {}, isTTY: false, signal: new AbortController().signal, cwd }, err: () => err };
}

/** A loopback server that counts requests by METHOD and route. */
async function countingServer() {
  const counts = new Map<string, number>();
  const s = await httpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const key = `${req.method} ${path.replace(/^\/users\/\d+$/, '/users/{id}')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  return { ...s, counts, reset: () => counts.clear() };
}

function shares(counts: Map<string, number>): Map<string, number> {
  const total = MIX.reduce((a, m) => a + (counts.get(m.key) ?? 0), 0);
  return new Map(MIX.map((m) => [m.key, (counts.get(m.key) ?? 0) / Math.max(1, total)]));
}

before(async () => {
  const db = await openTraceDb('.headroom/headroom.duckdb', dir);
  try {
    await insertRecords(db, recorded(), 'synthetic');
  } finally {
    db.close();
  }
  const q = quietIo(dir);
  assert.equal(await main(['trace', 'workload', '--out', 'model.json'], q.io), 0, q.err());
  model = validateWorkloadModel(JSON.parse(readFileSync(modelFile, 'utf8')));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the model written by trace workload has the recorded mix and rate', () => {
  assert.ok(Math.abs(model.rate.mean_rps - 100) < 1, `mean rate ${model.rate.mean_rps}`);
  const got = new Map(model.endpoints.map((e) => [`${e.method} ${e.route}`, e.share]));
  for (const m of MIX) assert.ok(Math.abs(got.get(m.key)! - m.share) < 0.01, `${m.key}: ${got.get(m.key)}`);
});

test('run --workload replays the mix at the model rate, and --scale 2 doubles it', async () => {
  const s = await countingServer();
  try {
    const args = ['run', s.url, '--workload', modelFile, '--duration', '3s', '--threads', '1', '--no-store', '--json'];
    const one = await headroomAsync(args);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stderr, /workload .*model\.json: 3 endpoints, 7 request targets at 100(\.\d+)? req\/s/);
    const c1 = new Map(s.counts);
    s.reset();
    const two = await headroomAsync([...args, '--scale', '2']);
    assert.equal(two.code, 0, two.stderr);
    const c2 = new Map(s.counts);
    const [r1, r2] = [JSON.parse(one.stdout), JSON.parse(two.stdout)];
    assert.ok(Math.abs(r2.rate.target - 2 * r1.rate.target) < 0.02, `target ${r1.rate.target} → ${r2.rate.target}`);
    assert.ok(Math.abs(r1.rate.target - model.rate.mean_rps) < 0.01, `${r1.rate.target} vs ${model.rate.mean_rps}`);
    const n1 = [...c1.values()].reduce((a, b) => a + b, 0);
    const n2 = [...c2.values()].reduce((a, b) => a + b, 0);
    assert.ok(n1 > 250 && n1 < 330, `scale 1: ${n1} requests seen in 3 s at 100 req/s`);
    const ratio = n2 / n1;
    assert.ok(ratio > 1.8 && ratio < 2.2, `scale 2 sent ${ratio.toFixed(2)}× the requests of scale 1 (${n1} → ${n2})`);
    assert.equal(r1.requests + r2.requests, n1 + n2, 'every request the engine counted reached the server');
    // The mix over both runs (~900 requests): within 5 points of the model's shares (≥3σ).
    const all = new Map(c1);
    for (const [k, v] of c2) all.set(k, (all.get(k) ?? 0) + v);
    const seen = shares(all);
    for (const m of MIX) assert.ok(Math.abs(seen.get(m.key)! - m.share) < 0.05, `${m.key}: observed ${seen.get(m.key)!.toFixed(3)}, model ${m.share}`);
    assert.deepEqual([...all.keys()].filter((k) => !MIX.some((m) => m.key === k)), [], 'no request outside the model');
  } finally {
    await s.close();
  }
});

test('squeeze --workload searches its own rate with the model mix', async () => {
  const s = await countingServer();
  try {
    const r = await headroomAsync(
      ['squeeze', s.url, '--workload', modelFile, '--slo', 'p99<500ms', '--min-rate', '40', '--max-rate', '80', '--step-duration', '2s',
        '--resolution', '20%', '--threads', '1', '--no-store', '--json'],
      { timeoutMs: 90_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout);
    assert.ok(rep.capacity_rps >= 40, `capacity ${rep.capacity_rps}`);
    // The reachability check asks GET / once; everything else is the model's mix.
    assert.equal(s.counts.get('GET /'), 1);
    const seen = shares(s.counts);
    const total = MIX.reduce((a, m) => a + (s.counts.get(m.key) ?? 0), 0);
    assert.ok(total > 200, `${total} requests`);
    for (const m of MIX) assert.ok(Math.abs(seen.get(m.key)! - m.share) < 0.06, `${m.key}: observed ${seen.get(m.key)!.toFixed(3)}, model ${m.share}`);
  } finally {
    await s.close();
  }
});

test('a bad workload file or contradicting flags: one line naming the flag, exit 2, nothing sent', async () => {
  const s = await countingServer();
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{ "version": 1,');
  const badShare = join(dir, 'bad-share.json');
  writeFileSync(badShare, JSON.stringify({ ...model, endpoints: [{ ...model.endpoints[0], share: 3 }] }));
  const idle = join(dir, 'idle.json');
  writeFileSync(idle, JSON.stringify({ ...model, rate: { ...model.rate, mean_rps: 0 } }));
  try {
    const cases: [string[], RegExp][] = [
      [['run', s.url, '--workload', join(dir, 'missing.json'), '--duration', '1s'], /^headroom: --workload: cannot read ".*missing\.json" \(ENOENT\) \[HR_E_BAD_WORKLOAD\]$/],
      [['run', s.url, '--workload', notJson, '--duration', '1s'], /^headroom: --workload: ".*not\.json" is not JSON/],
      [['run', s.url, '--workload', badShare, '--duration', '1s'], /^headroom: --workload: ".*bad-share\.json": workload endpoints\[0\]\.share: expected a number in 0\.\.1/],
      [['run', s.url, '--workload', idle, '--duration', '1s'], /--workload: ".*idle\.json" has a mean rate of 0 req\/s/],
      [['run', s.url, '--workload', modelFile, '--duration', '1s', '--rate', '10'], /^headroom: --rate: cannot be used with --workload/],
      [['run', s.url, '--workload', modelFile, '--duration', '1s', '--scale', '0'], /^headroom: --scale: expected a positive number, got "0"/],
      [['run', s.url, '--workload', modelFile, '--duration', '1s', '--scale', 'lots'], /^headroom: --scale: expected a positive number, got "lots"/],
      [['run', s.url, '--duration', '1s', '--rate', '5', '--scale', '2'], /^headroom: --scale: only with --workload/],
      [['run', s.url, `${s.url}x`, '--workload', modelFile, '--duration', '1s'], /^headroom: URL: with --workload, expected one base URL/],
      [['squeeze', s.url, '--slo', 'p99<100ms', '--workload', badShare], /^headroom: --workload: ".*bad-share\.json": workload endpoints\[0\]\.share/],
      [['squeeze', s.url, '--slo', 'p99<100ms', '--workload', join(dir, 'missing.json')], /^headroom: --workload: cannot read/],
    ];
    for (const [args, re] of cases) {
      const r = await headroomAsync([...args, '--no-store']);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0]!, re);
      assert.equal(r.stderr.split('\n').filter((l) => l && !l.startsWith('hint:')).length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
    assert.equal(s.counts.size, 0, 'no request reached the server');
  } finally {
    await s.close();
  }
});
