// Trace in the dashboard (issue #5): the API over the trace tables (impact, findings with
// evidence, rates per client) and the trace page in real Chromium, on the real files in
// ../shared/data/traces: the HotROD OTLP trace (an N+1 fan-out of GET /route) and the
// Apache log (four days of many clients, for the rate chart). Screenshots: test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Browser } from 'playwright-core';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { Store, closeAllDbs } from '../src/store/index.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { colouredPixels, launchChromium, openPage } from './browser.js';

declare const document: { body: { dataset: Record<string, string | undefined> } };
declare const location: { hash: string };

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const DATA = join(process.cwd(), '..', 'shared', 'data', 'traces');
const dir = mkdtempSync(join(tmpdir(), 'hr-trace-dash-'));
const servers: Record<'hotrod' | 'apache' | 'empty', RunningServer | undefined> = { hotrod: undefined, apache: undefined, empty: undefined };
let browser: Browser;

async function importInto(store: string, file: string): Promise<void> {
  let err = '';
  const e = new PassThrough();
  e.on('data', (c) => (err += c));
  const io: CliIo = { stdout: new PassThrough(), stderr: e, env: {}, isTTY: false, signal: new AbortController().signal, cwd: dir };
  assert.equal(await main(['trace', 'import', join(DATA, file), '--store', store], io), 0, err);
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await importInto(join(dir, 'hotrod.duckdb'), 'hotrod_dispatch_otlp.json');
  await importInto(join(dir, 'apache.duckdb'), 'apache_combined_semicomplete_2015.log');
  for (const name of ['hotrod', 'apache', 'empty'] as const) {
    servers[name] = await startServer({ store: await Store.open(join(dir, `${name}.duckdb`)), port: 0, log: () => {} });
  }
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  for (const s of Object.values(servers)) await s?.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

async function get(server: RunningServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface F { detector: string; client: string; endpoint: string; count: number; evidence: string[] }

test('the trace API: findings with evidence, impact per client and endpoint, rates per client', async () => {
  const hot = servers.hotrod!;
  const f = await get(hot, '/api/trace/findings');
  assert.equal(f.status, 200);
  const route = (f.body.findings as F[]).find((x) => x.detector === 'n_plus_1' && x.endpoint === 'GET /route');
  assert.ok(route, JSON.stringify(f.body.findings));
  assert.equal(route.client, 'frontend');
  assert.equal(route.count, 10);
  assert.ok(route.evidence.length > 0 && route.evidence.every((e) => e.startsWith('hotrod_dispatch_otlp.json#')), route.evidence.join(' '));
  const impact = await get(servers.apache!, '/api/trace/impact?top=3');
  const clients = impact.body.clients as { key: string; requests: number; share_requests: number }[];
  assert.equal(clients.length, 3);
  assert.ok(clients[0]!.requests >= clients[1]!.requests && clients[1]!.requests >= clients[2]!.requests);
  assert.ok((impact.body.totals as { requests: number }).requests > 9000, 'the whole log is counted');
  assert.equal((impact.body.endpoints as unknown[]).length, 3);
  const rates = await get(servers.apache!, `/api/trace/rates?client=${encodeURIComponent(clients[0]!.key)}`);
  const series = (rates.body.rate as { series: { client: string; rps: number[] }[] }).series;
  assert.deepEqual(series.map((s) => s.client), [clients[0]!.key]);
  assert.ok(series[0]!.rps.some((x) => x > 0));
  for (const [p, status, code] of [
    ['/api/trace/report?top=0', 400, 'HR_E_BAD_QUERY'],
    ['/api/trace/report?since=yesterday', 400, 'HR_E_BAD_QUERY'],
    ['/api/trace/report?frobnicate=1', 400, 'HR_E_BAD_QUERY'],
    ['/api/trace/nope', 404, 'HR_E_NOT_FOUND'],
  ] as const) {
    const r = await get(hot, p);
    assert.equal(r.status, status, p);
    assert.equal((r.body.error as { code: string }).code, code, p);
  }
  const empty = await get(servers.empty!, '/api/trace/report');
  assert.equal((empty.body.totals as { requests: number }).requests, 0, 'a store without trace imports answers, empty');
});

const open = (url: string) => openPage(browser, url, { width: 1200 });

test('the trace page shows the N+1 finding of the HotROD trace with its evidence, and the impact tables', async () => {
  const page = await open(`${servers.hotrod!.url}/#/trace`);
  await page.screenshot({ path: join(ARTIFACTS, 'trace-hotrod.png'), fullPage: true });
  const rows = await page.$$eval('table.findings tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
  const n1 = rows.find((r) => r.includes('n plus 1') && r.includes('GET /route'));
  assert.ok(n1, rows.join('\n'));
  assert.match(n1, /frontend/);
  assert.match(n1, /hotrod_dispatch_otlp\.json#0\.\d/);
  const clientKeys = await page.$$eval('table.clients tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(clientKeys.slice(0, 2), ['driver', 'frontend']);
  assert.ok((await page.$$eval('table.matrix tbody tr', (r) => r.length)) >= 5);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the trace page draws requests per second per client (Apache log), and filters by client', async () => {
  const page = await open(`${servers.apache!.url}/#/trace`);
  await page.screenshot({ path: join(ARTIFACTS, 'trace-apache.png'), fullPage: true });
  await page.screenshot({ path: join(ARTIFACTS, 'trace-apache-top.png') });
  const first = (await colouredPixels(page, [47, 111, 237]))[0]!;
  const second = (await colouredPixels(page, [229, 83, 61]))[0]!;
  assert.ok(first > 200, `the top client's rate line is drawn (${first} px)`);
  assert.ok(second > 100, `the second client's rate line is drawn (${second} px)`);
  assert.match(await page.$eval('#trace-totals', (e) => e.textContent ?? ''), /requests from \d+ clients/);
  const top = await page.$eval('table.clients tbody tr td:first-child', (td) => td.textContent ?? '');
  await page.fill('input[name=client]', top);
  await page.click('form.filters button');
  await page.waitForFunction((c) => location.hash.includes(`client=${encodeURIComponent(c)}`) && document.body.dataset.ready === '1', top);
  await page.waitForSelector('table.clients');
  assert.deepEqual(await page.$$eval('table.clients tbody tr td:first-child', (tds) => tds.map((t) => t.textContent)), [top]);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a store without trace records says so', async () => {
  const page = await open(`${servers.empty!.url}/#/trace`);
  assert.match(await page.$eval('#trace-totals', (e) => e.textContent ?? ''), /No records selected/);
  await page.context().close();
});
