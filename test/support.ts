// Shared by the end-to-end tests (no tests here): child processes that record into a store.
import { spawn, type ChildProcess } from 'node:child_process';

const storeUrl = new URL('../src/store/index.js', import.meta.url).href;
const synthUrl = new URL('../src/core/synthetic-series.js', import.meta.url).href;

/**
 * A child process recording a synthetic run into `path`: `seconds` samples, one every
 * `everyMs`, flushed every `flushMs`. Bounded: it finishes by itself. Prints the run id.
 */
export function recordingChild(path: string, o: { seconds: number; everyMs: number; flushMs: number; rate?: number }): ChildProcess {
  const code = `
    const { Store, RunRecorder } = await import(${JSON.stringify(storeUrl)});
    const { syntheticSample } = await import(${JSON.stringify(synthUrl)});
    // As headroom run does: hold the file between flushes until another process asks.
    const store = await Store.open(${JSON.stringify(path)}, { hold: true });
    const rec = await RunRecorder.start(store, { kind: 'run', target: 'http://127.0.0.1:1/', config: { pid: process.pid } }, { flushIntervalMs: ${o.flushMs} });
    process.stdout.write(rec.runId + '\\n');
    for (let t = 1; t <= ${o.seconds}; t++) {
      rec.add(syntheticSample(t, { rate: ${o.rate ?? 100} }));
      await new Promise((r) => setTimeout(r, ${o.everyMs}));
    }
    await rec.finish({ status: 'passed', summary: { requests: ${o.seconds} } });
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

export function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', () => reject(new Error('child exited before printing its first line')));
  });
}

import type { Store } from '../src/store/index.js';
import { syntheticSample } from '../src/core/synthetic-series.js';

/** A finished synthetic run of `seconds` seconds whose rate ramps from rate/2 to rate. */
export async function seedRun(store: Store, o: { seconds: number; rate: number; capacity?: number; target?: string }): Promise<string> {
  const id = await store.createRun({ kind: 'run', target: o.target ?? 'http://127.0.0.1:8080/api', config: { rate: o.rate } });
  const samples = Array.from({ length: o.seconds }, (_, i) =>
    syntheticSample(i + 1, { rate: Math.round(o.rate * (0.5 + (0.5 * i) / Math.max(1, o.seconds - 1))), capacity: o.capacity ?? o.rate * 1.5 }));
  await store.appendSeries(id, samples);
  const p99 = Math.max(...samples.map((s) => s.latency_ms.p99));
  const achieved = samples.reduce((a, s) => a + s.achieved_rps, 0) / samples.length;
  const errors = samples.reduce((a, s) => a + Object.values(s.errors).reduce((x, y) => x + (y ?? 0), 0), 0);
  const lat = { p50: 4, p90: 8, p99, p999: p99 * 1.4, max: p99 * 2, mean: 5 };
  await store.finishRun(id, {
    status: 'passed', exitCode: 0,
    summary: {
      requests: Math.round(achieved * o.seconds), duration_s: o.seconds, rate: { target: o.rate, achieved },
      latency_ms: lat, service_ms: lat, errors: { total: errors, by_kind: {} }, status: {}, bytes: { in: 0, out: 0 },
      late: 0, dropped: 0, generator_saturated: false, generator_notes: [], thresholds: [],
    },
  });
  return id;
}

/**
 * A finished squeeze over a target that follows the Universal Scalability Law
 * (σ = 0.05, κ = 0.002, λ = 100 req/s per unit of concurrency), with a 50 ms p99 SLO.
 */
export async function seedSqueeze(store: Store): Promise<{ id: string; capacity: number }> {
  const id = await store.createRun({ kind: 'squeeze', target: 'http://127.0.0.1:8080/checkout', config: { slo: 'p99<50ms' } });
  const usl = { lambda: 100, sigma: 0.05, kappa: 0.002 };
  const x = (n: number) => (usl.lambda * n) / (1 + usl.sigma * (n - 1) + usl.kappa * n * (n - 1));
  const steps = [1, 2, 4, 6, 8, 10, 12, 14, 13].map((n, i) => {
    const rps = x(n);
    const p99 = (n / rps) * 1000 * 3.5;
    return { step: i, phase: i < 7 ? 'ramp' : 'refine', target_rps: Math.round(rps), achieved_rps: Math.round(rps), p99_ms: Math.round(p99 * 10) / 10,
      error_rate: 0, ok: p99 <= 50, t_start: i * 10, t_end: i * 10 + 10, detail: { n } };
  });
  const good = steps.filter((s) => s.ok);
  const capacity = Math.max(...good.map((s) => s.achieved_rps));
  await store.appendSeries(id, steps.flatMap((s) =>
    Array.from({ length: 10 }, (_, k) => syntheticSample(s.t_start + k + 1, { rate: s.target_rps, capacity: 1000 }))));
  await store.saveSqueeze(id, steps, {
    capacity_rps: capacity, ci: { low: capacity * 0.95, high: capacity * 1.04 }, binding_guard: 'p99<50ms', slo_p99_ms: 50,
    usl: { ...usl, peak_n: 21.8, peak_x: x(21.8), r2: 0.99 },
    curve: steps.map((s) => ({ rps: s.achieved_rps, p99_ms: s.p99_ms, p50_ms: Math.round((s.p99_ms / 3.5) * 10) / 10, n: s.detail.n })),
    stop_reason: 'bisected to 5%',
  });
  await store.finishRun(id, { status: 'passed', exitCode: 0 });
  return { id, capacity };
}
