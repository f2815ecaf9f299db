// `headroom serve` end to end: a real server on port 0 over a real store.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, closeAllDbs, type RunRecord } from '../src/store/index.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { syntheticSample } from '../src/core/synthetic-series.js';
import type { SecondSample } from '../src/core/load-types.js';
import { exited, firstLine, recordingChild } from './support.js';
import { httpServer } from './helpers.js';
import { launcherFor } from '../src/cli/serve-launcher.js';
import type { CliIo } from '../src/cli/io.js';

const dir = mkdtempSync(join(tmpdir(), 'hr-serve-'));
const path = join(dir, 'headroom.duckdb');
let server: RunningServer;
let hourRun: string;
let squeezeRun: string;
let target: Awaited<ReturnType<typeof httpServer>>;
let launcher: ReturnType<typeof launcherFor>;

before(async () => {
  const store = await Store.open(path);
  hourRun = await store.createRun({ kind: 'run', target: 'http://127.0.0.1:9/hour', config: { rate: 1000 }, labels: { svc: 'pay' } });
  await store.appendSeries(hourRun, Array.from({ length: 3600 }, (_, i) => syntheticSample(i + 1, { rate: 1000 })));
  await store.finishRun(hourRun, { status: 'passed', summary: summary(1000, 20) });
  squeezeRun = await store.createRun({ kind: 'squeeze', target: 'http://127.0.0.1:9/sq', config: {} });
  await store.saveSqueeze(squeezeRun, [{ step: 0, phase: 'ramp', target_rps: 100, achieved_rps: 100, p99_ms: 5, error_rate: 0, ok: true, t_start: 0, t_end: 5 }], {
    capacity_rps: 850, ci: { low: 800, high: 900 }, binding_guard: 'p99 < 50ms', slo_p99_ms: 50, usl: null, curve: [], stop_reason: 'done',
  });
  await store.finishRun(squeezeRun, { status: 'passed', summary: summary(850, 45) });
  target = await httpServer((_req, res) => res.end('ok'));
  launcher = launcherFor(store, { cwd: dir, env: process.env } as CliIo);
  server = await startServer({ store, port: 0, livePollMs: 250, launcher, log: () => {} });
});
after(async () => {
  launcher.close();
  await server.close();
  await target.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

function summary(achieved: number, p99: number) {
  return {
    requests: 1000, duration_s: 10, rate: { target: null, achieved }, latency_ms: { p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 },
    service_ms: { p50: 1, p90: 2, p99, p999: p99, max: p99, mean: 1 }, errors: { total: 0, by_kind: {} }, status: {},
    bytes: { in: 0, out: 0 }, late: 0, dropped: 0, generator_saturated: false, generator_notes: [], thresholds: [],
  };
}

async function get(p: string, init?: RequestInit) {
  const r = await fetch(server.url + p, init);
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : null, text };
}

test('lists runs with filters', async () => {
  const all = await get('/api/runs');
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.runs.map((r: RunRecord) => r.id).sort(), [hourRun, squeezeRun].sort());
  assert.deepEqual((await get('/api/runs?kind=squeeze')).body.runs.map((r: RunRecord) => r.id), [squeezeRun]);
  assert.equal((await get('/api/runs?kind=squeeze')).body.runs[0].capacity_rps, 850, 'the list carries each squeeze\'s capacity');
  assert.deepEqual((await get('/api/runs?label=svc%3Dpay')).body.runs.map((r: RunRecord) => r.id), [hourRun]);
  assert.equal((await get('/api/runs?status=failed')).body.runs.length, 0);
});

test('a run, its one-hour series (fast), its squeeze result, and a comparison', async () => {
  const run = await get(`/api/runs/${hourRun}`);
  assert.equal(run.body.run.seconds, 3600);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const s = await get(`/api/runs/${hourRun}/series`);
    best = Math.min(best, performance.now() - t0);
    assert.equal(s.body.length, 3600);
    assert.deepEqual(s.body[41] as SecondSample, syntheticSample(42, { rate: 1000 }));
  }
  // Budget 100 ms; bound generous here because the CPU is shared (bench/ records the figure).
  assert.ok(best < 500, `3600-row series took ${best.toFixed(0)} ms`);
  assert.equal((await get(`/api/runs/${hourRun}/series?after=3590`)).body.length, 10);
  const sq = await get(`/api/runs/${squeezeRun}/squeeze`);
  assert.equal(sq.body.result.capacity_rps, 850);
  assert.equal(sq.body.steps.length, 1);
  const cmp = await get(`/api/compare?a=${hourRun}&b=${squeezeRun}`);
  assert.equal(cmp.status, 200);
  assert.equal(cmp.body.comparison.achieved_rps.diff, -150);
  assert.equal(cmp.body.comparison.capacity_rps.b, 850);
});

test('bad requests get JSON errors with codes and never a stack trace', async () => {
  const cases: Array<[string, number, string, RequestInit?]> = [
    ['/api/runs?kind=nope', 400, 'HR_E_BAD_QUERY'],
    ['/api/runs?bogus=1', 400, 'HR_E_BAD_QUERY'],
    ['/api/runs/does-not-exist', 404, 'HR_E_RUN_NOT_FOUND'],
    ['/api/runs/bad%20id', 400, 'HR_E_BAD_RUN_ID'],
    [`/api/runs/${hourRun}/squeeze`, 404, 'HR_E_NO_SQUEEZE'],
    [`/api/runs/${hourRun}/series?after=-1`, 400, 'HR_E_BAD_QUERY'],
    ['/api/compare?a=x', 400, 'HR_E_BAD_QUERY'],
    ['/api/nothing', 404, 'HR_E_NOT_FOUND'],
    ['/api/runs', 405, 'HR_E_METHOD', { method: 'DELETE' }],
    ['/api/runs', 415, 'HR_E_BAD_REQUEST_BODY', { method: 'POST', body: 'x' }],
    ['/api/runs', 400, 'HR_E_BAD_REQUEST_BODY', { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } }],
    ['/api/runs', 400, 'HR_E_BAD_REQUEST_BODY', { method: 'POST', body: '{"url":"http://127.0.0.1:1/","options":{"store":"/tmp/x"}}', headers: { 'content-type': 'application/json' } }],
    ['/api/squeezes', 400, 'HR_E_BAD_REQUEST_BODY', { method: 'POST', body: '{"url":5}', headers: { 'content-type': 'application/json' } }],
  ];
  for (const [p, status, code, init] of cases) {
    const r = await get(p, init);
    assert.equal(r.status, status, `${p}: ${r.text}`);
    assert.match(r.type, /application\/json/);
    assert.equal(r.body.error.code, code, p);
    assert.equal(typeof r.body.error.message, 'string');
    assert.doesNotMatch(r.text, /\bat .+\.js:\d+/, 'no stack trace');
  }
});

test('live updates stream the seconds of a run recorded by another process, then its end', async () => {
  const child = recordingChild(path, { seconds: 12, everyMs: 150, flushMs: 200 });
  const done = exited(child);
  const runId = await firstLine(child);
  const res = await fetch(`${server.url}/api/runs/${runId}/live`);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: Array<{ event: string; data: unknown }> = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  assert.equal((await done).code, 0);
  assert.equal(events[0]!.event, 'run');
  const seconds = events.filter((e) => e.event === 'seconds');
  assert.ok(seconds.length >= 2, `the seconds came in ${seconds.length} event(s): live, not all at the end`);
  const ts = seconds.flatMap((e) => (e.data as SecondSample[]).map((s) => s.t));
  assert.deepEqual(ts, Array.from({ length: 12 }, (_, i) => i + 1), 'every second once, in order');
  const end = events.at(-1)!;
  assert.equal(end.event, 'end');
  assert.equal((end.data as RunRecord).status, 'passed');
});

test('the dashboard starts a real run (validated as on the CLI) and follows it to the end', async () => {
  const ok = await get('/api/runs', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: target.url, options: { rate: 20, duration: '2s', threads: 1 } }),
  });
  assert.equal(ok.status, 202, ok.text);
  const id = ok.body.run_id as string;
  const deadline = Date.now() + 30_000;
  let run: RunRecord;
  do {
    assert.ok(Date.now() < deadline, 'the run did not end');
    await new Promise((r) => setTimeout(r, 200));
    run = (await get(`/api/runs/${id}`)).body.run;
  } while (run.status === 'running');
  assert.equal(run.status, 'passed');
  assert.ok(run.seconds >= 2);
  assert.deepEqual(run.config.argv, [target.url, '--rate', '20', '--duration', '2s', '--threads', '1', '--store', path]);
  const bad = await get('/api/runs', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: target.url, options: { rate: -5, duration: '1s' } }),
  });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.error.code, 'HR_E_BAD_RATE');
  assert.match(bad.body.error.message, /--rate/);
});
