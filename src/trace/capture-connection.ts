import net from 'node:net';
import { ResponseParser } from '../load/response-parser.js';
import type { Exchange } from './capture-exchange.js';
import { RequestHeadReader, type RequestHead } from './request-head.js';

/**
 * Forwarding for one client connection of the capture proxy, on raw sockets: the client's
 * bytes go to its own keep-alive upstream connection unchanged, and the upstream's bytes
 * come back unchanged. The proxy only reads along: request heads (src/trace/request-head.ts)
 * and body framing to count requests, and the load engine's response parser to find where
 * each response ends (RFC 9112 §6.3), so pipelined exchanges are matched in order.
 *
 * Not supported: protocol upgrades (101, CONNECT) — after one, the connection becomes a
 * blind tunnel and nothing more on it is recorded. Bytes are not rewritten, so no
 * X-Forwarded-For is added and hop-by-hop fields pass through (one upstream connection per
 * client connection keeps them meaningful).
 *
 * @example
 * new CaptureConnection(socket, { host: '127.0.0.1', port: 8080 }, hooks);
 */
export interface ConnectionHooks {
  /** A request head was read: returns its exchange (decides sampling). */
  begin(head: RequestHead, remote: string): Exchange;
  /** The exchange ended: `status` 0 when there was no response. */
  end(x: Exchange, status: number, remote: string): void;
  upstreamError(): void;
}

const enum Req {
  Head,
  Length,
  Chunked,
  Tunnel,
}

// Chunked request bodies use the same coding as responses (RFC 9112 §7.1), so the response
// parser delimits them, primed with this head.
const CHUNKED_PRIMER = Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1');
const BAD_GATEWAY = Buffer.from('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad gateway\n', 'latin1');
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'latin1');

export class CaptureConnection {
  private readonly upstream: net.Socket;
  private readonly queue: Exchange[] = [];
  private readonly reader = new RequestHeadReader();
  private readonly resParser: ResponseParser;
  private chunkParser: ResponseParser | null = null;
  private chunkEnd = -1;
  private req = Req.Head;
  private remaining = 0;
  private resStart = 0;
  private closed = false;
  private tunnel = false;
  private upstreamGone = false;
  private sawClientBytes = false;
  private current: Exchange | null = null;
  /** The upstream chunk being parsed, for onResponse. */
  private resBuf: Buffer | null = null;
  /** Set by stop(): close as soon as no exchange is in flight. */
  draining = false;
  readonly remote: string;

  constructor(
    private readonly client: net.Socket,
    target: { host: string; port: number },
    private readonly hooks: ConnectionHooks,
  ) {
    this.remote = client.remoteAddress ?? '';
    client.setNoDelay(true);
    this.upstream = net.connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    this.resParser = new ResponseParser({ onResponse: (status) => this.onResponse(status) });
    client.on('data', (c: Buffer) => this.onClientData(c));
    client.on('end', () => this.upstream.end());
    client.on('error', () => this.close());
    client.on('close', () => this.close());
    client.on('drain', () => this.upstream.resume());
    this.upstream.on('data', (c: Buffer) => this.onUpstreamData(c));
    this.upstream.on('drain', () => this.client.resume());
    this.upstream.on('error', () => this.onUpstreamGone(true));
    this.upstream.on('end', () => this.onUpstreamGone(false));
  }

  /** True when no request is in flight or partly read. */
  get idle(): boolean {
    return this.queue.length === 0 && this.reader.idle && this.req === Req.Head;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstream.destroy();
    this.client.destroy();
    // Exchanges still waiting never got their response.
    for (const x of this.queue.splice(0)) this.hooks.end(x, 0, this.remote);
  }

  private onClientData(c: Buffer): void {
    this.sawClientBytes = true;
    if (this.upstreamGone) {
      // The upstream refused or dropped us before this request: 502 for it.
      this.readRequests(c);
      if (this.queue.length > 0) this.fail502();
      return;
    }
    if (!this.tunnel && !this.readRequests(c)) {
      // Malformed request: answer 400 if nothing is in flight, else drop the connection.
      if (this.queue.length === 0) this.client.end(BAD_REQUEST);
      this.upstream.destroy();
      if (this.queue.length > 0) this.close();
      return;
    }
    if (!this.upstream.write(c)) this.client.pause();
  }

  /** Walks the client's bytes: heads, then bodies. Returns false on a malformed request. */
  private readRequests(c: Buffer): boolean {
    let at = 0;
    while (at < c.length) {
      switch (this.req) {
        case Req.Head: {
          const end = this.reader.push(c, at);
          if (end === -1) return true;
          if (end === -2) return false;
          const head = this.reader.head!;
          this.reader.reset();
          const x = this.hooks.begin(head, this.remote);
          if (this.queue.length === 0 && this.resParser.idle) this.resParser.noBody = x.isHead;
          this.queue.push(x);
          this.current = x;
          at = end;
          if (head.chunked) {
            this.chunkParser ??= new ResponseParser({ onResponse: () => {
              if (this.chunkEnd < 0) this.chunkEnd = this.chunkParser!.end;
            } });
            this.chunkParser.reset();
            this.chunkParser.execute(CHUNKED_PRIMER);
            this.req = Req.Chunked;
          } else if (head.contentLength > 0) {
            this.remaining = head.contentLength;
            this.req = Req.Length;
          }
          break;
        }
        case Req.Length: {
          const n = Math.min(this.remaining, c.length - at);
          this.current!.requestBody(c, at, at + n);
          at += n;
          this.remaining -= n;
          if (this.remaining === 0) this.req = Req.Head;
          break;
        }
        case Req.Chunked: {
          this.chunkEnd = -1;
          // The parser reads on past the body's end (and fails on the next request line): only
          // an error before the end counts.
          if (this.chunkParser!.execute(c, at) < 0 && this.chunkEnd < 0) return false;
          const end = this.chunkEnd >= 0 ? this.chunkEnd : c.length;
          this.current!.requestBody(c, at, end);
          at = end;
          if (this.chunkEnd >= 0) this.req = Req.Head;
          break;
        }
        case Req.Tunnel:
          return true;
      }
    }
    return true;
  }

  private onUpstreamData(c: Buffer): void {
    if (!this.client.write(c)) this.upstream.pause();
    if (this.tunnel) return;
    this.resStart = 0;
    this.resBuf = c;
    if (this.resParser.execute(c) < 0) {
      // Not HTTP/1.x any more (an upgrade) or a broken upstream: forward blindly from now on.
      this.tunnel = true;
      this.req = Req.Tunnel;
      for (const x of this.queue.splice(0)) this.hooks.end(x, 0, this.remote);
      return;
    }
    const x = this.queue[0];
    if (x !== undefined && this.resStart < c.length) x.responseBytes(c, this.resStart, c.length);
  }

  private onResponse(status: number): void {
    const x = this.queue.shift();
    const end = this.resParser.end;
    if (x === undefined) return;
    if (end >= 0 && this.resBuf !== null) x.responseBytes(this.resBuf, this.resStart, end);
    this.resStart = end;
    this.hooks.end(x, status, this.remote);
    const next = this.queue[0];
    if (next !== undefined) this.resParser.noBody = next.isHead;
    if (this.draining && this.idle) this.close();
  }

  private onUpstreamGone(failed: boolean): void {
    if (this.closed || this.upstreamGone) return;
    this.upstreamGone = true;
    if (this.resParser.readsUntilEof) {
      this.resBuf = null;
      this.resParser.finish();
    }
    const x = this.queue[0];
    if (x === undefined && failed && !this.sawClientBytes) {
      // Refused before the client said anything: keep the client to answer it with a 502.
      this.upstream.destroy();
      return;
    }
    if (x !== undefined && x.resBytes === 0 && !this.tunnel) return this.fail502();
    if (x !== undefined && failed) {
      this.hooks.upstreamError();
      this.client.destroy();
    } else {
      this.client.end();
    }
    this.finishAll();
  }

  /** Nothing of the first response was sent: the client gets a 502, the exchanges are recorded without a status. */
  private fail502(): void {
    this.hooks.upstreamError();
    this.client.end(BAD_GATEWAY);
    this.finishAll();
  }

  private finishAll(): void {
    this.closed = true;
    this.upstream.destroy();
    for (const y of this.queue.splice(0)) this.hooks.end(y, 0, this.remote);
  }
}
