/**
 * A small seeded pseudo-random generator (mulberry32, public domain, by Tommy Ettinger):
 * 32 bits of state, fast, good enough for arrival jitter and URL weights. Not for secrets.
 *
 * @example
 * const rng = seededRandom(42);
 * rng(); // a number in [0, 1), the same sequence for the same seed
 */
export type Rng = () => number;

export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An exponentially distributed sample with mean 1 (inverse transform).
 *
 * @example
 * const gapMs = exponential1(seededRandom(1)) * 1000 / rps; // Poisson inter-arrival time
 */
export function exponential1(rng: Rng): number {
  return -Math.log(1 - rng());
}

/**
 * A standard normal deviate from a uniform source (Box–Muller).
 *
 * @example
 * const jitter = 1 + 0.03 * normal(seededRandom(7)); // ≈ N(1, 0.03²)
 */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
