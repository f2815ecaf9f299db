import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/headroom.js', import.meta.url));

interface RunOpts {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Run under this open-file soft limit (via the shell's ulimit -n). */
  ulimitN?: number;
}

/** Runs the real binary without blocking this process (servers in the test keep serving). */
export function headroomAsync(args: string[], opts: RunOpts = {}) {
  return spawnHeadroom(args, opts).result;
}

/** Starts the real binary; `result` resolves when it exits. */
export function spawnHeadroom(args: string[], opts: RunOpts = {}) {
  const env = { ...process.env, ...opts.env };
  const child =
    opts.ulimitN === undefined
      ? spawn(process.execPath, [bin, ...args], { env })
      : spawn('/bin/sh', ['-c', `ulimit -n ${opts.ulimitN} && exec "$0" "$@"`, process.execPath, bin, ...args], { env });
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { kill: (sig: NodeJS.Signals) => child.kill(sig), result };
}

/** An HTTP server on 127.0.0.1:0; returns its base URL and a close function. */
export async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * A maker of temporary directories that are removed when the calling test file's tests are
 * done. Call it once at the top of a test file.
 *
 * @example
 * const tempDir = tempDirs();
 * const dir = tempDir('hr-import-');
 */
export function tempDirs(): (prefix: string) => string {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
