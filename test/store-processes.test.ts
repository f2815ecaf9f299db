// The store's promises under real processes: a recording killed with SIGKILL leaves a
// readable store with the run incomplete and its series up to the last flush; two
// processes recording into one store at once both get recorded; a store held open by
// a foreign program gives a clear error after a bounded wait, never a corrupted file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, closeAllDbs } from '../src/store/index.js';
import { isHeadroomError } from '../src/core/errors.js';
import { exited, firstLine, recordingChild } from './support.js';

const duckUrl = import.meta.resolve('@duckdb/node-api');
const dir = mkdtempSync(join(tmpdir(), 'hr-store-proc-'));
after(async () => {
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

test('kill -9 mid-recording leaves a readable store: run incomplete, series up to the last flush', async () => {
  const path = join(dir, 'kill', 'headroom.duckdb');
  // 600 samples at 20 ms would take 12 s: it is killed long before.
  const child = recordingChild(path, { seconds: 600, everyMs: 20, flushMs: 100 });
  const done = exited(child);
  const runId = await firstLine(child);
  const store = await Store.open(path);
  const deadline = Date.now() + 20_000;
  while ((await store.getRun(runId)).seconds < 20) {
    assert.ok(Date.now() < deadline, 'the child never flushed 20 seconds');
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await store.getRun(runId)).status, 'running', 'a live owner keeps its run running');
  child.kill('SIGKILL');
  const { signal } = await done;
  assert.equal(signal, 'SIGKILL');

  const reopened = await Store.open(path); // reconciles on open
  const run = await reopened.getRun(runId);
  assert.equal(run.status, 'incomplete');
  assert.ok(run.ended_at !== null && run.ended_at >= run.started_at);
  const series = await reopened.getSeries(runId);
  assert.ok(series.length >= 20, `only ${series.length} seconds survived`);
  assert.deepEqual(series.map((s) => s.t), series.map((_, i) => i + 1), 'the series is whole up to the last flush: no gaps');
  // The file still takes writes.
  const id = await reopened.createRun({ kind: 'run', target: null, config: {} });
  await reopened.finishRun(id, { status: 'passed' });
  assert.equal((await reopened.getRun(id)).status, 'passed');
});

test('two processes recording into one store at once are both recorded in full', async () => {
  const path = join(dir, 'two', 'headroom.duckdb');
  await Store.open(path);
  const a = recordingChild(path, { seconds: 40, everyMs: 25, flushMs: 50 });
  const b = recordingChild(path, { seconds: 40, everyMs: 25, flushMs: 50 });
  const [ra, rb, ida, idb] = await Promise.all([exited(a), exited(b), firstLine(a), firstLine(b)]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, rb.stderr);
  const store = await Store.open(path);
  for (const id of [ida, idb]) {
    const run = await store.getRun(id);
    assert.equal(run.status, 'passed');
    assert.equal(run.seconds, 40);
    assert.deepEqual(run.summary, { requests: 40 });
  }
});

test('a store held open by another program: a clear error after a bounded wait, then it works once released', async () => {
  const path = join(dir, 'held', 'headroom.duckdb');
  await Store.open(path);
  await closeAllDbs();
  // A foreign program (plain DuckDB) holds the file for 3 s.
  const holder = spawn(process.execPath, ['--input-type=module', '-e', `
    const { DuckDBInstance } = await import(${JSON.stringify(duckUrl)});
    const db = await DuckDBInstance.create(${JSON.stringify(path)});
    process.stdout.write('held\\n');
    setTimeout(() => db.closeSync(), 3000);
  `], { stdio: ['ignore', 'pipe', 'pipe'] });
  const done = exited(holder);
  assert.equal(await firstLine(holder), 'held');
  const t0 = Date.now();
  await assert.rejects(Store.open(path, { lockTimeoutMs: 500 }), (e: unknown) => {
    assert.ok(isHeadroomError(e));
    assert.equal(e.code, 'HR_E_STORE_LOCKED');
    assert.match(e.message, /locked by another process/);
    return true;
  });
  assert.ok(Date.now() - t0 < 2900, 'the wait is bounded by lockTimeoutMs');
  // With the default bound (10 s) it waits the holder out and proceeds.
  const store = await Store.open(path);
  assert.deepEqual(await store.listRuns(), []);
  assert.equal((await done).code, 0);
});
