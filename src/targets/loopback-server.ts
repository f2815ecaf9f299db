import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started loopback HTTP server: its URL and a close that drops every connection. */
export interface LoopbackServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (port 0: any free one) with keep-alive, for the sample targets.
 *
 * @example
 * const s = await listenLoopback((req, res) => res.end('ok'));
 */
export async function listenLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    req.resume();
    handler(req, res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: p } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${p}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers after `ms` on a timer (no CPU spent while waiting). */
export function replyAfter(res: ServerResponse, ms: number, status = 200): void {
  setTimeout(() => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': status === 200 ? '3' : '0' });
    res.end(status === 200 ? 'ok\n' : undefined);
  }, Math.max(0, ms));
}
