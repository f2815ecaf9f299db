// Benchmark of the load engine against wrk and autocannon, on nginx (1 worker) on loopback,
// in the same run. See bench/README.md for what each figure means and how to reproduce.
//   npm run build && node dist/bench/load-engine.js [--runs 5] [--out bench/results]
// Needs nginx, wrk and taskset (apt-get install -y nginx wrk util-linux) and 2 cores:
// the target is pinned to core 0, the generator to core 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const RUNS = Number(arg('--runs', '5'));
const OUT = resolve(root, arg('--out', 'bench/results'));
const DURATION_S = Number(arg('--duration', '5'));
const headroom = join(root, 'bin/headroom.js');
const autocannon = join(root, 'node_modules/autocannon/autocannon.js');
const work = mkdtempSync(join(tmpdir(), 'hr-bench-'));

interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
  /** CPU seconds (user + system) and max RSS (KB) of the measured process, from /usr/bin/time. */
  cpu: number;
  user: number;
  sys: number;
  wall: number;
  rssKb: number;
}

function exec(cmd: string[], pinCore?: number): Promise<Exec> {
  const full = ['/usr/bin/time', '-f', 'HRTIME %U %S %e %M', ...(pinCore === undefined ? [] : ['taskset', '-c', String(pinCore)]), ...cmd];
  return new Promise((res) => {
    const child = spawn(full[0]!, full.slice(1), { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => {
      const m = /HRTIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      const [user, sys, wall, rss] = m ? m.slice(1).map(Number) : [NaN, NaN, NaN, NaN];
      res({ code, stdout, stderr, user: user!, sys: sys!, cpu: user! + sys!, wall: wall!, rssKb: rss! });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r0 = (x: number) => Math.round(x);
const r2 = (x: number) => Math.round(x * 100) / 100;

async function startNginx(): Promise<{ url: string; proc: ChildProcess }> {
  const dir = join(work, 'nginx');
  mkdirSync(dir);
  const port = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(join(dir, 'nginx.conf'), `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_rlimit_nofile 30000;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 127.0.0.1:${port}; location / { return 200 "hello world\\n"; } }
}
`);
  const proc = spawn('taskset', ['-c', '0', 'nginx', '-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 50; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return { url, proc };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('nginx did not start');
}

type Tool = { name: string; cmd: (url: string) => string[]; requests: (e: Exec) => number };

const tools: Tool[] = [
  {
    name: 'wrk -t1 -c50',
    cmd: (url) => ['wrk', '-t1', '-c50', `-d${DURATION_S}s`, url],
    requests: (e) => Number(/(\d+) requests in/.exec(e.stdout)?.[1] ?? NaN),
  },
  {
    name: 'autocannon -c50',
    cmd: (url) => ['node', autocannon, '-c', '50', '-d', String(DURATION_S), '--json', url],
    requests: (e) => Number(JSON.parse(e.stdout).requests.total),
  },
  {
    name: 'headroom --vus 50',
    cmd: (url) => ['node', headroom, 'run', url, '--vus', '50', '--threads', '1', '--duration', `${DURATION_S}s`, '--json'],
    requests: (e) => Number(JSON.parse(e.stdout).requests),
  },
  {
    name: 'autocannon -c50 -p10',
    cmd: (url) => ['node', autocannon, '-c', '50', '-p', '10', '-d', String(DURATION_S), '--json', url],
    requests: (e) => Number(JSON.parse(e.stdout).requests.total),
  },
  {
    name: 'headroom --vus 50 --pipelining 10',
    cmd: (url) => ['node', headroom, 'run', url, '--vus', '50', '--pipelining', '10', '--threads', '1', '--duration', `${DURATION_S}s`, '--json'],
    requests: (e) => Number(JSON.parse(e.stdout).requests),
  },
];

async function throughput(url: string) {
  const rows = new Map<string, { rps: number[]; perCpu: number[]; cpu: number[] }>();
  for (const t of tools) rows.set(t.name, { rps: [], perCpu: [], cpu: [] });
  for (let run = 0; run < RUNS; run++) {
    for (const t of tools) {
      const e = await exec(t.cmd(url), 1);
      const n = t.requests(e);
      const row = rows.get(t.name)!;
      row.rps.push(n / DURATION_S);
      row.perCpu.push(n / e.cpu);
      row.cpu.push(e.cpu);
      console.error(`run ${run + 1}/${RUNS} ${t.name}: ${n} requests, ${r2(e.cpu)} CPU-s (user ${e.user} sys ${e.sys})`);
    }
  }
  return [...rows].map(([name, r]) => ({
    tool: name,
    rps_median: r0(median(r.rps)),
    cpu_s_median: r2(median(r.cpu)),
    req_per_cpu_s_median: r0(median(r.perCpu)),
    req_per_cpu_s_runs: r.perCpu.map(r0),
  }));
}

async function rateHolding(url: string) {
  const series = join(work, 'series.jsonl');
  const e = await exec(['node', headroom, 'run', url, '--rate', '20000', '--duration', '10s', '--threads', '1', '--series', series, '--json'], 1);
  const s = JSON.parse(e.stdout);
  const secs = readFileSync(series, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; achieved_rps: number });
  const within = secs.filter((x) => Math.abs(x.achieved_rps - 20000) <= 200).length;
  return {
    achieved_per_second: secs.map((x) => x.achieved_rps),
    seconds_within_1pct: within,
    seconds: secs.length,
    p99_ms: s.latency_ms.p99,
    generator_saturated: s.generator_saturated,
    cpu_s: r2(e.cpu),
  };
}

/** CPU a generator needs to hold 10,000 req/s for 10 s (pinned to core 1), 3 runs each. */
async function cpuAtFixedRate(url: string) {
  const out: Record<string, number[]> = { headroom: [], autocannon: [] };
  const done: Record<string, number[]> = { headroom: [], autocannon: [] };
  for (let i = 0; i < 3; i++) {
    const h = await exec(['node', headroom, 'run', url, '--rate', '10000', '--duration', '10s', '--threads', '1', '--json'], 1);
    out.headroom!.push(r2(h.cpu));
    done.headroom!.push(Number(JSON.parse(h.stdout).requests));
    const a = await exec(['node', autocannon, '-c', '50', '-R', '10000', '-d', '10', '--json', url], 1);
    out.autocannon!.push(r2(a.cpu));
    done.autocannon!.push(Number(JSON.parse(a.stdout).requests.total));
  }
  return {
    headroom: { cpu_s: out.headroom, requests: done.headroom, cpu_s_median: median(out.headroom!) },
    autocannon: { cpu_s: out.autocannon, requests: done.autocannon, cpu_s_median: median(out.autocannon!) },
  };
}

async function withArrivalTarget<T>(fn: (url: string) => Promise<T>): Promise<{ result: T; arrivals: number[] }> {
  const file = join(work, `arrivals-${Date.now()}.json`);
  const proc = spawn('taskset', ['-c', '0', 'node', join(root, 'dist/bench/arrival-target.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res) => proc.stdout!.once('data', (d: Buffer) => res(Number(String(d).trim()))));
  const result = await fn(`http://127.0.0.1:${port}/`);
  await new Promise<void>((res) => {
    proc.once('exit', () => res());
    proc.kill('SIGTERM');
  });
  return { result, arrivals: JSON.parse(readFileSync(file, 'utf8')) as number[] };
}

/** 10 ms windows over the steady part (first and last second left out). */
function smoothness(arrivalsUs: number[]) {
  const a = arrivalsUs;
  if (a.length < 100) return { windows: 0, empty: 0, busiest_over_mean: NaN, cv: NaN };
  const start = a[0]! + 1e6;
  const end = a[a.length - 1]! - 1e6;
  const n = Math.floor((end - start) / 10_000);
  const counts = new Array<number>(n).fill(0);
  for (const t of a) {
    const i = Math.floor((t - start) / 10_000);
    if (i >= 0 && i < n) counts[i]!++;
  }
  const mean = counts.reduce((x, y) => x + y, 0) / n;
  const sd = Math.sqrt(counts.reduce((x, c) => x + (c - mean) ** 2, 0) / n);
  return { windows: n, mean_per_window: r2(mean), empty: counts.filter((c) => c === 0).length, busiest_over_mean: r2(Math.max(...counts) / mean), cv: r2(sd / mean) };
}

async function pacing() {
  const hr = await withArrivalTarget((url) => exec(['node', headroom, 'run', url, '--rate', '5000', '--duration', '10s', '--threads', '1'], 1));
  const ac = await withArrivalTarget((url) => exec(['node', autocannon, '-c', '50', '-R', '5000', '-d', '10', url], 1));
  return { headroom: { requests: hr.arrivals.length, ...smoothness(hr.arrivals) }, autocannon: { requests: ac.arrivals.length, ...smoothness(ac.arrivals) } };
}

async function memory(url: string) {
  const e = await exec(['node', headroom, 'run', url, '--vus', '10000', '--duration', '10s', '--json']);
  const s = JSON.parse(e.stdout);
  return { vus: 10000, max_rss_mb: r0(e.rssKb / 1024), requests: s.requests, errors: s.errors.total, achieved_rps: s.rate.achieved };
}

const nginx = await startNginx();
try {
  const started = new Date().toISOString();
  const loadStart = r2(loadavg()[0]!);
  console.error(`nginx at ${nginx.url}; ${RUNS} runs of ${DURATION_S} s per tool`);
  const tp = await throughput(nginx.url);
  const byName = new Map(tp.map((t) => [t.tool, t]));
  const ratio = (a: string, b: string) => r2(byName.get(a)!.req_per_cpu_s_median / byName.get(b)!.req_per_cpu_s_median);
  const ratios = {
    'headroom / wrk (req per CPU-s)': ratio('headroom --vus 50', 'wrk -t1 -c50'),
    'headroom / autocannon (req per CPU-s)': ratio('headroom --vus 50', 'autocannon -c50'),
    'headroom / autocannon, both pipelining 10': ratio('headroom --vus 50 --pipelining 10', 'autocannon -c50 -p10'),
  };
  console.error(ratios);
  const fixed = await cpuAtFixedRate(nginx.url);
  console.error('cpu at 10k req/s', fixed);
  // Rate holding and pacing are repeated (3 runs each): the machine is shared and a run can
  // be starved by other work; every run is reported, not only the best.
  const hold = [];
  const pace = [];
  for (let i = 0; i < 3; i++) {
    hold.push(await rateHolding(nginx.url));
    console.error('rate holding', hold.at(-1));
    pace.push(await pacing());
    console.error('pacing', pace.at(-1));
  }
  const mem = await memory(nginx.url);
  console.error('memory', mem);
  const result = {
    started, runs: RUNS, duration_s: DURATION_S, node: process.version,
    // Other work on the machine: the 1-minute load average at the start and at the end.
    loadavg_1m: { start: loadStart, end: r2(loadavg()[0]!) },
    throughput: tp,
    cpu_at_10k_rps: fixed, ratios, rate_holding_20k: hold, pacing_5k: pace, memory_10k_vus: mem };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'load-engine.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
} finally {
  nginx.proc.kill('SIGTERM');
}
