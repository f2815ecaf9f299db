import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HeadroomError, ExitCode } from '../core/errors.js';
import { HttpError } from '../server/http-util.js';
import type { RunLauncher } from '../server/launcher.js';
import { newRunId, type Store } from '../store/store.js';
import type { CliIo } from './io.js';
import { RUN_ID_ENV } from './run-recording.js';

const BIN = fileURLToPath(new URL('../../../bin/headroom.js', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/**
 * How `headroom serve` starts a run or squeeze from the dashboard: it runs the very CLI
 * command (`headroom run ARGV --store PATH`) as a child process, so the options are
 * validated by the same code and the run is recorded like any other; the browser then
 * follows it through the store like a run started in a terminal. The server picks the
 * run id (HEADROOM_RUN_ID) and answers once the run is in the store, or with the
 * command's own error code when it refused the options.
 */
export function launcherFor(store: Store, io: CliIo): RunLauncher & { close(): void } {
  const children = new Set<ChildProcess>();
  return {
    start(kind, argv) {
      const id = newRunId();
      const child = spawn(process.execPath, [BIN, kind, ...argv, '--store', store.path], {
        cwd: io.cwd,
        env: { ...io.env, [RUN_ID_ENV]: id },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.add(child);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        if (stderr.length < 16_384) stderr += d;
      });
      return new Promise<{ runId: string }>((resolve, reject) => {
        let settled = false;
        const settle = (f: () => void) => {
          if (settled) return;
          settled = true;
          clearInterval(poll);
          clearTimeout(timer);
          f();
        };
        const found = async () => {
          try {
            await store.getRun(id);
            return true;
          } catch {
            return false;
          }
        };
        const poll = setInterval(() => {
          void found().then((ok) => ok && settle(() => resolve({ runId: id })));
        }, 100);
        const timer = setTimeout(() => {
          child.kill('SIGINT');
          settle(() => reject(new HttpError(504, 'HR_E_START_TIMEOUT', `${kind}: did not start within ${START_TIMEOUT_MS / 1000}s`)));
        }, START_TIMEOUT_MS);
        child.on('exit', (code) => {
          children.delete(child);
          void found().then((ok) => {
            if (ok) return settle(() => resolve({ runId: id }));
            // The command's own one-line error: "headroom: <message> [CODE]".
            const m = /headroom: (.*) \[(HR_E_[A-Z0-9_]+)\]/.exec(stderr);
            settle(() => reject(m
              ? new HeadroomError(m[2]!, m[1]!, ExitCode.invalidInput)
              : new HttpError(500, 'HR_E_START_FAILED', `${kind}: exited with code ${code} before it started`)));
          });
        });
      });
    },
    close() {
      // Runs end by themselves at their duration; a server going away stops them early, cleanly.
      for (const c of children) c.kill('SIGINT');
    },
  };
}
