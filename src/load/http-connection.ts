import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ErrorKind } from '../core/load-types.js';
import { ResponseParser, type ResponseSink } from './response-parser.js';

/** Where connections go: an address resolved once, before any load is sent. */
export interface Endpoint {
  /** An IP address (no DNS lookup per connection). */
  host: string;
  port: number;
  tls: boolean;
  /** SNI and certificate name for HTTPS. */
  servername: string;
  /** Accept self-signed or otherwise unverifiable certificates. */
  insecure: boolean;
}

/** What a connection reports to the generator that owns it (no closures per request). */
export interface ConnectionOwner {
  bytesIn: number;
  bytesOut: number;
  onResponse(conn: HttpConnection, status: number, intended: number, sent: number): void;
  onFailure(conn: HttpConnection, kind: ErrorKind, intended: number, sent: number): void;
  /** A request the server will never answer because it closed after an earlier response: send it again. */
  onRequeue(intended: number): void;
  /** The connection can take another request. */
  onReady(conn: HttpConnection): void;
  /** The TCP (and TLS) handshake completed. */
  onConnected(conn: HttpConnection): void;
  onClosed(conn: HttpConnection): void;
}

/**
 * Maps a socket error code to the error kinds the summary counts.
 *
 * @example
 * classifySocketError('ECONNREFUSED') // 'refused'
 */
export function classifySocketError(code: string | undefined): ErrorKind {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

let nextId = 0;
/**
 * One read buffer per thread for all plain-TCP connections: with net's `onread` option
 * the socket reads straight into it and calls us back synchronously, so a response costs
 * no Buffer allocation and no stream 'data' event.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * One keep-alive HTTP/1.1 connection over a raw `net`/`tls` socket. Requests are
 * pre-serialised byte buffers written as they are; up to `pipelining` may be in flight.
 * Their intended and actual send times sit in a fixed ring buffer, so a request costs
 * one socket write and two array stores, and a response one parser pass.
 *
 * @example
 * const c = new HttpConnection(owner, endpoint, 1, false);
 * c.send(requestBytes, intendedMs, performance.now()); // owner.onResponse(...) follows
 */
export class HttpConnection implements ResponseSink {
  readonly id = nextId++;
  readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  private readonly intended: Float64Array;
  private readonly sentAt: Float64Array;
  private head = 0;
  /** Requests in flight. */
  count = 0;
  /** No more requests: closing after a `Connection: close` or an error. */
  closing = false;
  closed = false;
  /** The handshake completed. */
  connected = false;
  /** Bookkeeping for the owner (free list membership, index in its list, VU timer). */
  inFree = false;
  slot = -1;
  vu = false;
  private errorKind: ErrorKind | null = null;

  constructor(
    private readonly owner: ConnectionOwner,
    endpoint: Endpoint,
    readonly pipelining: number,
    noBody: boolean,
  ) {
    this.intended = new Float64Array(pipelining);
    this.sentAt = new Float64Array(pipelining);
    this.parser = new ResponseParser(this);
    this.parser.noBody = noBody;
    this.socket = endpoint.tls
      ? tls.connect({
          host: endpoint.host,
          port: endpoint.port,
          servername: net.isIP(endpoint.servername) ? undefined : endpoint.servername,
          rejectUnauthorized: !endpoint.insecure,
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({ host: endpoint.host, port: endpoint.port, onread: { buffer: READ_BUFFER, callback: this.onRead } });
    this.socket.setNoDelay(true);
    this.socket.once(endpoint.tls ? 'secureConnect' : 'connect', this.onConnect);
    if (endpoint.tls) this.socket.on('data', this.onData);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
  }

  /** Can take another request now. */
  get available(): boolean {
    return !this.closing && !this.closed && this.count < this.pipelining;
  }

  /** Send time of the oldest request in flight (for timeouts). */
  get oldestSent(): number {
    return this.sentAt[this.head]!;
  }

  send(request: Uint8Array, intended: number, now: number): void {
    const tail = (this.head + this.count) % this.pipelining;
    this.intended[tail] = intended;
    this.sentAt[tail] = now;
    this.count++;
    this.owner.bytesOut += request.length;
    this.socket.write(request);
  }

  onResponse(status: number): void {
    if (this.count === 0) {
      // A response nobody asked for: the stream is out of step, drop the connection.
      this.closing = true;
      this.socket.destroy();
      return;
    }
    const h = this.head;
    this.head = (h + 1) % this.pipelining;
    this.count--;
    this.owner.onResponse(this, status, this.intended[h]!, this.sentAt[h]!);
    if (this.parser.closeAfter) {
      this.closing = true;
      // Pipelined requests behind a "Connection: close" response were never served.
      while (this.count > 0) this.owner.onRequeue(this.shift());
      this.socket.end();
    } else if (!this.closed && this.count < this.pipelining) {
      this.owner.onReady(this);
    }
  }

  private shift(): number {
    const h = this.head;
    this.head = (h + 1) % this.pipelining;
    this.count--;
    return this.intended[h]!;
  }

  /** Requests failed on this connection (an error, a reset, a timeout), as opposed to a graceful close. */
  failed = false;

  private failAll(kind: ErrorKind): void {
    if (this.count > 0) this.failed = true;
    while (this.count > 0) {
      const h = this.head;
      this.shift();
      this.owner.onFailure(this, kind, this.intended[h]!, this.sentAt[h]!);
    }
  }

  /** The oldest request exceeded the timeout: fail what is in flight and drop the connection. */
  expire(): void {
    this.closing = true;
    this.failAll('timeout');
    this.socket.destroy();
  }

  /** Closes without counting anything (end of run). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.onRead(chunk.length, chunk);
  };

  private readonly onRead = (n: number, buf: Uint8Array): boolean => {
    this.owner.bytesIn += n;
    // Requests sent in reaction to these responses leave in one write (writev), not one each.
    const socket = this.socket;
    socket.cork();
    const rc = this.parser.execute(buf, 0, n);
    socket.uncork();
    if (rc < 0) {
      this.closing = true;
      this.failAll('other');
      socket.destroy();
    }
    return true;
  };

  private readonly onConnect = (): void => {
    this.connected = true;
    this.owner.onConnected(this);
  };

  private readonly onError = (err: NodeJS.ErrnoException): void => {
    this.failed = true;
    this.errorKind ??= classifySocketError(err.code);
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.closing = true;
    if (this.count > 0 && this.parser.readsUntilEof) this.parser.finish();
    // A server that closes with requests in flight has reset them (unless a socket error says otherwise).
    this.failAll(this.errorKind ?? 'reset');
    this.owner.onClosed(this);
  };
}
