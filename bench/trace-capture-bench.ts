/**
 * Benchmark of the capture proxy (`headroom trace capture`), all on loopback:
 * 1. Throughput: wrk (apt package `wrk`), 1 thread and 50 connections for 10 s, against
 *    the upstream directly and through the proxy; the proxy should keep ≥ 80%.
 * 2. Added latency at a fixed 5,000 req/s: an open-loop paced client (keep-alive, HDR
 *    histogram) measures p50/p99 directly and through the proxy; the p50 difference is
 *    the latency the proxy adds (target < 1 ms).
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
const s = http.createServer({ keepAlive: true }, (req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'cache-control': 'max-age=5' }); res.end(body); });
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

function wrk(url: string): { rps: number; p50: string } {
  const r = spawnSync('wrk', ['-t1', '-c50', '-d10s', '--latency', url], { encoding: 'utf8' });
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

const upstream = spawn(process.execPath, ['-e', UPSTREAM_SRC], { stdio: ['ignore', 'pipe', 'pipe'] });
const upPort = Number((await waitLine(upstream, 'stdout', /(\d+)/))[1]);
const dir = mkdtempSync(join(tmpdir(), 'hr-capbench-'));
const proxy = spawn(process.execPath, [join(process.cwd(), 'bin', 'headroom.js'), 'trace', 'capture', '--listen', '127.0.0.1:0', '--upstream', `http://127.0.0.1:${upPort}`, '--duration', '5m'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
const pxPort = Number((await waitLine(proxy, 'stderr', /capturing on http:\/\/127\.0\.0\.1:(\d+)/))[1]);
const direct = `http://127.0.0.1:${upPort}/items/42?x=1`;
const via = `http://127.0.0.1:${pxPort}/items/42?x=1`;
const load = loadavg()[0]!.toFixed(1);
await paced(via, 1000, 2); // warm-up
const wd = wrk(direct);
const wp = wrk(via);
const pd = await paced(direct, 5000, 10);
const pp = await paced(via, 5000, 10);
proxy.kill('SIGINT');
await new Promise((r) => proxy.once('exit', r));
upstream.kill();
rmSync(dir, { recursive: true, force: true });
const f = (x: number) => x.toFixed(3);
process.stdout.write(
  [
    '# trace capture proxy benchmark',
    '',
    `- machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, shared with other jobs; load average ${load} at the start; node ${process.version}; ${new Date().toISOString()}`,
    '- upstream: a node:http server returning 32 bytes of JSON; proxy: `headroom trace capture` recording every request (sample 100%) into DuckDB',
    '',
    '| measurement | direct | through the proxy | ratio / added |',
    '| --- | --- | --- | --- |',
    `| wrk -t1 -c50 -d10s throughput (req/s) | ${Math.round(wd.rps)} | ${Math.round(wp.rps)} | ${((100 * wp.rps) / wd.rps).toFixed(0)}% (target ≥ 80%) |`,
    `| wrk p50 latency | ${wd.p50} | ${wp.p50} | |`,
    `| paced 5,000 req/s for 10 s: achieved req/s | ${Math.round(pd.achieved)} | ${Math.round(pp.achieved)} | |`,
    `| paced 5,000 req/s: p50 latency (ms) | ${f(pd.p50)} | ${f(pp.p50)} | +${f(pp.p50 - pd.p50)} ms (target < 1 ms) |`,
    `| paced 5,000 req/s: p99 latency (ms) | ${f(pd.p99)} | ${f(pp.p99)} | +${f(pp.p99 - pd.p99)} ms |`,
    `| errors | ${pd.errors} | ${pp.errors} | |`,
    '',
  ].join('\n'),
);
