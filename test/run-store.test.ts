// `headroom run` records into the store: a finished run, its report, --no-store, bad input
// leaving nothing behind, and a real run killed with SIGKILL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store, closeAllDbs } from '../src/store/index.js';
import { httpServer } from './helpers.js';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';

const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hr-run-store-'));
let target: Awaited<ReturnType<typeof httpServer>>;

before(async () => {
  target = await httpServer((_req, res) => res.end('ok'));
});
after(async () => {
  await target.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

function headroom(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }));
  return { child, done };
}

test('headroom run records the run, its seconds and summary, and writes --report', async () => {
  const cwd = mkdtempSync(join(dir, 'a-'));
  const r = await headroom(['run', target.url, '--rate', '50', '--duration', '3s', '--threads', '1', '-H', 'Authorization: Bearer s3cret', '--report', 'out.html'], cwd).done;
  assert.equal(r.code, 0, r.stderr);
  const id = /recording as run (\S+)/.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  const store = await Store.open(join(cwd, '.headroom', 'headroom.duckdb'));
  const run = await store.getRun(id);
  assert.equal(run.status, 'passed');
  assert.equal(run.exit_code, 0);
  assert.equal(run.kind, 'run');
  assert.ok(run.seconds >= 3, `${run.seconds} seconds recorded`);
  assert.ok(run.summary!.requests >= 100);
  assert.ok(!JSON.stringify(run).includes('s3cret'), 'the header value is not stored');
  const hist = await store.getHistograms(id);
  assert.match(hist.latency ?? '', /^[A-Za-z0-9+/]+=*$/, 'the final merged latency histogram, HDR base64');
  const decoded = decodeFromCompressedBase64(hist.latency!);
  assert.equal(decoded.totalCount, run.summary!.requests - (run.summary!.errors.by_kind.timeout ?? 0) - (run.summary!.errors.by_kind.refused ?? 0) - (run.summary!.errors.by_kind.reset ?? 0) - (run.summary!.errors.by_kind.other ?? 0));
  const series = await store.getSeries(id);
  assert.equal(series.reduce((a, s) => a + s.achieved_rps, 0), run.summary!.requests, 'every response is in the series');
  const html = readFileSync(join(cwd, 'out.html'), 'utf8');
  assert.match(html, /id="headroom-data"/);
  assert.ok(!html.includes('s3cret'));
  await closeAllDbs();
});

test('--no-store records nothing; bad input exits 2 and leaves no run behind', async () => {
  const cwd = mkdtempSync(join(dir, 'b-'));
  const r = await headroom(['run', target.url, '--rate', '20', '--duration', '1s', '--threads', '1', '--no-store'], cwd).done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(cwd, '.headroom')), false);
  const store = join(cwd, 's.duckdb');
  const bad = await headroom(['run', target.url, '--rate=-5', '--duration', '1s', '--store', store], cwd).done;
  assert.equal(bad.code, 2, bad.stderr);
  const both = await headroom(['run', target.url, '--rate', '20', '--duration', '1s', '--store', store, '--no-store'], cwd).done;
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--no-store/);
  assert.deepEqual(await (await Store.open(store)).listRuns(), []);
  await closeAllDbs();
});

test('a real headroom run killed with SIGKILL is left incomplete with its seconds so far', async () => {
  const cwd = mkdtempSync(join(dir, 'c-'));
  const path = join(cwd, 'h.duckdb');
  const { child, done } = headroom(['run', target.url, '--rate', '20', '--duration', '40s', '--threads', '1', '--store', path], cwd);
  const store = await Store.open(path);
  const deadline = Date.now() + 30_000;
  let runs = await store.listRuns();
  while (!(runs[0] && runs[0].seconds >= 3)) {
    assert.ok(Date.now() < deadline, 'the run never recorded 3 seconds');
    await new Promise((r) => setTimeout(r, 200));
    runs = await store.listRuns();
  }
  child.kill('SIGKILL');
  assert.equal((await done).signal, 'SIGKILL');
  await closeAllDbs();
  const reopened = await Store.open(path);
  const run = await reopened.getRun(runs[0]!.id);
  assert.equal(run.status, 'incomplete');
  assert.ok(run.seconds >= 3);
  await closeAllDbs();
});

test('headroom squeeze records its seconds, steps and result, and writes --report', async () => {
  const cwd = mkdtempSync(join(dir, 'd-'));
  const slow = await httpServer((_req, res) => {
    setTimeout(() => res.end('slow'), 120);
  });
  try {
    const r = await headroom(['squeeze', slow.url, '--slo', 'p99<50ms', '--min-rate', '20', '--max-rate', '200', '--step-duration', '2s',
      '--threads', '1', '--store', 'sq.duckdb', '--report', 'sq.html'], cwd).done;
    assert.equal(r.code, 4, r.stderr);
    const id = /recording as run (\S+)/.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    const store = await Store.open(join(cwd, 'sq.duckdb'));
    const run = await store.getRun(id);
    assert.equal(run.kind, 'squeeze');
    assert.equal(run.status, 'failed');
    assert.equal(run.exit_code, 4);
    assert.ok(run.seconds >= 2);
    const sq = await store.getSqueeze(id);
    assert.ok(sq.steps.length >= 1);
    assert.equal(sq.steps[0]!.ok, false);
    assert.equal(sq.result?.capacity_rps, null);
    assert.equal(sq.result?.slo_p99_ms, 50);
    assert.match(sq.result?.stop_reason ?? '', /no-headroom/);
    // The squeeze's whole-load histograms are kept, as a run's are.
    const h = await store.getHistograms(id);
    assert.ok(h.latency && h.latency.length > 20 && h.service, JSON.stringify(h).slice(0, 200));
    const html = readFileSync(join(cwd, 'sq.html'), 'utf8');
    assert.match(html, /"kind":"squeeze"/);
  } finally {
    await slow.close();
    await closeAllDbs();
  }
});
