import { RECORD_FIELDS, type TraceRecord } from '../core/trace-record.js';

/**
 * A compact binary form of {@link TraceRecord}s, so the capture proxy can hand a batch of
 * records to the thread that owns the store as one transferable buffer (no structured clone
 * of objects). Fields follow RECORD_FIELDS: numbers as float64 LE (NaN for null), strings as
 * a uint32 LE byte length (0xFFFFFFFF for null) and UTF-8 bytes.
 *
 * @example
 * const e = new RowEncoder(1 << 20);
 * e.push(record);
 * const rows = decodeRows(e.take(), 1);
 */
const NUMBER_FIELDS = new Set<string>(['ts', 'status', 'latency_ms', 'bytes', 'req_bytes']);
const IS_NUMBER = RECORD_FIELDS.map((f) => NUMBER_FIELDS.has(f));
const NULL_LEN = 0xffffffff;

export class RowEncoder {
  private buf: Buffer;
  private off = 0;
  /** Rows in the buffer not yet taken. */
  rows = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafeSlow(size);
  }

  /** Appends a row; false (nothing written) when it does not fit: take() the buffer first. */
  push(r: TraceRecord): boolean {
    const buf = this.buf;
    let off = this.off;
    for (let i = 0; i < RECORD_FIELDS.length; i++) {
      const v = r[RECORD_FIELDS[i]!];
      if (IS_NUMBER[i]) {
        if (off + 8 > buf.length) return this.grow(r);
        buf.writeDoubleLE(v === null ? NaN : (v as number), off);
        off += 8;
      } else if (v === null) {
        if (off + 4 > buf.length) return this.grow(r);
        buf.writeUInt32LE(NULL_LEN, off);
        off += 4;
      } else {
        const s = v as string;
        // UTF-8 needs at most 3 bytes per UTF-16 unit.
        if (off + 4 + 3 * s.length > buf.length) return this.grow(r);
        const n = buf.write(s, off + 4, 'utf8');
        buf.writeUInt32LE(n, off);
        off += 4 + n;
      }
    }
    this.off = off;
    this.rows++;
    return true;
  }

  /** Hands over the encoded rows (a buffer of their own, transferable) and starts a new one. */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafeSlow(this.size);
    this.off = 0;
    this.rows = 0;
    return out;
  }

  /** A row larger than the whole buffer gets a buffer of its own size; otherwise it waits for take(). */
  private grow(r: TraceRecord): boolean {
    if (this.off > 0) return false;
    this.buf = Buffer.allocUnsafeSlow(this.buf.length * 2);
    return this.push(r);
  }
}

/** The records of an encoded buffer, in order. */
export function decodeRows(bytes: Uint8Array): TraceRecord[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TraceRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    const r: Record<string, unknown> = {};
    for (let i = 0; i < RECORD_FIELDS.length; i++) {
      if (IS_NUMBER[i]) {
        const v = buf.readDoubleLE(off);
        r[RECORD_FIELDS[i]!] = Number.isNaN(v) ? null : v;
        off += 8;
      } else {
        const n = buf.readUInt32LE(off);
        off += 4;
        if (n === NULL_LEN) r[RECORD_FIELDS[i]!] = null;
        else {
          r[RECORD_FIELDS[i]!] = buf.toString('utf8', off, off + n);
          off += n;
        }
      }
    }
    out.push(r as unknown as TraceRecord);
  }
  return out;
}
