import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headroomAsync, httpServer, spawnHeadroom } from './helpers.js';

test('headroom run --json: an open-model run completes with the documented fields', async () => {
  const srv = await httpServer((_req, res) => res.end('hello'));
  const dir = mkdtempSync(join(tmpdir(), 'hr-run-'));
  try {
    const r = await headroomAsync(['run', srv.url, '--rate', '200', '--duration', '2s', '--json', '--series', join(dir, 's.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    for (const k of ['requests', 'duration_s', 'rate', 'latency_ms', 'errors', 'status', 'dropped', 'thresholds']) assert.ok(k in s, k);
    for (const k of ['p50', 'p90', 'p99', 'p999', 'max', 'mean']) assert.equal(typeof s.latency_ms[k], 'number');
    assert.equal(s.rate.target, 200);
    assert.ok(Math.abs(s.requests - 400) <= 4, `requests ${s.requests}`);
    assert.equal(s.status['200'], s.requests);
    assert.equal(s.errors.total, 0);
    const lines = readFileSync(join(dir, 's.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.t), [1, 2]);
    assert.equal(lines.reduce((a, l) => a + l.achieved_rps, 0), s.requests);
  } finally {
    await srv.close();
  }
});

test('thresholds decide the exit code: 0 when all pass, 3 when one fails', async () => {
  const srv = await httpServer((_req, res) => res.end('ok'));
  try {
    const pass = await headroomAsync(['run', srv.url, '--rate', '100', '--duration', '1s', '--threshold', 'errors<1%', '--threshold', 'p99<5s', '--json']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.deepEqual(JSON.parse(pass.stdout).thresholds.map((t: { ok: boolean }) => t.ok), [true, true]);
    const fail = await headroomAsync(['run', srv.url, '--rate', '100', '--duration', '1s', '--threshold', 'rate>=1000', '--json']);
    assert.equal(fail.code, 3, fail.stderr);
    const t = JSON.parse(fail.stdout).thresholds[0];
    assert.equal(t.ok, false);
    assert.equal(t.expr, 'rate>=1000');
    assert.match(fail.stderr, /FAIL rate>=1000/);
  } finally {
    await srv.close();
  }
});

test('bad input: one line naming the flag, exit code 2, nothing sent', async () => {
  let hits = 0;
  const srv = await httpServer((_req, res) => {
    hits++;
    res.end();
  });
  const dir = mkdtempSync(join(tmpdir(), 'hr-bad-'));
  writeFileSync(join(dir, 'x'), '');
  try {
    const cases: Array<[string[], RegExp]> = [
      [['run', 'not a url', '--rate', '10', '--duration', '1s'], /^headroom: URL: expected/],
      [['run', 'ftp://127.0.0.1/', '--rate', '10', '--duration', '1s'], /^headroom: URL: expected http/],
      [['run', srv.url, '--rate', '-5', '--duration', '1s'], /^headroom: --rate: expected a positive number/],
      [['run', srv.url, '--rate', '0', '--duration', '1s'], /^headroom: --rate:/],
      [['run', srv.url, '--rate', '10', '--duration', 'soon'], /^headroom: --duration:/],
      [['run', srv.url, '--rate', '10'], /^headroom: --duration:/],
      [['run', srv.url, '--rate', '10', '--duration', '1s', '--threshold', 'p99<fast'], /^headroom: --threshold:/],
      [['run', srv.url, '--rate', '10', '--duration', '1s', '--frobnicate'], /^headroom: --frobnicate: unknown flag/],
      [['run', srv.url, '--stages', '0:100', '--duration', '1s'], /^headroom: --stages:/],
      [['run', srv.url, '--vus', '2.5', '--duration', '1s'], /^headroom: --vus:/],
      [['run', srv.url, '--vus', '2', '--rate', '5', '--duration', '1s'], /^headroom: --vus:/],
      [['run', srv.url, '--rate', '10', '--duration', '1s', '--body', '@/nonexistent/file'], /^headroom: --body: cannot read/],
      [['run', srv.url, '--rate', '10', '--duration', '1s', '-H', 'no colon'], /^headroom: --header:/],
      [['run', srv.url, '--rate', '10', '--duration', '1s', '--series', join(dir, 'x', 'y')], /^headroom: --series:/],
      [['run', 'http://192.0.2.1/', '--rate', '10', '--duration', '1s'], /^headroom: URL: .*not a loopback/],
    ];
    for (const [args, re] of cases) {
      const r = await headroomAsync(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr.split('\n')[0]!, re, args.join(' '));
    }
    assert.equal(hits, 0);
  } finally {
    await srv.close();
  }
});

test('an unreachable target is not a crash: the run completes and counts refused connections', async () => {
  const srv = await httpServer(() => {});
  const url = srv.url;
  await srv.close(); // the port is now closed
  const r = await headroomAsync(['run', url, '--rate', '50', '--duration', '1s', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.ok(s.errors.by_kind.refused >= 45, JSON.stringify(s.errors));
  assert.equal(s.rate.achieved, 0);
});

test('SIGINT stops the run cleanly: partial summary, exit code 130', async () => {
  let served = 0;
  const srv = await httpServer((_req, res) => {
    served++;
    res.end('ok');
  });
  try {
    const child = spawnHeadroom(['run', srv.url, '--rate', '100', '--duration', '30s', '--json']);
    // Interrupt once the load is flowing (start-up time varies on a busy machine).
    for (let i = 0; i < 200 && served < 60; i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const r = await child.result;
    assert.equal(r.code, 130, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.ok(s.requests >= 60 && s.requests < 2500, `requests ${s.requests}`);
    assert.ok(s.duration_s < 25, `duration ${s.duration_s}`);
  } finally {
    await srv.close();
  }
});

test('too low an open-file limit is said before any load is sent', async () => {
  const srv = await httpServer((_req, res) => res.end('ok'));
  try {
    const r = await headroomAsync(['run', srv.url, '--vus', '300', '--duration', '1s', '--threads', '1'], { ulimitN: 256 });
    assert.match(r.stderr, /warning: the open-file limit is 256 but up to 300 connections may be needed/);
    assert.ok(r.stderr.indexOf('warning') < r.stderr.indexOf('requests '), 'warning before the summary');
  } finally {
    await srv.close();
  }
});
