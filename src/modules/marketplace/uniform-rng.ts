import { randomInt } from 'node:crypto';

const RANGE = 2 ** 32;

/**
 * Uniform draws in [0, 1) from the operating system's CSPRNG: which pool (gold or ordinary) a
 * lease draws from must not be predictable from earlier leases, or a worker could tell when gold
 * comes. Tests inject a seeded generator instead (`LeasingServiceOptions.rng`).
 */
export function secureUniformRng(): number {
  return randomInt(0, RANGE) / RANGE;
}
