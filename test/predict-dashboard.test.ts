// Predict in the store and the dashboard (issue #6): `headroom predict plan --capacity
// <squeeze run id>` reads the squeeze from the store, forecast and plan record their
// output (unless --no-store), the API lists and returns them, and the plan page draws the
// forecast with its bands and the capacity line in real Chromium and shows the runway.
// Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Store, closeAllDbs } from '../src/store/index.js';
import { listPredictions } from '../src/store/predictions.js';
import { startServer, type RunningServer } from '../src/server/server.js';
import { headroomAsync } from './helpers.js';
import { seedRun, seedSqueeze } from './support.js';
import { colouredPixels, launchChromium, openPage } from './browser.js';

// The few browser globals used inside page functions (the test build has no DOM lib).
interface CanvasEl { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null }
type HTMLCanvasElement = CanvasEl;

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'hr-predict-dash-'));
const path = join(dir, 'headroom.duckdb');
const demandFile = join(dir, 'demand.csv');
let server: RunningServer;
let browser: Browser;
let squeeze: { id: string; capacity: number };
let runId: string;

/** Four weeks of hourly demand: a daily cycle on a slowly rising trend. */
function writeDemand(): void {
  const H = 3_600_000;
  const start = Date.UTC(2024, 0, 1);
  const rows = Array.from({ length: 24 * 28 }, (_, i) =>
    `${new Date(start + i * H).toISOString().replace('T', ' ').slice(0, 19)},${Math.round((500 + i * 0.8) * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 24)) + 20 * Math.sin(i * 2.3))}`);
  writeFileSync(demandFile, 'timestamp,value\n' + rows.join('\n') + '\n');
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeDemand();
  const store = await Store.open(path);
  squeeze = await seedSqueeze(store);
  runId = await seedRun(store, { seconds: 5, rate: 10 });
  await closeAllDbs();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await closeAllDbs();
  rmSync(dir, { recursive: true, force: true });
});

let plan: { id: string; json: Record<string, unknown> & { runway: { until: string | null }; per_day: unknown[]; per_instance_rps: number; capacity_run_id: string } };
let forecastId: string;

test('predict plan --capacity <squeeze id> reads the squeeze from the store and records the plan', async () => {
  const r = await headroomAsync(['predict', 'plan', '--demand', demandFile, '--capacity', squeeze.id, '--instances', '8', '--horizon', '168',
    '--store', path, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.capacity_run_id, squeeze.id);
  assert.equal(json.per_instance_rps, squeeze.capacity);
  assert.deepEqual(json.usl, { sigma: 0.05, kappa: 0.002, lambda: 100 }, 'the squeeze\'s USL fit is used');
  assert.ok(json.assumptions.some((a: string) => a.includes(`squeeze ${squeeze.id} in the store`)));
  assert.ok(json.runway.until !== null, 'the scenario runs out of capacity within the horizon');
  const id = /recorded as (\S+) /.exec(r.stderr)?.[1];
  assert.ok(id, r.stderr);
  plan = { id, json };
  const f = await headroomAsync(['predict', 'forecast', demandFile, '--horizon', '48', '--quantiles', '0.9', '--store', path]);
  assert.equal(f.code, 0, f.stderr);
  forecastId = /recorded as (\S+) /.exec(f.stderr)![1]!;
});

test('--no-store records nothing; a JSON file still works as --capacity; bad --capacity ids are one line, exit 2', async () => {
  const store = await Store.open(path);
  const before = (await listPredictions(store, 'plan')).length;
  await closeAllDbs();
  const cap = join(dir, 'squeeze.json');
  writeFileSync(cap, JSON.stringify({ capacity_rps: 300 }));
  const r = await headroomAsync(['predict', 'plan', '--demand', demandFile, '--capacity', cap, '--horizon', '24', '--store', path, '--no-store', '--json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^headroom: --no-store: cannot be used with --store PATH/);
  const ok = await headroomAsync(['predict', 'plan', '--demand', demandFile, '--capacity', cap, '--horizon', '24', '--no-store', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).per_instance_rps, 300);
  assert.doesNotMatch(ok.stderr, /recorded as/);
  const cases: [string, RegExp][] = [
    [runId, new RegExp(`^headroom: --capacity: run ${runId} is a run, not a squeeze \\[HR_E_CAPACITY\\]`)],
    ['no-such-run', /^headroom: --capacity: "no-such-run" is neither a file nor a run in the store/],
  ];
  for (const [value, re] of cases) {
    const e = await headroomAsync(['predict', 'plan', '--demand', demandFile, '--capacity', value, '--store', path]);
    assert.equal(e.code, 2, e.stderr);
    assert.match(e.stderr.split('\n')[0]!, re);
  }
  const missing = await headroomAsync(['predict', 'plan', '--demand', demandFile, '--capacity', 'abc', '--store', join(dir, 'none.duckdb')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /"abc" is neither a file nor a squeeze run \(no store at/);
  const store2 = await Store.open(path);
  assert.equal((await listPredictions(store2, 'plan')).length, before, 'nothing was recorded');
  await closeAllDbs();
});

test('the API lists and returns forecasts and plans, with JSON errors', async () => {
  server = await startServer({ store: await Store.open(path), port: 0, log: () => {} });
  const get = async (p: string) => {
    const res = await fetch(server.url + p);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const plans = await get('/api/plans');
  assert.equal(plans.status, 200);
  assert.deepEqual((plans.body.plans as { id: string }[]).map((p) => p.id), [plan.id]);
  const one = await get(`/api/plans/${plan.id}`);
  const stored = one.body.plan as { capacity_run_id: string; runway_until: number; doc: { per_day: unknown[]; chart: { forecast: { p50: number[] } } } };
  assert.equal(stored.capacity_run_id, squeeze.id);
  assert.equal(stored.runway_until, Date.parse(plan.json.runway.until!.replace(' ', 'T') + 'Z'));
  assert.deepEqual(stored.doc.per_day, plan.json.per_day);
  assert.equal(stored.doc.chart.forecast.p50.length, 168);
  const forecasts = await get('/api/forecasts?limit=5');
  assert.deepEqual((forecasts.body.forecasts as { id: string; horizon: number }[]).map((f) => [f.id, f.horizon]), [[forecastId, 48]]);
  assert.equal((await get(`/api/forecasts/${forecastId.slice(0, 18)}`)).status, 200, 'an id prefix is enough');
  for (const [p, status, code] of [
    ['/api/plans/20990101-000000-000000', 404, 'HR_E_PREDICTION_NOT_FOUND'],
    ['/api/plans/bad%20id', 400, 'HR_E_BAD_RUN_ID'],
    ['/api/forecasts?since=1', 400, 'HR_E_BAD_QUERY'],
    ['/api/forecasts?limit=0', 400, 'HR_E_BAD_QUERY'],
  ] as const) {
    const r = await get(p);
    assert.equal(r.status, status, p);
    assert.equal((r.body.error as { code: string }).code, code, p);
  }
});

/**
 * Pixels of colour `rgb` in the first chart at the 95% band's opacity (0.12 → alpha ≈ 31):
 * the band's fill. The P50 line's antialiased edges spread over all alphas, so only a
 * few hundred of them fall in this window.
 */
async function bandPixels(page: Page, rgb: [number, number, number]): Promise<number> {
  return page.$eval('.chart canvas', (c, [r, g, b]) => {
    const cv = c as unknown as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! >= 24 && d[i + 3]! <= 38 && Math.abs(d[i]! - r!) < 12 && Math.abs(d[i + 1]! - g!) < 12 && Math.abs(d[i + 2]! - b!) < 12) n++;
    }
    return n;
  }, rgb);
}

async function open(url: string) {
  browser ??= await launchChromium();
  return openPage(browser, url);
}

const P50: [number, number, number] = [47, 111, 237];
const CAPACITY: [number, number, number] = [229, 83, 61];

test('the plan page draws the forecast, its bands and the capacity line, and shows the runway and the plan table', async () => {
  const page = await open(`${server.url}/#/plan/${plan.id}`);
  await page.screenshot({ path: join(ARTIFACTS, 'plan.png'), fullPage: true });
  const runway = await page.$eval('#runway', (e) => ({ text: e.textContent ?? '', value: (e as unknown as { dataset: Record<string, string> }).dataset.runway }));
  assert.equal(runway.value, plan.json.runway.until);
  assert.match(runway.text, new RegExp(`until ${plan.json.runway.until!.slice(0, 16)}`));
  assert.match(runway.text, /runway of today's 8 instances at q0\.99/);
  assert.equal(await page.$$eval('table.plan tbody tr', (r) => r.length), plan.json.per_day.length);
  const [blue] = await colouredPixels(page, P50);
  const [red] = await colouredPixels(page, CAPACITY);
  assert.ok(blue! > 300, `the P50 line is drawn (${blue} px)`);
  assert.ok(red! > 300, `the capacity line and runway marker are drawn (${red} px)`);
  // The bands: the line's blue, translucent (the canvas is transparent beneath them).
  const band = await bandPixels(page, P50);
  assert.ok(band > 600, `the 95% interval band is filled (${band} px)`);
  assert.equal(await page.$eval('.meta a', (a) => a.getAttribute('href')), `#/squeeze/${squeeze.id}`);
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
  await page.context().close();
});

test('the predict list and the forecast page', async () => {
  const page = await open(`${server.url}/#/predict`);
  assert.deepEqual(await page.$$eval('table.plans tbody tr td:first-child', (tds) => tds.map((t) => t.textContent)), [plan.id]);
  assert.deepEqual(await page.$$eval('table.forecasts tbody tr td:first-child', (tds) => tds.map((t) => t.textContent)), [forecastId]);
  await page.screenshot({ path: join(ARTIFACTS, 'predict-list.png'), fullPage: true });
  await page.click(`a[href="#/forecast/${forecastId}"]`);
  await page.waitForSelector('table.models');
  await page.waitForSelector('.chart canvas');
  await page.screenshot({ path: join(ARTIFACTS, 'forecast.png'), fullPage: true });
  const [blue] = await colouredPixels(page, P50);
  assert.ok(blue! > 200, `the forecast's P50 line is drawn (${blue} px)`);
  assert.deepEqual((page as Page & { errors: string[] }).errors, []);
  await page.context().close();
});
