import { invalidInput } from '../core/errors.js';
import { startServer } from '../server/server.js';
import { Store } from '../store/store.js';
import { registerCommand } from './main.js';
import { parseFlags } from './args.js';
import { STORE_FLAG, storePathFrom } from './store-flags.js';
import { launcherFor } from './serve-launcher.js';

const usage = `usage: headroom serve [--port 8089] [--host 127.0.0.1] [--store PATH]

Serves the dashboard and the JSON API of the store, with live updates of runs in progress
(started from the CLI in another process or from the dashboard).

  --port N       port to listen on (default 8089; 0 picks a free one)
  --host HOST    address to listen on (default 127.0.0.1: only this machine)
  --store PATH   the store file (default .headroom/headroom.duckdb)

API: GET /api/runs, /api/runs/ID, /api/runs/ID/series, /api/runs/ID/squeeze,
/api/runs/ID/live (Server-Sent Events), /api/compare?a=ID&b=ID; POST /api/runs, /api/squeezes;
GET /api/forecasts[/ID], /api/plans[/ID], /api/trace/report|impact|findings|rates.`;

export function parsePort(text: string | undefined): number {
  if (text === undefined) return 8089;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw invalidInput('HR_E_BAD_PORT', `--port: expected a port number from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

registerCommand({
  name: 'serve',
  summary: 'serve the dashboard and API of the store, with live runs',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, ...STORE_FLAG }, 'serve');
    if (positionals.length) throw invalidInput('HR_E_USAGE', `headroom serve: unexpected argument ${JSON.stringify(positionals[0])}`);
    const port = parsePort(values.port);
    const host = values.host ?? '127.0.0.1';
    const path = storePathFrom(values.store, io.cwd);
    const store = await Store.open(path);
    const launcher = launcherFor(store, io);
    let server;
    try {
      server = await startServer({ store, host, port, launcher, log: (l) => io.stderr.write(l + '\n') });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
        throw invalidInput('HR_E_LISTEN', `--host/--port: cannot listen on ${host}:${port} (${code})`, 'pick another --port, or --port 0 for a free one');
      }
      throw e;
    }
    io.stderr.write(`headroom serve: ${server.url}/ (store ${path})\n`);
    io.stdout.write(JSON.stringify({ url: server.url }) + '\n');
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    launcher.close();
    await server.close();
    io.stderr.write('headroom serve: stopped\n');
    return 0;
  },
});
