/**
 * Benchmark of the capture proxy (`headroom trace capture`), all on loopback, each server in
 * its own process. Per run, for three upstreams:
 * - `trivial`: node:http answering 32 bytes of JSON (the proxy's cost is at its largest share);
 * - `1ms`: the same answering 1 ms late (setTimeout): service-time-bound, wrk at 10 connections;
 * - `json2k`: node:http building and serializing ~1.9 KB of JSON per request (real CPU work).
 * wrk (apt package `wrk`, 1 thread, 10 s) measures the throughput directly, through a blind
 * Node TCP pipe (no parsing, no recording: the ceiling of a one-process Node proxy), and
 * through the proxy (sample 100%, DuckDB store in a temporary directory). Each ratio is to the
 * direct figure of the same run. For the trivial upstream also: the proxy at sample 1%, a
 * blind pipe of two processes (node:cluster, same port), and, after the wrk phases, an
 * open-loop paced client at exactly 5,000 req/s for 10 s (keep-alive, HDR histogram), directly
 * through the proxy and through the blind pipe: the p50 difference is the latency the proxy adds
 * (target < 1 ms).
 *
 *   npx tsc -p tsconfig.json
 *   node dist/bench/trace-capture-bench.js [--pin] >> runs.jsonl   # one run, ~3 min
 *   node dist/bench/trace-capture-bench.js --summary runs.jsonl                                 # table + medians
 *
 * --pin: wrk on CPU 0, every server (upstream, pipe, proxy) on CPU 1 (taskset), so the
 * proxy's cost shows as the share of the upstream's core it takes, and wrk never competes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';

const UPSTREAM_SRC = `
const http = require('node:http');
const mode = process.argv[1];
const small = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3] }));
const item = (i) => ({ id: i, name: 'item-' + i, price: (i * 37 % 1000) / 10, tags: ['a', 'b', 'c'], stock: { warehouse: 'w' + (i % 5), count: i * 13 % 97 }, updated: new Date(1700000000000 + i * 1000).toISOString() });
let k = 0;
const s = http.createServer({ keepAlive: true }, (req, res) => {
  const body = mode === 'json2k' ? Buffer.from(JSON.stringify({ ok: true, page: ++k, items: Array.from({ length: 14 }, (_, i) => item(i + k)) })) : small;
  const go = () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'max-age=5' }); res.end(body); };
  if (mode === '1ms') setTimeout(go, 1); else go();
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

const PIPE_SRC = `
const net = require('node:net');
const cluster = require('node:cluster');
const [port, procs] = process.argv.slice(1).map(Number);
if (cluster.isPrimary && procs > 1) {
  for (let i = 0; i < procs; i++) cluster.fork();
  let n = 0;
  cluster.on('message', (w, m) => { if (++n === procs) console.log(m); });
} else {
  const s = net.createServer({ noDelay: true }, (c) => {
    const u = net.connect({ port, host: '127.0.0.1', noDelay: true });
    c.pipe(u); u.pipe(c);
    c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
  });
  s.listen(0, '127.0.0.1', () => (procs > 1 ? process.send(s.address().port) : console.log(s.address().port)));
}`;

const PIN = process.argv.includes('--pin');
const pinned = (cpu: number, cmd: string, args: string[]): [string, string[]] => (PIN ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);

function waitLine(p: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let acc = '';
    p[stream]!.on('data', (c: Buffer) => {
      acc += c.toString();
      const m = re.exec(acc);
      if (m) resolve(m);
    });
    p.once('exit', (code) => reject(new Error(`exited ${code}: ${acc}`)));
  });
}

const PATH = '/items/42?x=1';

function wrk(port: number, connections = 50): number {
  const [cmd, args] = pinned(0, 'wrk', ['-t1', `-c${connections}`, '-d10s', `http://127.0.0.1:${port}${PATH}`]);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN));
}

/** Open-loop: `rate` requests per second for `seconds`, paced every millisecond. */
async function paced(port: number, rate: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  let sent = 0;
  let done = 0;
  let errors = 0;
  const t0 = performance.now();
  const total = rate * seconds;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        sent++;
        const start = performance.now();
        const req = http.get({ host: '127.0.0.1', port, path: PATH, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            h.recordValue(Math.round((performance.now() - start) * 1000));
            if (++done + errors === total) resolve();
          });
        });
        req.on('error', () => {
          if (done + ++errors === total) resolve();
        });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
    setTimeout(resolve, (seconds + 10) * 1000).unref();
  });
  agent.destroy();
  const q = (p: number) => h.getValueAtPercentile(p) / 1000;
  return { achieved: Math.round(done / ((performance.now() - t0) / 1000)), p50: q(50), p99: q(99), errors };
}

interface Server {
  p: ChildProcess;
  port: number;
}

async function startNode(src: string, ...args: string[]): Promise<Server> {
  const [cmd, a] = pinned(1, process.execPath, ['-e', src, ...args]);
  const p = spawn(cmd, a, { stdio: ['ignore', 'pipe', 'pipe'] });
  return { p, port: Number((await waitLine(p, 'stdout', /(\d+)/))[1]) };
}

async function startProxy(upPort: number, dir: string, sample = '100%'): Promise<Server> {
  const [cmd, a] = pinned(1, process.execPath, [join(process.cwd(), 'bin', 'headroom.js'), 'trace', 'capture', '--listen', '127.0.0.1:0', '--upstream', `http://127.0.0.1:${upPort}`, '--sample', sample, '--duration', '5m']);
  const p = spawn(cmd, a, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return { p, port: Number((await waitLine(p, 'stderr', /capturing on http:\/\/127\.0\.0\.1:(\d+)/))[1]) };
}

/** Stops a proxy; returns its closing line (forwarded, recorded, dropped). */
async function stopProxy(s: Server): Promise<string> {
  const last = waitLine(s.p, 'stderr', /forwarded [^\n]*\n/).then((m) => m[0].trim(), () => '');
  s.p.kill('SIGINT');
  await new Promise((r) => s.p.once('exit', r));
  return last;
}

function stop(s: Server): Promise<unknown> {
  s.p.kill();
  return new Promise((r) => s.p.once('exit', r));
}

interface Run {
  date: string;
  load: number;
  pin: boolean;
  trivial: { direct: number; pipe: number; pipe2: number; proxy: number; proxy1pct: number };
  /** `pipe` is absent in runs recorded before it was measured. */
  paced: Record<'direct' | 'proxy', Awaited<ReturnType<typeof paced>>> & { pipe?: Awaited<ReturnType<typeof paced>> };
  ms1: { direct: number; pipe: number; proxy: number };
  json2k: { direct: number; pipe: number; proxy: number };
  proxyLines: string[];
}

async function run(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'hr-capbench-'));
  const load = loadavg()[0]!;
  const lines: string[] = [];
  const up = await startNode(UPSTREAM_SRC, 'trivial');
  const pipe = await startNode(PIPE_SRC, String(up.port), '1');
  let proxy = await startProxy(up.port, dir);
  await paced(proxy.port, 1000, 2); // warm-up
  const direct = wrk(up.port);
  const viaPipe = wrk(pipe.port);
  const pipe2 = await startNode(PIPE_SRC, String(up.port), '2');
  const viaPipe2 = wrk(pipe2.port);
  await stop(pipe2);
  const viaProxy = wrk(proxy.port);
  // The paced phase follows the wrk phase on purpose: the store's backlog must not show.
  const pd = await paced(up.port, 5000, 10);
  const pp = await paced(proxy.port, 5000, 10);
  const ppipe = await paced(pipe.port, 5000, 10);
  await stop(pipe);
  lines.push(await stopProxy(proxy));
  proxy = await startProxy(up.port, dir, '1%');
  const viaProxy1 = wrk(proxy.port);
  lines.push(await stopProxy(proxy));
  await stop(up);

  const three = async (mode: string, connections: number) => {
    const u = await startNode(UPSTREAM_SRC, mode);
    const pi = await startNode(PIPE_SRC, String(u.port), '1');
    const px = await startProxy(u.port, dir);
    const r = { direct: wrk(u.port, connections), pipe: wrk(pi.port, connections), proxy: wrk(px.port, connections) };
    lines.push(await stopProxy(px));
    await stop(pi);
    await stop(u);
    return r;
  };
  const ms1 = await three('1ms', 10);
  const json2k = await three('json2k', 50);
  rmSync(dir, { recursive: true, force: true });
  return {
    date: new Date().toISOString(),
    load,
    pin: PIN,
    trivial: { direct, pipe: viaPipe, pipe2: viaPipe2, proxy: viaProxy, proxy1pct: viaProxy1 },
    paced: { direct: pd, proxy: pp, pipe: ppipe },
    ms1,
    json2k,
    proxyLines: lines,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const pct = (a: number, b: number) => Math.round((100 * a) / b);

function summary(runs: Run[]): string {
  const row = (r: Run) => {
    const t = r.trivial;
    const added = r.paced.proxy.p50 - r.paced.direct.p50;
    return [
      r.date.slice(11, 16), r.load.toFixed(1), r.pin ? 'yes' : 'no',
      `${t.direct} → ${t.proxy} (**${pct(t.proxy, t.direct)}%**)`, `${pct(t.pipe, t.direct)}%`, `${pct(t.pipe2, t.direct)}%`, `${pct(t.proxy, t.pipe)}%`, `${pct(t.proxy1pct, t.direct)}%`,
      `${r.ms1.direct} → ${r.ms1.proxy} (**${pct(r.ms1.proxy, r.ms1.direct)}%**; pipe ${pct(r.ms1.pipe, r.ms1.direct)}%)`,
      `${r.json2k.direct} → ${r.json2k.proxy} (**${pct(r.json2k.proxy, r.json2k.direct)}%**; pipe ${pct(r.json2k.pipe, r.json2k.direct)}%)`,
      `${r.paced.direct.p50.toFixed(3)} → ${r.paced.proxy.p50.toFixed(3)}`, `**+${added.toFixed(3)}** (pipe ${r.paced.pipe ? `+${(r.paced.pipe.p50 - r.paced.direct.p50).toFixed(3)}` : '—'})`,
      `${r.paced.direct.p99.toFixed(1)} → ${r.paced.proxy.p99.toFixed(1)}`, `${r.paced.direct.achieved} / ${r.paced.proxy.achieved}`,
    ].join(' | ');
  };
  const med = (f: (r: Run) => number) => median(runs.map(f));
  const medRow = [
    '**median**', med((r) => r.load).toFixed(1), '',
    `**${med((r) => pct(r.trivial.proxy, r.trivial.direct))}%**`, `${med((r) => pct(r.trivial.pipe, r.trivial.direct))}%`, `${med((r) => pct(r.trivial.pipe2, r.trivial.direct))}%`,
    `${med((r) => pct(r.trivial.proxy, r.trivial.pipe))}%`, `${med((r) => pct(r.trivial.proxy1pct, r.trivial.direct))}%`,
    `**${med((r) => pct(r.ms1.proxy, r.ms1.direct))}%**; pipe ${med((r) => pct(r.ms1.pipe, r.ms1.direct))}%`,
    `**${med((r) => pct(r.json2k.proxy, r.json2k.direct))}%**; pipe ${med((r) => pct(r.json2k.pipe, r.json2k.direct))}%`,
    '', `**+${med((r) => r.paced.proxy.p50 - r.paced.direct.p50).toFixed(3)}** (pipe +${median(runs.filter((r) => r.paced.pipe).map((r) => r.paced.pipe!.p50 - r.paced.direct.p50)).toFixed(3)})`, '', '',
  ].join(' | ');
  return [
    '| finished (UTC) | load | pinned | trivial: direct → proxy req/s (ratio) | pipe/direct | 2-process pipe/direct | proxy/pipe | proxy at 1% sample/direct | 1 ms upstream, c10 | json2k upstream, c50 | 5k/s p50 direct → proxy (ms) | added p50 (ms; blind pipe) | 5k/s p99 (ms) | 5k/s achieved direct / proxy |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${row(r)} |`),
    `| ${medRow} |`,
    '',
    `Paced errors: ${runs.map((r) => `${r.paced.direct.errors}/${r.paced.proxy.errors}/${r.paced.pipe?.errors ?? '—'}`).join(', ')} (direct/proxy/pipe). Proxy closing lines:`,
    '',
    ...runs.flatMap((r) => r.proxyLines.map((l) => `- ${r.date.slice(11, 16)}: ${l}`)),
    '',
  ].join('\n');
}

const at = process.argv.indexOf('--summary');
if (at >= 0) {
  const runs = readFileSync(process.argv[at + 1]!, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Run);
  process.stdout.write(summary(runs));
} else {
  process.stderr.write(`capture bench: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}${PIN ? ', pinned' : ''}\n`);
  process.stdout.write(`${JSON.stringify(await run())}\n`);
}
