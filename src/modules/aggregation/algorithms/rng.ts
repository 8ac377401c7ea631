/**
 * Seeded pseudo-random numbers. Algorithms never call Math.random() (STYLE.md 5.9): anything
 * random takes an injected `Rng`, and tests and benchmarks pass a seeded one.
 */
export type Rng = () => number;

/**
 * mulberry32: a 32-bit generator with a full 2³² period, fast and good enough for bootstrap
 * resampling and synthetic data (not for cryptography). Returns floats in [0, 1).
 * Tommy Ettinger's public-domain construction, as used widely in JS test tooling.
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
