// Seeded randomness shared by the data generator (src/cli/gen.ts) and the
// category-total intervals (src/core/category-totals.ts): both need the same
// sequence for a given seed on every machine, so outputs are reproducible.

/** mulberry32: small, fast, seedable PRNG with uniform output in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
