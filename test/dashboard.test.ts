// The dashboard in a real browser (Debian's chromium driven by playwright-core): pages
// load, charts draw data (pixels of the series' colours, not just axes), live updates
// arrive during a run recorded by another process, a squeeze page shows its capacity,
// and the self-contained report renders with the network disabled.
// Screenshots go to test-artifacts/ (gitignored) for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { Store, closeAllDbs } from '../src/store/index.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { reportFromStore } from '../src/server/report.js';
import { exited, firstLine, recordingChild, seedRun, seedSqueeze } from './support.js';
import { colouredPixels, launchChromium, openPage } from './browser.js';

// The few browser globals used inside page functions (the test build has no DOM lib).
interface El { dataset: Record<string, string | undefined>; textContent: string | null; children: ArrayLike<El> }
declare const document: { getElementById(id: string): El | null; querySelectorAll(sel: string): ArrayLike<El> };
type HTMLElement = El;

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'hr-dash-'));
const path = join(dir, 'headroom.duckdb');
let server: RunningServer;
let browser: Browser;
let store: Store;
const open = (url: string, o: { offline?: boolean } = {}) => openPage(browser, url, o);
let runA: string;
let runB: string;
let squeeze: { id: string; capacity: number };

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  store = await Store.open(path);
  runA = await seedRun(store, { seconds: 60, rate: 400, target: 'http://127.0.0.1:8080/api' });
  runB = await seedRun(store, { seconds: 60, rate: 600, capacity: 650, target: 'http://127.0.0.1:8080/api' });
  squeeze = await seedSqueeze(store);
  server = await startServer({ store, port: 0, livePollMs: 250, log: () => {} });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

const ACHIEVED: [number, number, number] = [47, 111, 237];
const P99: [number, number, number] = [229, 83, 61];

test('the runs page lists the stored runs', async () => {
  const page = await open(server.url + '/');
  const ids = await page.$$eval('table.runs tbody tr td:nth-child(2)', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(new Set(ids), new Set([runA, runB, squeeze.id]));
  await page.screenshot({ path: join(ARTIFACTS, 'runs.png'), fullPage: true });
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
  await page.context().close();
});

test('a run page draws its three charts with data', async () => {
  const page = await open(`${server.url}/#/run/${runB}`);
  const titles = await page.$$eval('.chart', (els) => els.map((e) => (e as HTMLElement).dataset.title));
  assert.deepEqual(titles, ['Offered vs achieved rate', 'Latency percentiles (from intended send time)', 'Errors by kind']);
  const achieved = await colouredPixels(page, ACHIEVED);
  const p99 = await colouredPixels(page, P99);
  assert.ok(achieved[0]! > 200, `the achieved-rate line is drawn (${achieved[0]} px)`);
  assert.ok(p99[1]! > 200, `the p99 line is drawn (${p99[1]} px)`);
  await page.screenshot({ path: join(ARTIFACTS, 'run.png'), fullPage: true });
  await page.context().close();
});

test('a squeeze page shows its capacity, the curve with SLO and capacity marker, and its steps', async () => {
  const page = await open(`${server.url}/#/squeeze/${squeeze.id}`);
  const cap = await page.$eval('#capacity', (e) => ({ text: e.textContent ?? '', value: (e as HTMLElement).dataset.capacity }));
  assert.equal(Number(cap.value), squeeze.capacity);
  assert.match(cap.text, new RegExp(`${squeeze.capacity} req/s`));
  assert.match(cap.text, /bound by p99<50ms/);
  assert.equal(await page.$$eval('table.steps tbody tr', (r) => r.length), 9);
  const [curveBlue] = await colouredPixels(page, ACHIEVED);
  const [curveRed] = await colouredPixels(page, P99);
  assert.ok(curveBlue! > 100, `capacity marker drawn (${curveBlue} px)`);
  assert.ok(curveRed! > 100, `p99 points and SLO line drawn (${curveRed} px)`);
  await page.screenshot({ path: join(ARTIFACTS, 'squeeze.png'), fullPage: true });
  await page.context().close();
});

test('compare shows both runs and the change of B against A', async () => {
  const page = await open(`${server.url}/#/compare/${runA}/${runB}`);
  const rows = await page.$$eval('table.compare tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const achieved = rows.find((r) => r[0] === 'achieved rate')!;
  assert.match(achieved[3]!, /^\+\d/, 'B sent more than A');
  assert.ok((await colouredPixels(page, ACHIEVED))[0]! > 100);
  await page.screenshot({ path: join(ARTIFACTS, 'compare.png'), fullPage: true });
  await page.context().close();
});

test('live updates arrive while another process records a run', async () => {
  const child = recordingChild(path, { seconds: 30, everyMs: 250, flushMs: 250, rate: 300 });
  const done = exited(child);
  const runId = await firstLine(child);
  const page = await open(`${server.url}/#/run/${runId}`);
  assert.equal(await page.$eval('#live-status', (e) => e.textContent?.startsWith('live:')), true, 'the page sees the run as live');
  const seconds = () => page.$eval('#live-status', (e) => Number((e as HTMLElement).dataset.seconds));
  const first = await seconds();
  await page.waitForFunction((n) => Number(document.getElementById('live-status')?.dataset.seconds) >= n + 3, first, { timeout: 15_000 });
  const later = await seconds();
  assert.ok(later >= first + 3, `seconds went from ${first} to ${later} without a reload`);
  await page.screenshot({ path: join(ARTIFACTS, 'live.png'), fullPage: true });
  await page.waitForFunction(() => document.getElementById('live-status')?.textContent === 'ended: passed', null, { timeout: 20_000 });
  assert.equal(await seconds(), 30);
  const chartPoints = await page.evaluate(() => document.querySelectorAll('.chart').length);
  assert.equal(chartPoints, 3);
  assert.equal((await done).code, 0);
  await page.context().close();
});

test('the self-contained report renders offline and makes no request', async () => {
  const { html } = await reportFromStore(store, squeeze.id);
  const file = join(ARTIFACTS, 'report.html');
  writeFileSync(file, html);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  assert.equal(Number(await page.$eval('#capacity', (e) => (e as HTMLElement).dataset.capacity)), squeeze.capacity);
  assert.ok((await colouredPixels(page, P99))[0]! > 100, 'the curve is drawn offline');
  assert.deepEqual(requests, [pathToFileURL(file).href], 'only the file itself was loaded');
  await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
  await context.close();
});

test('a comparison report renders offline too', async () => {
  const { html } = await reportFromStore(store, runA, runB);
  const file = join(ARTIFACTS, 'report-compare.html');
  writeFileSync(file, html);
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, offline: true });
  const page = await context.newPage();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15_000 });
  assert.equal(await page.$$eval('table.compare tbody tr', (r) => r.length), 6);
  assert.ok((await colouredPixels(page, ACHIEVED))[0]! > 100, 'the overlay is drawn offline');
  await page.screenshot({ path: join(ARTIFACTS, 'report-compare.png'), fullPage: true });
  await context.close();
});
