/**
 * Benchmark of the capture proxy (`headroom trace capture`), all on loopback:
 * 1. Throughput: wrk (apt package `wrk`), 1 thread and 50 connections for 10 s, against
 *    the upstream directly and through the proxy; the proxy should keep ≥ 80%.
 * 2. Added latency at a fixed 5,000 req/s: an open-loop paced client (keep-alive, HDR
 *    histogram) measures p50/p99 directly and through the proxy; the p50 difference is
 *    the latency the proxy adds (target < 1 ms).
 * 3. The same throughput comparison against an upstream with a realistic small service cost
 *    (each response 1 ms late, via setTimeout), with wrk at 10 connections (the service
 *    time caps the direct rate near 10/1.1 ms) and at 200 (CPU-bound again).
 * For reference, a blind Node TCP pipe (no parsing, no recording) in front of the trivial
 * upstream: the ceiling of any single-process Node proxy on this machine.
 * The upstream and the proxy each run in their own process, as in production.
 *
 *   npm run build && node dist/bench/trace-capture-bench.js > bench/trace-capture.md
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';

const UPSTREAM_SRC = `
const http = require('node:http');
const body = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3] }));
const delay = Number(process.argv[1] || 0);
const s = http.createServer({ keepAlive: true }, (req, res) => {
  const go = () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'max-age=5' }); res.end(body); };
  if (delay > 0) setTimeout(go, delay); else go();
});
s.keepAliveTimeout = 60000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

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

const PIPE_SRC = `
const net = require('node:net');
const port = Number(process.argv[1]);
const s = net.createServer({ noDelay: true }, (c) => {
  const u = net.connect({ port, host: '127.0.0.1', noDelay: true });
  c.pipe(u); u.pipe(c);
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`;

function wrk(url: string, connections = 50): { rps: number; p50: string } {
  const r = spawnSync('wrk', ['-t1', `-c${connections}`, '-d10s', '--latency', url], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  const p50 = /50%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?';
  return { rps, p50 };
}

/** Open-loop: `rate` requests per second for `seconds`, paced every millisecond. */
async function paced(url: string, rate: number, seconds: number) {
  const u = new URL(url);
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
        const req = http.get({ host: u.hostname, port: u.port, path: '/items/42?x=1', agent }, (res) => {
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
  return { achieved: done / ((performance.now() - t0) / 1000), p50: q(50), p99: q(99), errors };
}

async function startNode(src: string, arg: string): Promise<{ p: ChildProcess; port: number }> {
  const p = spawn(process.execPath, ['-e', src, arg], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { p, port: Number((await waitLine(p, 'stdout', /(\d+)/))[1]) };
}

async function startProxy(upPort: number, dir: string): Promise<{ p: ChildProcess; port: number }> {
  const p = spawn(process.execPath, [join(process.cwd(), 'bin', 'headroom.js'), 'trace', 'capture', '--listen', '127.0.0.1:0', '--upstream', `http://127.0.0.1:${upPort}`, '--duration', '5m'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return { p, port: Number((await waitLine(p, 'stderr', /capturing on http:\/\/127\.0\.0\.1:(\d+)/))[1]) };
}

async function stopProxy(p: ChildProcess): Promise<void> {
  p.kill('SIGINT');
  await new Promise((r) => p.once('exit', r));
}

const PATH = '/items/42?x=1';
const dir = mkdtempSync(join(tmpdir(), 'hr-capbench-'));
const load = loadavg()[0]!.toFixed(1);
const up = await startNode(UPSTREAM_SRC, '0');
const pipe = await startNode(PIPE_SRC, String(up.port));
const proxy = await startProxy(up.port, dir);
const direct = `http://127.0.0.1:${up.port}${PATH}`;
const via = `http://127.0.0.1:${proxy.port}${PATH}`;
await paced(via, 1000, 2); // warm-up
const wd = wrk(direct);
const wpipe = wrk(`http://127.0.0.1:${pipe.port}${PATH}`);
const wp = wrk(via);
const pd = await paced(direct, 5000, 10);
const pp = await paced(via, 5000, 10);
await stopProxy(proxy.p);
pipe.p.kill();
up.p.kill();
// A realistic small service cost: 1 ms per request, 200 connections.
const slow = await startNode(UPSTREAM_SRC, '1');
const slowProxy = await startProxy(slow.port, dir);
const sd10 = wrk(`http://127.0.0.1:${slow.port}${PATH}`, 10);
const sp10 = wrk(`http://127.0.0.1:${slowProxy.port}${PATH}`, 10);
const sd = wrk(`http://127.0.0.1:${slow.port}${PATH}`, 200);
const sp = wrk(`http://127.0.0.1:${slowProxy.port}${PATH}`, 200);
await stopProxy(slowProxy.p);
slow.p.kill();
rmSync(dir, { recursive: true, force: true });
const f = (x: number) => x.toFixed(3);
const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)}%`;
process.stdout.write(
  [
    '# trace capture proxy benchmark',
    '',
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, shared with other jobs; load average ${load} at the start; node ${process.version}; ${new Date().toISOString()}`,
    '- upstream: a node:http server returning 32 bytes of JSON; proxy: `headroom trace capture` recording every request (sample 100%) into DuckDB',
    '',
    '| measurement | direct | through the proxy | ratio / added |',
    '| --- | --- | --- | --- |',
    `| wrk -t1 -c50 -d10s throughput (req/s) | ${Math.round(wd.rps)} | ${Math.round(wp.rps)} | ${pct(wp.rps, wd.rps)} (target ≥ 80%) |`,
    `| same, through a blind Node TCP pipe (reference ceiling) | ${Math.round(wd.rps)} | ${Math.round(wpipe.rps)} | ${pct(wpipe.rps, wd.rps)}; proxy/pipe ${pct(wp.rps, wpipe.rps)} |`,
    `| wrk -t1 -c10, upstream with 1 ms service cost (req/s) | ${Math.round(sd10.rps)} | ${Math.round(sp10.rps)} | ${pct(sp10.rps, sd10.rps)} |`,
    `| wrk -t1 -c200, upstream with 1 ms service cost (req/s) | ${Math.round(sd.rps)} | ${Math.round(sp.rps)} | ${pct(sp.rps, sd.rps)} |`,
    `| wrk p50 latency | ${wd.p50} | ${wp.p50} | |`,
    `| paced 5,000 req/s for 10 s: achieved req/s | ${Math.round(pd.achieved)} | ${Math.round(pp.achieved)} | |`,
    `| paced 5,000 req/s: p50 latency (ms) | ${f(pd.p50)} | ${f(pp.p50)} | +${f(pp.p50 - pd.p50)} ms (target < 1 ms) |`,
    `| paced 5,000 req/s: p99 latency (ms) | ${f(pd.p99)} | ${f(pp.p99)} | +${f(pp.p99 - pd.p99)} ms |`,
    `| errors | ${pd.errors} | ${pp.errors} | |`,
    '',
  ].join('\n'),
);
