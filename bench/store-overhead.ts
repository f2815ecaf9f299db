// Does recording into the store slow the load engine? `headroom run` at full closed-model
// throughput with --store and with --no-store, in back-to-back pairs (the order alternating)
// so that noise from the shared machine hits both runs of a pair alike. Reported: the
// median of the per-pair throughput ratios, and the generator's CPU time per request
// (user + system from /usr/bin/time), which contention from other processes disturbs
// much less than throughput. Also times the API's one-hour series.
//   npm run build && node dist/bench/store-overhead.js [--runs 5] [--duration 5]
// The target (a minimal keep-alive HTTP/1.1 responder) is pinned to core 0 and the
// generator to core 1 when taskset exists.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunRecorder, Store, closeAllDbs } from '../src/store/index.js';
import { startServer } from '../src/server/server.js';
import { syntheticSample } from '../src/core/synthetic-series.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const RUNS = Number(arg('--runs', '5'));
const DURATION_S = Number(arg('--duration', '5'));
const work = mkdtempSync(join(tmpdir(), 'hr-bench-store-'));
const hasTaskset = spawnSync('sh', ['-c', 'command -v taskset']).status === 0;
const pin = (core: number, cmd: string[]) => (hasTaskset ? ['taskset', '-c', String(core), ...cmd] : cmd);

const TARGET = `
  const net = require('node:net');
  const RES = Buffer.from('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok');
  const s = net.createServer((c) => { c.setNoDelay(true); c.on('data', (d) => { let i = -1, n = 0; while ((i = d.indexOf('\\r\\n\\r\\n', i + 1)) >= 0) n++; for (let k = 0; k < n; k++) c.write(RES); }); c.on('error', () => {}); });
  s.listen(0, '127.0.0.1', () => console.log(s.address().port));
  setTimeout(() => process.exit(0), 15 * 60_000);`;

function startTarget(): Promise<{ child: ChildProcess; port: number }> {
  const cmd = pin(0, [process.execPath, '-e', TARGET]);
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((res) => child.stdout!.once('data', (d: Buffer) => res({ child, port: Number(String(d).trim()) })));
}

interface RunResult {
  rps: number;
  requests: number;
  /** CPU seconds (user + system) of the headroom process. */
  cpu: number;
}

function headroomRun(url: string, store: string | null): Promise<RunResult> {
  const cmd = ['/usr/bin/time', '-f', 'HRTIME %U %S', ...pin(1, [process.execPath, join(root, 'bin/headroom.js'), 'run', url, '--vus', '50',
    '--duration', `${DURATION_S}s`, '--threads', '1', '--json', ...(store ? ['--store', store] : ['--no-store'])])];
  return new Promise((res, rej) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: work });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return rej(new Error(`exit ${code}: ${err.slice(-500)}`));
      const s = JSON.parse(out) as { rate: { achieved: number }; requests: number };
      const m = /HRTIME ([\d.]+) ([\d.]+)/.exec(err);
      res({ rps: s.rate.achieved, requests: s.requests, cpu: m ? Number(m[1]) + Number(m[2]) : NaN });
    });
  });
}

const iqr = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) * 0.25)]!, s[Math.ceil((s.length - 1) * 0.75)]!];
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const target = await startTarget();
const url = `http://127.0.0.1:${target.port}/`;
const withStore: RunResult[] = [];
const without: RunResult[] = [];
await headroomRun(url, null); // warm-up (file cache, JIT of the target)
for (let i = 0; i < RUNS; i++) {
  // Alternate which goes first, so drift over time favours neither.
  const order = i % 2 === 0 ? ['store', 'none'] : ['none', 'store'];
  for (const o of order) {
    if (o === 'store') withStore.push(await headroomRun(url, join(work, 'store.duckdb')));
    else without.push(await headroomRun(url, null));
  }
  process.stderr.write(`pair ${i + 1}/${RUNS}: store ${withStore.at(-1)!.rps.toFixed(0)} rps, no store ${without.at(-1)!.rps.toFixed(0)} rps\n`);
}
target.child.kill();

// The recorder's own cost, measured in this process where other programs' load disturbs
// it least: CPU per one-second flush, as `headroom run` does it (hold mode).
const flushStore = await Store.open(join(work, 'flush.duckdb'), { hold: true });
const rec = await RunRecorder.start(flushStore, { kind: 'run', target: null, config: {} }, { flushIntervalMs: 3_600_000 });
const flushCpuMs: number[] = [];
for (let t = 1; t <= 120; t++) {
  rec.add(syntheticSample(t, { rate: 40_000 }));
  const c0 = process.cpuUsage();
  await rec.flush();
  const c = process.cpuUsage(c0);
  flushCpuMs.push((c.user + c.system) / 1000);
}
await rec.finish({ status: 'passed' });

// The API: a one-hour series through the real server (open the file, query, send).
const store = await Store.open(join(work, 'api.duckdb'));
const id = await store.createRun({ kind: 'run', target: null, config: {} });
await store.appendSeries(id, Array.from({ length: 3600 }, (_, i) => syntheticSample(i + 1, { rate: 1000 })));
const server = await startServer({ store, port: 0, log: () => {} });
const apiMs: number[] = [];
// Time to the last byte of the response (what the server takes); the rows are checked after.
let body = '';
for (let i = 0; i < 21; i++) {
  const t0 = performance.now();
  const r = await fetch(`${server.url}/api/runs/${id}/series`);
  body = await r.text();
  if (i > 0) apiMs.push(performance.now() - t0); // the first request warms the file cache
}
if ((JSON.parse(body) as unknown[]).length !== 3600) throw new Error('short series');
await server.close();
await closeAllDbs();
rmSync(work, { recursive: true, force: true });

const result = {
  started: new Date().toISOString(),
  node: process.version,
  pinned: hasTaskset,
  runs: RUNS,
  duration_s: DURATION_S,
  load: 'headroom run --vus 50 --threads 1 (closed model, full speed) against a minimal loopback HTTP/1.1 responder',
  with_store_rps: withStore.map((r) => Math.round(r.rps)),
  without_store_rps: without.map((r) => Math.round(r.rps)),
  median_with_store_rps: Math.round(median(withStore.map((r) => r.rps))),
  median_without_store_rps: Math.round(median(without.map((r) => r.rps))),
  /** Median over pairs of (with − without) / without: the throughput cost of the store. */
  median_pair_throughput_change: r4(median(withStore.map((w, i) => (w.rps - without[i]!.rps) / without[i]!.rps))),
  /** The spread of the pair ratios (25th and 75th percentiles): the noise of this machine at the time. */
  pair_change_iqr: iqr(withStore.map((w, i) => (w.rps - without[i]!.rps) / without[i]!.rps)).map(r4),
  load_average_at_end: loadavg().map(r2),
  /** Generator CPU microseconds per request (median), and the relative change with the store. */
  cpu_us_per_request: {
    with_store: r2(median(withStore.map((r) => (r.cpu / r.requests) * 1e6))),
    without_store: r2(median(without.map((r) => (r.cpu / r.requests) * 1e6))),
    change: r4(median(withStore.map((r) => r.cpu / r.requests)) / median(without.map((r) => r.cpu / r.requests)) - 1),
  },
  /** CPU of one flush (ms; one flush per second of run) and what share of the generator's CPU per second that is. */
  recorder_flush_cpu_ms: { median: r2(median(flushCpuMs)), p90: r2([...flushCpuMs].sort((a, b) => a - b)[Math.floor(flushCpuMs.length * 0.9)]!) },
  generator_cpu_s_per_s: r2(median(without.map((r) => r.cpu / DURATION_S))),
  /** Expected throughput cost when the generator is CPU-bound: flush CPU per second over the generator's CPU per second. */
  recorder_share_of_generator_cpu: r4(median(flushCpuMs) / 1000 / median(without.map((r) => r.cpu / DURATION_S))),
  api_series_3600_rows_ms: { median: Math.round(median(apiMs) * 10) / 10, max: Math.round(Math.max(...apiMs) * 10) / 10 },
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/store-overhead.json'), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
