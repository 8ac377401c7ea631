/**
 * Seeded synthetic crowds for `npm run bench:kinds` (generation is never timed).
 *
 * Pairwise (`syntheticPairwise`): items with planted scores s_i ~ N(0, 1.5²) (Box–Muller on
 * mulberry32); each comparison is a uniformly drawn pair (left/right in random order) and a
 * uniformly drawn worker. Workers: 60% honest (follow BT on the planted scores with probability
 * a ~ U(0.7, 1), else a fair coin), 20% spammers (always a coin, 70% "left"), 20% adversarial
 * (answer the opposite of BT with probability U(0.6, 0.9), else a coin).
 */
import { PairwiseMatrix } from '../src/modules/aggregation/algorithms/kinds/pairwise';
import { Rng, mulberry32, randomInt } from '../src/modules/aggregation/algorithms/rng';

/** A standard normal draw (Box–Muller). */
export function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A synthetic pairwise crowd with its planted item scores. */
export function syntheticPairwise(
  nItems: number,
  nWorkers: number,
  nComparisons: number,
  seed: number,
): { matrix: PairwiseMatrix; truth: Float64Array } {
  const rng = mulberry32(seed);
  const truth = Float64Array.from({ length: nItems }, () => 1.5 * normal(rng));
  const kind = Int32Array.from({ length: nWorkers }, (_, w) =>
    w % 5 < 3 ? 0 : w % 5 === 3 ? 1 : 2,
  );
  const skill = Float64Array.from(kind, k =>
    k === 0 ? 0.7 + 0.3 * rng() : k === 2 ? 0.6 + 0.3 * rng() : 0,
  );
  const worker = new Int32Array(nComparisons);
  const left = new Int32Array(nComparisons);
  const right = new Int32Array(nComparisons);
  const leftWins = new Uint8Array(nComparisons);
  for (let r = 0; r < nComparisons; r++) {
    const i = randomInt(rng, nItems);
    let j = randomInt(rng, nItems - 1);
    if (j >= i) j++;
    const w = randomInt(rng, nWorkers);
    worker[r] = w;
    left[r] = i;
    right[r] = j;
    const bt = rng() < 1 / (1 + Math.exp(truth[j] - truth[i])) ? 1 : 0;
    if (kind[w] === 1) leftWins[r] = rng() < 0.7 ? 1 : 0;
    else if (rng() < skill[w]) leftWins[r] = kind[w] === 0 ? bt : 1 - bt;
    else leftWins[r] = rng() < 0.5 ? 1 : 0;
  }
  return { matrix: { nItems, nWorkers, worker, left, right, leftWins }, truth };
}
