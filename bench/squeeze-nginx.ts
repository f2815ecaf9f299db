/**
 * The squeeze against a real server nobody here wrote: nginx (from apt) with a
 * `limit_req` rate, and nginx proxying to a CPU-bound upstream on loopback. The
 * squeeze's capacity is compared with the knee of a rate sweep made with headroom's own
 * `run` (fixed rates, evenly paced, latency from the intended send time, as wrk2 does):
 * the highest swept rate that met the SLO below the first that did not.
 *
 *   apt-get install -y nginx
 *   npm run build && node dist/bench/squeeze-nginx.js [--step-duration 5] [--out FILE]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { run } from '../src/load/engine.js';
import { parseSlo } from '../src/core/slo.js';
import { runSqueeze } from '../src/squeeze/run-squeeze.js';

const { values } = parseArgs({ options: { 'step-duration': { type: 'string' }, out: { type: 'string' }, only: { type: 'string' } } });
const stepS = Number(values['step-duration'] ?? 5);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await (await fetch(url)).arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

const [rlPort, proxyPort, upPort] = [await freePort(), await freePort(), await freePort()];
const dir = mkdtempSync(join(tmpdir(), 'hr-nginx-'));
const LIMIT = 300;
writeFileSync(
  join(dir, 'nginx.conf'),
  `worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr crit;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  limit_req_zone $binary_remote_addr zone=rl:1m rate=${LIMIT}r/s;
  upstream cpu { server 127.0.0.1:${upPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${rlPort};
    # A static file, not "return": return runs in the rewrite phase, before limit_req.
    location / { limit_req zone=rl burst=20 nodelay; limit_req_status 503; root ${dir}/www; }
  }
  server {
    listen 127.0.0.1:${proxyPort};
    location / { proxy_pass http://cpu; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`,
);
mkdirSync(join(dir, 'www'));
writeFileSync(join(dir, 'www', 'ok.txt'), 'ok\n');
// The CPU-bound upstream: a separate Node process that spins ~4 ms of CPU per request
// (one core at most: ≈ 250 req/s minus overhead, less when the machine is shared).
const upstreamSrc = `require('http').createServer((q, s) => { const end = performance.now() + 4; let x = 0; while (performance.now() < end) x++; s.end('ok ' + (x & 1) + '\\n'); }).listen(${upPort}, '127.0.0.1');`;
const children: ChildProcess[] = [
  spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'inherit', 'inherit'] }),
  spawn(process.execPath, ['-e', upstreamSrc], { stdio: 'inherit' }),
];
process.once('SIGINT', () => {
  for (const ch of children) ch.kill('SIGTERM');
  process.exit(130);
});
const load0 = loadavg()[0]!;
const sections: string[] = [];
try {
  await waitUp(`http://127.0.0.1:${rlPort}/ok.txt`);
  await waitUp(`http://127.0.0.1:${proxyPort}/`);
  await new Promise((r) => setTimeout(r, 1500)); // let limit_req forget the probes
  const cases = [
    { name: `nginx limit_req ${LIMIT} r/s (burst 20, nodelay)`, key: 'limit', url: `http://127.0.0.1:${rlPort}/ok.txt`, slo: ['p99<200ms', 'errors<1%'], sweep: [200, 260, 280, 290, 295, 300, 305, 310, 320, 380] },
    { name: 'nginx → CPU-bound upstream (4 ms CPU per request)', key: 'cpu', url: `http://127.0.0.1:${proxyPort}/`, slo: ['p99<100ms', 'errors<1%'], sweep: [60, 120, 160, 190, 215, 230, 240, 245, 250, 260] },
  ].filter((c) => !values.only || c.key === values.only);
  for (const c of cases) {
    const clauses = c.slo.map((s) => parseSlo(s));
    const rows: string[] = [];
    const oks: boolean[] = [];
    for (const rate of c.sweep) {
      const s = await run({ url: c.url, rate, durationMs: 5000, threads: 1, maxConnections: 2000, timeoutMs: 5000 });
      const errRate = s.errors.total / Math.max(1, s.requests);
      const latLimit = clauses[0]!.kind === 'latency' ? clauses[0]!.limitMs : Infinity;
      const ok = s.latency_ms.p99 < latLimit && errRate < 0.01;
      oks.push(ok);
      rows.push(`| ${rate} | ${s.rate.achieved} | ${s.latency_ms.p50.toFixed(1)} | ${s.latency_ms.p99.toFixed(1)} | ${(errRate * 100).toFixed(2)}% | ${ok ? 'meets' : 'breaks'} |`);
      process.stderr.write(`${c.key} sweep ${rate}: p99 ${s.latency_ms.p99.toFixed(1)} errors ${(errRate * 100).toFixed(2)}% ${ok ? 'ok' : 'BREAK'}\n`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // The knee: the highest swept rate that met the SLO below the point from which every
    // higher rate failed (a lone failure below it is a stall of the shared machine).
    let f = oks.length;
    while (f > 0 && !oks[f - 1]) f--;
    const knee = f > 0 ? c.sweep[f - 1]! : null;
    const rep = await runSqueeze({ url: c.url, slo: clauses, minRate: 30, maxRate: 2000, stepDurationS: stepS, threads: 1, maxConnections: 2000, timeoutMs: 5000 });
    process.stderr.write(`${c.key} squeeze: ${rep.capacity_rps} (${rep.outcome}) knee ${knee}\n`);
    const diff = rep.capacity_rps !== null && knee !== null ? `${(((rep.capacity_rps - knee) / knee) * 100).toFixed(1)}%` : '—';
    sections.push(
      `## ${c.name}`,
      ``,
      `SLO: ${c.slo.join(', ')}. Squeeze: **${rep.capacity_rps ?? '—'} req/s** (${rep.outcome}; CI ${rep.ci ? `${rep.ci[0]}–${rep.ci[1] ?? '?'}` : '—'}; bound by ${rep.binding_guard ?? '—'}), ` +
        `${rep.steps_count} steps in ${rep.duration_s} s, ${rep.time_over_slo_s} s above the SLO, ${rep.hard_breaches} hard breaches. ` +
        `Knee of the sweep: **${knee ?? '—'} req/s**. Squeeze vs knee: ${diff} (the sweep's grid spacing bounds how exact its knee is).`,
      ``,
      `Rate sweep (headroom run, 5 s per rate, 1 s apart):`,
      ``,
      `| offered | achieved | p50 ms | p99 ms | errors | SLO |`,
      `| ---: | ---: | ---: | ---: | ---: | --- |`,
      ...rows,
      ``,
      `Squeeze steps:`,
      ``,
      `| # | phase | offered | achieved | p50 ms | p99 ms | errors | held | verdict |`,
      `| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |`,
      ...rep.steps.map((s) => `| ${s.index} | ${s.phase} | ${s.offered_rps} | ${s.achieved_rps} | ${s.p50_ms.toFixed(1)} | ${s.p99_ms.toFixed(1)} | ${(s.error_rate * 100).toFixed(2)}% | ${s.duration_s} s | ${s.verdict}${s.verdict !== 'good' ? ` (${s.binding})` : ''} |`),
      ``,
    );
  }
} finally {
  for (const ch of children) ch.kill('SIGTERM');
}
const md = [
  `# Squeeze vs a rate sweep on nginx`,
  ``,
  `Command: \`apt-get install -y nginx && npm run build && node dist/bench/squeeze-nginx.js --step-duration ${stepS}\``,
  `Machine: 2 cores shared with other work (load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end); ${new Date().toISOString()}.`,
  ``,
  ...sections,
].join('\n');
if (values.out) writeFileSync(values.out, md + '\n');
process.stdout.write(md + '\n');
