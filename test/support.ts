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
    const store = await Store.open(${JSON.stringify(path)});
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
