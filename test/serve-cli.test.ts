// The `headroom serve` and `headroom report` commands as a user runs them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, closeAllDbs } from '../src/store/index.js';
import { headroomAsync } from './helpers.js';
import { seedRun } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hr-serve-cli-'));
after(async () => {
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

test('headroom serve prints its URL, serves the dashboard and the API, and stops on SIGINT', async () => {
  const path = join(dir, 'serve.duckdb');
  const id = await seedRun(await Store.open(path), { seconds: 5, rate: 100 });
  await closeAllDbs();
  const child = spawn(process.execPath, ['bin/headroom.js', 'serve', '--port', '0', '--store', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { url: string }).url);
    });
    child.on('exit', () => reject(new Error('serve exited')));
  });
  try {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(url + '/');
    assert.match(await page.text(), /<title>headroom<\/title>/);
    const runs = (await (await fetch(url + '/api/runs')).json()) as { runs: Array<{ id: string }> };
    assert.deepEqual(runs.runs.map((r) => r.id), [id]);
    const report = await fetch(`${url}/api/runs/${id}/report`);
    assert.match(report.headers.get('content-disposition') ?? '', /attachment/);
    assert.match(await report.text(), /id="headroom-data"/);
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exit, 0);
});

test('headroom serve and report reject bad input with one line and exit 2', async () => {
  const path = join(dir, 'report.duckdb');
  const id = await seedRun(await Store.open(path), { seconds: 3, rate: 50 });
  await closeAllDbs();
  const bad = await headroomAsync(['serve', '--port', '99999']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^headroom: --port: expected a port number/);
  const missing = await headroomAsync(['report', 'no-such-run', '--store', path]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /HR_E_RUN_NOT_FOUND/);
  const out = join(dir, 'r.html');
  const ok = await headroomAsync(['report', id.slice(0, 17), '--store', path, '--out', out]);
  assert.equal(ok.code, 0, ok.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /Content-Security-Policy/);
  assert.ok(html.includes(`"id":"${id}"`));
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
  const id2 = await seedRun(await Store.open(path), { seconds: 3, rate: 80 });
  await closeAllDbs();
  const cmpOut = join(dir, 'cmp.html');
  const cmp = await headroomAsync(['report', id, '--compare', id2, '--store', path, '--out', cmpOut]);
  assert.equal(cmp.code, 0, cmp.stderr);
  const cmpHtml = readFileSync(cmpOut, 'utf8');
  assert.ok(cmpHtml.includes(`"start":"#/compare/${id}/${id2}"`), 'the report opens on the comparison');
});
