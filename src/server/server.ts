import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store/store.js';
import { handleApi } from './api.js';
import { sendError } from './http-util.js';
import { unavailableLauncher, type RunLauncher } from './launcher.js';
import { LiveFeed } from './live.js';
import { NOT_BUILT_HTML, serveStatic, WEB_DIST } from './static-files.js';

export interface ServeOptions {
  store: Store;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  launcher?: RunLauncher;
  /** The built dashboard; defaults to web/dist of this package. */
  webRoot?: string;
  /** How often live streams look for new seconds (ms). */
  livePollMs?: number;
  /** Where the server logs internal errors (stderr by default). */
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts `headroom serve`: the JSON API, live streams and the built dashboard.
 *
 * @example
 * const s = await startServer({ store: await Store.open(path), port: 0 });
 * console.log(s.url); // http://127.0.0.1:40123
 * await s.close();
 */
export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const log = o.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const live = new LiveFeed(o.store, o.livePollMs);
  const ctx = { store: o.store, live, launcher: o.launcher ?? unavailableLauncher };
  const webRoot = o.webRoot ?? WEB_DIST;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    handleApi(ctx, req, res, url)
      .then((handled) => {
        if (handled) return;
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { allow: 'GET, HEAD' }).end();
          return;
        }
        if (serveStatic(webRoot, url.pathname, res)) return;
        if (url.pathname === '/' || url.pathname === '/index.html') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(NOT_BUILT_HTML);
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      })
      .catch((e: unknown) => sendError(res, e, log));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8089, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
