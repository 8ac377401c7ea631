/**
 * Krippendorff's α with an arbitrary distance between answers: the project audit's α for span
 * and box answers (docs/kinds.md), whose distance is 1 − the kind's pairwise F1.
 *
 * Answers i, each in a unit u (a task); m_u answers in unit u. Only pairable units (m_u ≥ 2)
 * count; n = Σ m_u over them. With the sums over ordered pairs i ≠ j:
 *
 *   D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j ∈ u} δ(i, j)     observed disagreement
 *   D_e = 1/(n (n − 1)) Σ_{i≠j, both pairable} δ(i, j)   expected: pairs from any units
 *   α   = 1 − D_o / D_e
 *
 * This is Krippendorff's (2011) general form, which takes any metric δ: nominal, interval and the
 * others are the special cases. Braylan, Alonso and Lease (2022) apply it to structured and
 * multi-object annotations (spans, boxes, free text) with a task-appropriate distance such as
 * 1 − F1 or 1 − IoU, pairing answers across items for D_e exactly as above: the chance term is
 * how far apart two answers drawn at random from the whole project are. It is the task × worker
 * α; Krippendorff's unitizing α (which also scores where the units are cut) is not this.
 *
 * Cost: D_o visits the pairs within each unit; D_e visits all n (n − 1) / 2 unordered pairs when
 * there are at most `maxExpectedPairs` of them (exact), else that many pairs drawn uniformly
 * with replacement from `rng` (an unbiased estimate of D_e: seeded, so the same answers always
 * give the same α). δ must be symmetric, lie in [0, 1] and be 0 for identical answers.
 * α is NaN when undefined: no pairable unit, or D_e = 0.
 *
 * K. Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011.
 *   https://repository.upenn.edu/asc_papers/43
 * A. Braylan, O. Alonso and M. Lease, "Measuring Annotator Agreement Generally across Complex
 *   Structured, Multi-object, and Free-text Annotation Tasks", WWW 2022, 1720–1730.
 *   https://doi.org/10.1145/3485447.3512242
 */
import { mulberry32, randomInt, type Rng } from '../../aggregation/algorithms/rng';

/** Options of `distanceAlpha`. */
export interface DistanceAlphaOptions {
  /** Most unordered pairs D_e visits exactly; more are sampled. Default 500,000. */
  readonly maxExpectedPairs?: number;
  /** Random source of the sampled pairs. Wins over `seed`. */
  readonly rng?: Rng;
  /** Seed for `mulberry32` when no `rng` is given. Default 1. */
  readonly seed?: number;
}

/** The figures of a distance-based α. */
export interface DistanceAlphaResult {
  /** α; NaN when undefined (see the file header). */
  readonly alpha: number;
  /** D_o. */
  readonly observedDisagreement: number;
  /** D_e (estimated when `expectedExact` is false). */
  readonly expectedDisagreement: number;
  /** Whether D_e visited every pair. */
  readonly expectedExact: boolean;
  /** Units with at least two answers. */
  readonly pairableUnits: number;
  /** n: the answers in those units. */
  readonly pairableValues: number;
}

/** Default bound on the pairs of D_e: about a second of box F1s. */
export const DEFAULT_MAX_EXPECTED_PAIRS = 500_000;

/**
 * α of the answers 0 … unit.length − 1, answer i in unit `unit[i]`, at distance `distance(i, j)`.
 *
 * @example
 *   // Two tasks, answers a, b and a, a, with δ(a, b) = 1: α = 1 − (1/2) / (1/2) = 0.
 *   distanceAlpha(Int32Array.of(0, 0, 1, 1), (i, j) => (answers[i] === answers[j] ? 0 : 1));
 */
export function distanceAlpha(
  unit: Int32Array,
  distance: (i: number, j: number) => number,
  options: DistanceAlphaOptions = {},
): DistanceAlphaResult {
  const maxPairs = options.maxExpectedPairs ?? DEFAULT_MAX_EXPECTED_PAIRS;
  if (!(Number.isInteger(maxPairs) && maxPairs >= 1)) {
    throw new RangeError(`maxExpectedPairs must be a positive integer, got ${maxPairs}`);
  }
  const n = unit.length;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!(unit[i] >= 0)) throw new RangeError(`unit[${i}] is ${unit[i]}, not an index`);
    const list = members.get(unit[i]);
    if (list) list.push(i);
    else members.set(unit[i], [i]);
  }
  const pairable: number[] = [];
  let pairableUnits = 0;
  let within = 0;
  for (const list of members.values()) {
    if (list.length < 2) continue;
    pairableUnits++;
    pairable.push(...list);
    let sum = 0;
    for (let p = 0; p < list.length; p++) {
      for (let q = p + 1; q < list.length; q++) sum += distance(list[p], list[q]);
    }
    // Ordered pairs count each unordered one twice.
    within += (2 * sum) / (list.length - 1);
  }
  const m = pairable.length;
  const observedDisagreement = m > 0 ? within / m : NaN;
  const pairs = (m * (m - 1)) / 2;
  const expectedExact = pairs <= maxPairs;
  let expectedDisagreement = NaN;
  if (m > 1 && expectedExact) {
    let sum = 0;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) sum += distance(pairable[p], pairable[q]);
    }
    expectedDisagreement = sum / pairs;
  } else if (m > 1) {
    const rng = options.rng ?? mulberry32(options.seed ?? 1);
    let sum = 0;
    for (let s = 0; s < maxPairs; s++) {
      const p = randomInt(rng, m);
      // A uniform q ≠ p: draw among the m − 1 others.
      let q = randomInt(rng, m - 1);
      if (q >= p) q++;
      sum += distance(pairable[p], pairable[q]);
    }
    expectedDisagreement = sum / maxPairs;
  }
  return {
    alpha: expectedDisagreement > 0 ? 1 - observedDisagreement / expectedDisagreement : NaN,
    observedDisagreement,
    expectedDisagreement,
    expectedExact,
    pairableUnits,
    pairableValues: m,
  };
}
