import { mulberry32, Rng } from '../../../src/modules/aggregation/algorithms/rng';

/** A standard normal draw (Box–Muller) from a seeded generator. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Gaussian blobs: class k has a random centre with entries in [−3, 3] and unit-variance noise,
 * so classes are separable with high probability in dimension ≥ 5. Deterministic per seed.
 */
export function gaussianBlobs(
  seed: number,
  nSamples: number,
  nFeatures: number,
  nClasses: number,
  centreSeed = seed,
): { features: Float32Array; labels: Int32Array } {
  const centreRng = mulberry32(centreSeed);
  const centres = Array.from({ length: nClasses * nFeatures }, () => 6 * centreRng() - 3);
  const rng = mulberry32(seed + 1);
  const features = new Float32Array(nSamples * nFeatures);
  const labels = new Int32Array(nSamples);
  for (let i = 0; i < nSamples; i++) {
    const k = i % nClasses;
    labels[i] = k;
    for (let j = 0; j < nFeatures; j++) {
      features[i * nFeatures + j] = centres[k * nFeatures + j] + gaussian(rng);
    }
  }
  return { features, labels };
}
