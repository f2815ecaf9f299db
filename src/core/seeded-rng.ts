/**
 * A small seeded PRNG (mulberry32, Tommy Ettinger's public-domain generator): fast,
 * 32-bit state, good enough for simulation noise and bootstrap resampling, and
 * reproducible from its seed — which the tests and benchmarks rely on.
 *
 * @example
 * const rng = seededRng(42); rng(); // 0 <= x < 1, same sequence for the same seed
 */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate from a uniform source (Box–Muller). */
export function normal(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
