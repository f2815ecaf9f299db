/**
 * Arrivals in the last `windowMs`, counted exactly from their timestamps (a FIFO of
 * times), so that a sample target can decide its behaviour from the load it sees.
 *
 * @example
 * const m = new RateMeter(1000); m.arrive(performance.now()); m.count(performance.now());
 */
export class RateMeter {
  private times: number[] = [];
  private head = 0;
  constructor(readonly windowMs = 1000) {}

  arrive(now: number): void {
    this.times.push(now);
  }

  /** Arrivals in (now − windowMs, now]. */
  count(now: number): number {
    const from = now - this.windowMs;
    while (this.head < this.times.length && this.times[this.head]! <= from) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Arrivals per second over the window. */
  rate(now: number): number {
    return (this.count(now) * 1000) / this.windowMs;
  }
}
