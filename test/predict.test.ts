// End-to-end: `headroom predict` as a user runs it, against files and a loopback HTTP
// server speaking Prometheus's query_range API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hr-predict-'));
const H = 3_600_000;
const start = Date.UTC(2024, 0, 1);

/** Hourly demand with daily and weekly cycles, deterministic. */
function demand(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(1000 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / 24)) * (Math.floor(i / 24) % 7 >= 5 ? 0.7 : 1) + 40 * Math.sin(i * 2.3)));
}
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
/** The real binary, run in the test's folder: forecasts and plans are recorded in its .headroom/, not the repo's. */
function headroom(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const csvFile = join(dir, 'demand.csv');
writeFileSync(csvFile, 'timestamp,value\n' + demand(24 * 7 * 4).map((v, i) => `${iso(start + i * H)},${v}`).join('\n') + '\n');

/** Runs the binary asynchronously (the Prometheus test serves from this process). */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('forecast --json: horizon steps with ordered quantiles, models and weights', () => {
  const r = headroom(['predict', 'forecast', csvFile, '--horizon', '24', '--quantiles', '0.5,0.9,0.99', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.forecast.length, 24);
  assert.deepEqual(out.periods, [24, 168]);
  assert.equal(out.forecast[0].t, iso(start + 24 * 7 * 4 * H));
  for (const p of out.forecast) assert.ok(p['q0.5'] <= p['q0.9'] && p['q0.9'] <= p['q0.99'], JSON.stringify(p));
  assert.ok(Math.abs(out.models.reduce((a: number, m: { weight: number }) => a + m.weight, 0) - 1) < 1e-3);
  for (const p of out.forecast) assert.ok(p.lo95 <= p.lo80 && p.lo80 <= p.hi80 && p.hi80 <= p.hi95);
  assert.equal(out.per_model.snaive.length, 24);
});

test('forecast --events: a known holiday in the horizon lowers the forecast', () => {
  const ev = join(dir, 'events.csv');
  // Days of the history are ordinary; the first forecast day is declared a holiday, and
  // three past days were holidays with half the traffic.
  const n = 24 * 7 * 4;
  const vals = demand(n);
  const past = ['2024-01-03', '2024-01-10', '2024-01-17'];
  for (const d of past) {
    const i0 = (Date.parse(`${d}T00:00:00Z`) - start) / H;
    for (let i = i0; i < i0 + 24; i++) vals[i] = Math.round(vals[i]! / 2);
  }
  const file = join(dir, 'holidays-demand.csv');
  writeFileSync(file, 'timestamp,value\n' + vals.map((v, i) => `${iso(start + i * H)},${v}`).join('\n') + '\n');
  writeFileSync(ev, 'start,end,label\n' + [...past, iso(start + n * H).slice(0, 10)].map((d) => `${d},,holiday`).join('\n') + '\n');
  const plain = JSON.parse(headroom(['predict', 'forecast', file, '--horizon', '24', '--json']).stdout);
  const r = headroom(['predict', 'forecast', file, '--horizon', '24', '--events', ev, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const known = JSON.parse(r.stdout);
  const sum = (o: { forecast: { mean: number }[] }) => o.forecast.reduce((a, p) => a + p.mean, 0);
  assert.ok(sum(known) < 0.8 * sum(plain), `with events ${sum(known)} vs without ${sum(plain)}`);
  const bad = join(dir, 'bad-events.csv');
  writeFileSync(bad, 'start,end,label\nsometime,,x\n');
  const e = headroom(['predict', 'forecast', file, '--events', bad]);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /bad-events\.csv row 2 field "start"/);
});

test('bad input: one line naming the row and field, exit 2', () => {
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, 'timestamp,value\n2024-01-01 00:00:00,5\n2024-01-01 01:00:00,lots\n');
  let r = headroom(['predict', 'forecast', bad]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /bad\.csv row 3 field "value": expected a number/);
  r = headroom(['predict', 'forecast', csvFile, '--horizon', '0']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--horizon/);
  r = headroom(['predict', 'forecast', csvFile, '--season', 'weekly']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--season/);
  const empty = join(dir, 'empty.csv');
  writeFileSync(empty, '');
  r = headroom(['predict', 'forecast', empty]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /empty/);
});

test('batch: one row per series, ragged lengths, mean and quantile files', () => {
  const file = join(dir, 'fleet.csv');
  const rows = Array.from({ length: 10 }, (_, k) => `svc-${k},${demand(400 + 30 * k).map((v) => v * (k + 1)).join(',')}`);
  rows.push('tiny,1,2,3');
  writeFileSync(file, rows.join('\n') + '\n');
  const prefix = join(dir, 'out');
  const r = headroom(['predict', 'forecast', '--batch', file, '--season', '24,168', '--horizon', '12', '--quantiles', '0.9', '--out', prefix]);
  assert.equal(r.code, 0, r.stderr);
  const mean = readFileSync(`${prefix}-mean.csv`, 'utf8').trim().split('\n');
  assert.equal(mean.length, 12);
  assert.equal(mean[0]!.split(',').length, 13);
  assert.equal(mean[2]!.split(',')[0], 'svc-1');
  const q = readFileSync(`${prefix}-q0.9.csv`, 'utf8').trim().split('\n');
  assert.ok(Number(q[1]!.split(',')[1]) >= Number(mean[1]!.split(',')[1]));
  assert.match(r.stderr, /tiny: .*too short/);
});

test('backtest: per-model scores, coverage and the plan replay', () => {
  const r = headroom(['predict', 'backtest', csvFile, '--horizon', '24', '--origins', '3', '--per-instance-rps', '100', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.origins.length, 3);
  const comb = out.scores.find((s: { model: string }) => s.model === 'combination');
  assert.ok(comb.smape < 15 && comb.coverage80 >= 0);
  assert.equal(out.plan.origins.length, 3);
  assert.ok(out.plan.under_provisioned_rate >= 0 && out.plan.under_provisioned_rate <= 1);
});

test('plan: instances, runway and USL from a squeeze result file', () => {
  const cap = join(dir, 'squeeze.json');
  writeFileSync(cap, JSON.stringify({ capacity_rps: 120, usl: { sigma: 0.02, kappa: 0.0001, lambda: 130 } }));
  const html = join(dir, 'plan.html');
  const r = headroom(['predict', 'plan', '--demand', csvFile, '--capacity', cap, '--instances', '12', '--target-util', '0.7', '--redundancy', 'n+1', '--lead-time', '2d', '--quantile', '0.9', '--horizon', '72', '--json', '--html', html]);
  assert.equal(r.code, 0, r.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<svg[^>]*aria-label="demand forecast and capacity"/);
  assert.match(page, /usable capacity of the current fleet/);
  assert.equal((page.match(/<tr><td>/g) ?? []).length, 3); // 72 hours: three days
  const out = JSON.parse(r.stdout);
  assert.equal(out.per_step.length, 72);
  assert.ok(out.peak.instances >= Math.ceil(out.peak.demand / (120 * 0.7)) + 1, JSON.stringify(out.peak));
  assert.equal(typeof out.current.headroom_pct, 'number');
  assert.ok(out.runway.until === null || typeof out.runway.until === 'string');
  assert.ok(out.assumptions.some((a: string) => /USL/.test(a)));
  assert.equal(out.infeasible, false);
  // A service that stops scaling early cannot meet the peak: said, not hidden.
  writeFileSync(cap, JSON.stringify({ capacity_rps: 120, usl: { sigma: 0.02, kappa: 0.0005 } }));
  const inf = headroom(['predict', 'plan', '--demand', csvFile, '--capacity', cap, '--quantile', '0.9', '--horizon', '72', '--json']);
  assert.equal(JSON.parse(inf.stdout).infeasible, true);
  assert.match(inf.stderr, /not reachable by scaling out/);
  // A squeeze report without a USL fit plans linearly and says so.
  writeFileSync(cap, JSON.stringify({ capacity_rps: 120, usl: { ok: false, load_axis: 'virtual users', reason: 'fewer than 6 loads' } }));
  const lin = JSON.parse(headroom(['predict', 'plan', '--demand', csvFile, '--capacity', cap, '--horizon', '24', '--json']).stdout);
  assert.equal(lin.usl, null);
  assert.ok(lin.assumptions.some((a: string) => /no USL fit/.test(a)));
  writeFileSync(cap, JSON.stringify({ capacity_rps: null }));
  assert.match(headroom(['predict', 'plan', '--demand', csvFile, '--capacity', cap]).stderr, /found no capacity/);
  const bad = join(dir, 'bad-squeeze.json');
  writeFileSync(bad, JSON.stringify({ capacity_rps: -1 }));
  const e = headroom(['predict', 'plan', '--demand', csvFile, '--capacity', bad]);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /capacity_rps/);
});

test('plan --resources: which resource binds first', () => {
  const res = join(dir, 'resources.json');
  writeFileSync(res, JSON.stringify([{ name: 'api', capacity_rps: 400, instances: 8 }, { name: 'db', capacity_rps: 2000, instances: 2, per_demand: 3 }]));
  const r = headroom(['predict', 'plan', '--demand', csvFile, '--resources', res, '--horizon', '48', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.binds_first, 'db');
  assert.deepEqual(out.resources.map((x: { name: string }) => x.name), ['db', 'api']);
  assert.match(r.stderr, /binds first: db/);
});

test('Prometheus input: query_range over loopback', async () => {
  const seen: URL[] = [];
  const server = createServer((req, res) => {
    const u = new URL(req.url!, 'http://x');
    seen.push(u);
    if (u.pathname !== '/api/v1/query_range') {
      res.writeHead(404).end();
      return;
    }
    const end = Number(u.searchParams.get('end'));
    const step = parseInt(u.searchParams.get('step')!, 10);
    const from = Number(u.searchParams.get('start'));
    const values = demand(Math.floor((end - from) / step) + 1).map((v, i) => [from + i * step, String(v)]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const port = (server.address() as { port: number }).port;
    const r = await run(['predict', 'forecast', '--prometheus', `http://127.0.0.1:${port}`, '--query', 'sum(rate(http_requests_total[5m]))', '--range', '21d', '--step', '1h', '--horizon', '24', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).forecast.length, 24);
    assert.equal(seen[0]!.searchParams.get('query'), 'sum(rate(http_requests_total[5m]))');
    assert.equal(seen[0]!.searchParams.get('step'), '3600s');
    const e = await run(['predict', 'forecast', '--prometheus', `http://127.0.0.1:${port}/nope`, '--query', 'up']);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /Prometheus|JSON/);
  } finally {
    server.close();
  }
});
