/**
 * An incremental HTTP/1.1 response parser for the load engine's hot path (RFC 9112:
 * status line §4, fields §5, message body length §6.3, chunked coding §7.1).
 *
 * It reads bytes as they arrive, in chunks split anywhere, keeps no copies of the data,
 * allocates nothing per response and never throws: malformed input moves it to an error
 * state. It only extracts what a load generator needs: the status code, where each
 * response ends (Content-Length, chunked, or end of connection) and whether the server
 * will close the connection after it.
 *
 * @example
 * const p = new ResponseParser({ onResponse: (status) => console.log(status) });
 * p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')); // logs 200
 */

/** Receives each complete response. */
export interface ResponseSink {
  onResponse(status: number): void;
}

const enum S {
  Version,
  Code,
  Reason,
  LineStart,
  LineStartLF,
  Name,
  Value,
  BodyLength,
  BodyEof,
  ChunkSize,
  ChunkExt,
  ChunkData,
  ChunkDataCR,
  ChunkDataLF,
  TrailerStart,
  TrailerLine,
  TrailerLF,
  Error,
}

const enum H {
  Other,
  ContentLength,
  TransferEncoding,
  Connection,
}

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const MAX_HEADER_BYTES = 64 * 1024;
const NAME_CAP = 20;
const VALUE_CAP = 64;

// Lower-cased header names we care about, as byte arrays.
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const N_CL = bytes('content-length');
const N_TE = bytes('transfer-encoding');
const N_CONN = bytes('connection');
const V_CHUNKED = bytes('chunked');
const V_CLOSE = bytes('close');
const V_KEEPALIVE = bytes('keep-alive');

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48;
  if (b >= 97 && b <= 102) return b - 87;
  if (b >= 65 && b <= 70) return b - 55;
  return -1;
}

export class ResponseParser {
  private state = S.Version;
  private versionLen = 0;
  private minor = 1;
  private status = 0;
  private codeDigits = 0;
  private headerBytes = 0;
  private header = H.Other;
  private readonly name = new Uint8Array(NAME_CAP);
  private nameLen = 0;
  private readonly value = new Uint8Array(VALUE_CAP);
  private valueLen = 0;
  private contentLength = -1;
  private chunked = false;
  private remaining = 0;
  private hexDigits = 0;
  private sawDigit = false;
  /** True when the current/last response said the connection closes after it. */
  closeAfter = false;
  /** Responses to HEAD requests have no body; set by the connection. */
  noBody = false;
  /** Why parsing failed, for error reports (a constant string, no allocation). */
  error: string | null = null;
  /**
   * Offset just past the end of the response being reported, in the buffer given to
   * `execute`: valid inside `onResponse` (the capture proxy uses it to split pipelined
   * responses; -1 when the response ended with the connection).
   */
  end = -1;

  constructor(private readonly sink: ResponseSink) {}

  /** True between responses (nothing partial buffered). */
  get idle(): boolean {
    return this.state === S.Version && this.versionLen === 0;
  }

  /** True when the response in progress ends only when the connection closes. */
  get readsUntilEof(): boolean {
    return this.state === S.BodyEof;
  }

  /** Resets to the start of a new response (after a reconnect). */
  reset(): void {
    this.state = S.Version;
    this.versionLen = 0;
    this.closeAfter = false;
    this.error = null;
  }

  private fail(why: string): number {
    this.state = S.Error;
    this.error = why;
    return -1;
  }

  private complete(): void {
    const status = this.status;
    this.state = S.Version;
    this.versionLen = 0;
    this.sink.onResponse(status);
  }

  /** The connection ended: completes a body delimited by the end of the connection. Returns true if it did. */
  finish(): boolean {
    if (this.state === S.BodyEof) {
      this.closeAfter = true;
      this.end = -1;
      this.complete();
      return true;
    }
    return false;
  }

  /** Parses `buf[start, end)`; calls the sink for each complete response. Returns -1 on malformed input. */
  execute(buf: Uint8Array, start = 0, end = buf.length): number {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case S.Version: {
          const b = buf[i++]!;
          const n = this.versionLen++;
          if (n === 0) {
            this.status = 0;
            this.codeDigits = 0;
            this.headerBytes = 0;
            this.contentLength = -1;
            this.chunked = false;
            this.closeAfter = false;
            this.minor = 1;
            if (b !== 72 /* H */) return this.fail('expected HTTP/1.x status line');
          } else if (n < 5) {
            if (b !== 'HTTP/'.charCodeAt(n)) return this.fail('expected HTTP/1.x status line');
          } else if (n === 5) {
            if (b !== 49 /* 1 */) return this.fail('unsupported HTTP version');
          } else if (n === 6) {
            if (b !== 46 /* . */) return this.fail('expected HTTP/1.x status line');
          } else if (n === 7) {
            if (b < 48 || b > 57) return this.fail('expected HTTP/1.x status line');
            this.minor = b - 48;
          } else if (b === SP) {
            this.state = S.Code;
          } else {
            return this.fail('expected a space after the HTTP version');
          }
          break;
        }
        case S.Code: {
          const b = buf[i++]!;
          if (b >= 48 && b <= 57 && this.codeDigits < 3) {
            this.status = this.status * 10 + (b - 48);
            this.codeDigits++;
          } else if (this.codeDigits === 3 && (b === SP || b === CR || b === LF)) {
            if (this.status < 100) return this.fail('status code below 100');
            this.state = b === LF ? S.LineStart : S.Reason;
          } else {
            return this.fail('expected a three-digit status code');
          }
          break;
        }
        case S.Reason: {
          // Skip to the end of the line.
          while (i < end && buf[i] !== LF) i++;
          if (i < end) {
            i++;
            this.state = S.LineStart;
          }
          break;
        }
        case S.LineStart: {
          const b = buf[i++]!;
          if (++this.headerBytes > MAX_HEADER_BYTES) return this.fail('response header too large');
          if (b === CR) {
            this.state = S.LineStartLF;
          } else if (b === LF) {
            this.end = i;
            if (this.endOfHeaders() < 0) return -1;
          } else if (b === COLON || b === SP || b === HT) {
            return this.fail('malformed header line');
          } else {
            this.nameLen = 0;
            this.pushName(b);
            this.state = S.Name;
          }
          break;
        }
        case S.LineStartLF: {
          const b = buf[i++]!;
          if (b !== LF) return this.fail('expected LF after CR');
          this.end = i;
          if (this.endOfHeaders() < 0) return -1;
          break;
        }
        case S.Name: {
          const b = buf[i++]!;
          if (++this.headerBytes > MAX_HEADER_BYTES) return this.fail('response header too large');
          if (b === COLON) {
            this.header = this.whichHeader();
            this.valueLen = 0;
            this.sawDigit = false;
            if (this.header === H.ContentLength) {
              if (this.contentLength >= 0) this.contentLength = -2; // repeated: checked at the end
              else this.contentLength = 0;
            }
            this.state = S.Value;
          } else if (b === LF || b === CR) {
            return this.fail('header line without a colon');
          } else {
            this.pushName(b);
          }
          break;
        }
        case S.Value: {
          if (this.header === H.Other) {
            // Fast skip of values we ignore.
            const j = i;
            while (i < end && buf[i] !== LF) i++;
            this.headerBytes += i - j;
            if (this.headerBytes > MAX_HEADER_BYTES) return this.fail('response header too large');
            if (i < end) {
              i++;
              this.state = S.LineStart;
            }
            break;
          }
          const b = buf[i++]!;
          if (++this.headerBytes > MAX_HEADER_BYTES) return this.fail('response header too large');
          if (b === LF) {
            if (this.endOfValue() < 0) return -1;
            this.state = S.LineStart;
          } else if (this.header === H.ContentLength) {
            if (b >= 48 && b <= 57) {
              if (this.contentLength >= 0) {
                this.contentLength = this.contentLength * 10 + (b - 48);
                if (this.contentLength > Number.MAX_SAFE_INTEGER / 16) return this.fail('Content-Length too large');
              }
              this.sawDigit = true;
            } else if (b !== SP && b !== HT && b !== CR) {
              return this.fail('malformed Content-Length');
            }
          } else if (b !== SP && b !== HT && b !== CR) {
            // Keep the lower-cased value without spaces (last VALUE_CAP bytes).
            const lower = b >= 65 && b <= 90 ? b + 32 : b;
            if (this.valueLen < VALUE_CAP) this.value[this.valueLen++] = lower;
            else {
              this.value.copyWithin(0, 1);
              this.value[VALUE_CAP - 1] = lower;
            }
          }
          break;
        }
        case S.BodyLength: {
          const avail = end - i;
          if (avail >= this.remaining) {
            i += this.remaining;
            this.remaining = 0;
            this.end = i;
            this.complete();
          } else {
            this.remaining -= avail;
            i = end;
          }
          break;
        }
        case S.BodyEof:
          i = end;
          break;
        case S.ChunkSize: {
          const b = buf[i++]!;
          const h = hexValue(b);
          if (h >= 0) {
            if (++this.hexDigits > 12) return this.fail('chunk size too large');
            this.remaining = this.remaining * 16 + h;
          } else if (b === CR || b === SP || b === HT) {
            // tolerated before LF
          } else if (b === 59 /* ; */) {
            this.state = S.ChunkExt;
          } else if (b === LF) {
            if (this.hexDigits === 0) return this.fail('missing chunk size');
            this.state = this.remaining === 0 ? S.TrailerStart : S.ChunkData;
          } else {
            return this.fail('malformed chunk size');
          }
          break;
        }
        case S.ChunkExt: {
          while (i < end && buf[i] !== LF) i++;
          if (i < end) {
            i++;
            if (this.hexDigits === 0) return this.fail('missing chunk size');
            this.state = this.remaining === 0 ? S.TrailerStart : S.ChunkData;
          }
          break;
        }
        case S.ChunkData: {
          const avail = end - i;
          if (avail >= this.remaining) {
            i += this.remaining;
            this.remaining = 0;
            this.state = S.ChunkDataCR;
          } else {
            this.remaining -= avail;
            i = end;
          }
          break;
        }
        case S.ChunkDataCR: {
          const b = buf[i++]!;
          if (b === CR) this.state = S.ChunkDataLF;
          else if (b === LF) this.startChunk();
          else return this.fail('expected CRLF after chunk data');
          break;
        }
        case S.ChunkDataLF: {
          const b = buf[i++]!;
          if (b !== LF) return this.fail('expected CRLF after chunk data');
          this.startChunk();
          break;
        }
        case S.TrailerStart: {
          const b = buf[i++]!;
          if (b === CR) this.state = S.TrailerLF;
          else if (b === LF) {
            this.end = i;
            this.complete();
          }
          else this.state = S.TrailerLine;
          break;
        }
        case S.TrailerLF: {
          const b = buf[i++]!;
          if (b !== LF) return this.fail('expected LF after CR');
          this.end = i;
          this.complete();
          break;
        }
        case S.TrailerLine: {
          while (i < end && buf[i] !== LF) i++;
          if (i < end) {
            i++;
            this.state = S.TrailerStart;
          }
          break;
        }
        case S.Error:
          return -1;
      }
    }
    return 0;
  }

  private startChunk(): void {
    this.remaining = 0;
    this.hexDigits = 0;
    this.state = S.ChunkSize;
  }

  private pushName(b: number): void {
    if (this.nameLen < NAME_CAP) this.name[this.nameLen] = b >= 65 && b <= 90 ? b + 32 : b;
    this.nameLen++;
  }

  private nameIs(n: Uint8Array): boolean {
    if (this.nameLen !== n.length) return false;
    for (let k = 0; k < n.length; k++) if (this.name[k] !== n[k]) return false;
    return true;
  }

  private whichHeader(): H {
    if (this.nameIs(N_CL)) return H.ContentLength;
    if (this.nameIs(N_TE)) return H.TransferEncoding;
    if (this.nameIs(N_CONN)) return H.Connection;
    return H.Other;
  }

  private valueEndsWith(v: Uint8Array): boolean {
    const off = this.valueLen - v.length;
    if (off < 0) return false;
    if (off > 0 && this.value[off - 1] !== 44 /* , */) return false;
    for (let k = 0; k < v.length; k++) if (this.value[off + k] !== v[k]) return false;
    return true;
  }

  private valueHas(v: Uint8Array): boolean {
    outer: for (let off = 0; off + v.length <= this.valueLen; off++) {
      for (let k = 0; k < v.length; k++) if (this.value[off + k] !== v[k]) continue outer;
      return true;
    }
    return false;
  }

  private endOfValue(): number {
    if (this.header === H.ContentLength) {
      if (this.contentLength === -2) return this.fail('repeated Content-Length');
      if (!this.sawDigit) return this.fail('empty Content-Length');
    } else if (this.header === H.TransferEncoding) {
      // RFC 9112 §6.3: chunked must be the final coding for a response we can delimit.
      this.chunked = this.valueEndsWith(V_CHUNKED);
    } else if (this.header === H.Connection) {
      if (this.valueHas(V_CLOSE)) this.closeAfter = true;
      else if (this.valueHas(V_KEEPALIVE) && this.minor === 0) this.minor = 1;
    }
    return 0;
  }

  private endOfHeaders(): number {
    const st = this.status;
    if (this.minor === 0) this.closeAfter = true;
    if (st < 200) {
      // 1xx interim response (RFC 9110 §15.2): the final response follows.
      this.state = S.Version;
      this.versionLen = 0;
      return 0;
    }
    if (this.noBody || st === 204 || st === 304) {
      this.complete();
    } else if (this.chunked) {
      this.startChunk();
    } else if (this.contentLength >= 0) {
      if (this.contentLength === 0) this.complete();
      else {
        this.remaining = this.contentLength;
        this.state = S.BodyLength;
      }
    } else {
      this.closeAfter = true;
      this.state = S.BodyEof;
    }
    return 0;
  }
}
