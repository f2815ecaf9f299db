/**
 * A growable FIFO of numbers in a ring buffer: intended send times of iterations
 * waiting for a free connection. No allocation per push once grown.
 *
 * @example
 * const q = new FloatQueue();
 * q.push(1.5);
 * q.shift(); // 1.5
 */
export class FloatQueue {
  private buf = new Float64Array(1024);
  private head = 0;
  length = 0;

  push(x: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.length; i++) bigger[i] = this.buf[(this.head + i) % this.buf.length]!;
      this.buf = bigger;
      this.head = 0;
    }
    this.buf[(this.head + this.length) % this.buf.length] = x;
    this.length++;
  }

  /** The oldest value (undefined behaviour when empty: check length first). */
  peek(): number {
    return this.buf[this.head]!;
  }

  shift(): number {
    const x = this.buf[this.head]!;
    this.head = (this.head + 1) % this.buf.length;
    this.length--;
    return x;
  }

  clear(): void {
    this.head = 0;
    this.length = 0;
  }
}
