/**
 * Speed benchmark: 1,000 series × 1,000 hourly points, horizon 48, full model set
 * (seasonal naive, ETS with AICc selection, Theta, MSTL + ETS, calendar regression,
 * 8-origin inner backtest, combination, quantiles), through the CLI's batch mode, worker
 * threads on all cores. Writes bench/results/predict-speed.md.
 *
 *   npm run build && node dist/bench/predict-speed.js [series=1000] [points=1000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { parseBatchCsv } from '../src/core/forecast/series-parse.js';
import { forecastBatch } from '../src/predict/batch.js';
import { join } from 'node:path';

const S = Number(process.argv[2] ?? 1000);
const N = Number(process.argv[3] ?? 1000);
let seed = 12345;
const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());

// A fleet-like mix: levels over four orders of magnitude, daily amplitude, weekend dips,
// trends, noise, occasional level shifts and spikes, some series with zeros at night.
const rows: string[] = [];
for (let s = 0; s < S; s++) {
  const level = 10 ** (1 + 3 * rnd());
  const amp = 0.2 + 0.6 * rnd();
  const weekend = 0.5 + 0.5 * rnd();
  const trend = (rnd() - 0.5) * 0.001;
  const noise = 0.02 + 0.15 * rnd();
  const shiftAt = rnd() < 0.2 ? Math.floor(N * (0.5 + 0.5 * rnd())) : -1;
  const vals: string[] = [];
  for (let i = 0; i < N; i++) {
    let v = level * (1 + amp * Math.sin((2 * Math.PI * (i - 6)) / 24)) * (Math.floor(i / 24) % 7 >= 5 ? weekend : 1) * (1 + trend * i) * (1 + noise * gauss());
    if (shiftAt >= 0 && i >= shiftAt) v *= 1.4;
    if (rnd() < 0.002) v *= 3;
    vals.push(String(Math.max(0, Math.round(v * 100) / 100)));
  }
  rows.push(`svc-${s},${vals.join(',')}`);
}
const dir = mkdtempSync(join(tmpdir(), 'hr-speed-'));
const file = join(dir, 'fleet.csv');
writeFileSync(file, rows.join('\n') + '\n');
// In-process first, to count CPU time (process.cpuUsage includes the worker threads):
// the machine is shared, so wall time alone says as much about the neighbours as about us.
const parsed = parseBatchCsv(readFileSync(file, 'utf8'), file);
const c0 = process.cpuUsage();
const w0 = performance.now();
await forecastBatch(parsed, { horizon: 48, quantiles: [0.5, 0.9, 0.99], periods: [24, 168] });
const inWall = (performance.now() - w0) / 1000;
const cpu = process.cpuUsage(c0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const load = loadavg()[0]!;
const bin = new URL('../../bin/headroom.js', import.meta.url).pathname;
const t0 = performance.now();
const r = spawnSync(process.execPath, [bin, 'predict', 'forecast', '--batch', file, '--season', '24,168', '--horizon', '48', '--quantiles', '0.5,0.9,0.99', '--out', join(dir, 'out')], { encoding: 'utf8' });
const secs = (performance.now() - t0) / 1000;
if (r.status !== 0) throw new Error(r.stderr);
const out = readFileSync(join(dir, 'out-mean.csv'), 'utf8').trim().split('\n').length - 1;
const md = [
  '# headroom predict: speed',
  '',
  `Command: \`npm run build && node dist/bench/predict-speed.js ${S} ${N}\` — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()} (shared with other work).`,
  '',
  `Models: snaive (daily, weekly), ETS (AICc over 15 forms), Theta, MSTL+ETS, calendar regression; 4-origin inner backtest; combination; q0.5/0.9/0.99. Load average when it started: ${load.toFixed(1)} on ${availableParallelism()} cores.`,
  '',
  `| series | points each | horizon | wall, CLI end to end | wall, in-process | CPU time (all threads) | CPU per series | CPU ÷ ${availableParallelism()} cores |`,
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  `| ${S} | ${N} | 48 | ${secs.toFixed(1)} s | ${inWall.toFixed(1)} s | ${cpuSecs.toFixed(1)} s | ${((cpuSecs * 1000) / S).toFixed(1)} ms | ${(cpuSecs / availableParallelism()).toFixed(1)} s |`,
  '',
  `Target: ≤ 30 s for 1,000 × 1,000. Wall time on this run: ${secs <= 30 ? 'met' : 'NOT met'} (${secs.toFixed(1)} s, ${out} forecasts written). The CPU time divided by the cores is what an idle machine would take.`,
  '',
].join('\n');
writeFileSync('bench/results/predict-speed.md', md);
console.log(md);
console.error(r.stderr.trim().split('\n').slice(-1)[0]);
