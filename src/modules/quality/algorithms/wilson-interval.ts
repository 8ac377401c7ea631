/**
 * Confidence interval for a proportion: the Wilson score interval. With x successes in n trials,
 * p̂ = x / n and z the standard normal quantile of (1 + level) / 2:
 *
 *   centre    = (p̂ + z² / (2n)) / (1 + z² / n)
 *   halfWidth = z / (1 + z² / n) · √( p̂ (1 − p̂) / n + z² / (4n²) )
 *   interval  = [centre − halfWidth, centre + halfWidth]      (always inside [0, 1])
 *
 * Unlike the textbook Wald interval p̂ ± z √(p̂(1 − p̂)/n), it does not collapse to a point at
 * 0/n or n/n and keeps close to its nominal coverage for the small counts quality rules act on
 * (a worker with 8 of 10 gold answers right is not "80% ± 0"). It is what Newcombe (1998)
 * recommends among seven single-proportion methods. With n = 0 nothing is known: the interval
 * is [0, 1] and the point estimate NaN.
 *
 * `normalQuantile` is Wichura's algorithm AS 241 (PPND16), accurate to about 1e-16, the one
 * R's qnorm uses.
 *
 * E. B. Wilson, "Probable Inference, the Law of Succession, and Statistical Inference", Journal
 *   of the American Statistical Association 22(158), 209–212, 1927.
 *   https://doi.org/10.1080/01621459.1927.10502953
 * R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison of seven
 *   methods", Statistics in Medicine 17(8), 857–872, 1998.
 * M. J. Wichura, "Algorithm AS 241: The Percentage Points of the Normal Distribution", Journal of
 *   the Royal Statistical Society C 37(3), 477–484, 1988. https://doi.org/10.2307/2347330
 */

/** A proportion with its Wilson score interval. */
export interface ProportionEstimate {
  /** x / n; NaN when n = 0. */
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  /** Successes x. */
  readonly successes: number;
  /** Trials n. */
  readonly trials: number;
  /** Coverage the interval was computed for, e.g. 0.95. */
  readonly level: number;
}

/** Default coverage of quality-rule intervals. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.95;

/**
 * Wilson score interval for `successes` out of `trials` at coverage `level` (default 0.95).
 * Throws RangeError for negative, fractional or inconsistent counts, or a level outside (0, 1).
 *
 * @example wilsonInterval(8, 10) // { value: 0.8, lower: 0.490…, upper: 0.943…, … }
 */
export function wilsonInterval(
  successes: number,
  trials: number,
  level = DEFAULT_CONFIDENCE_LEVEL,
): ProportionEstimate {
  if (!Number.isInteger(successes)) {
    throw new RangeError(`successes must be an integer, got ${successes}`);
  }
  return boundedMeanInterval(successes, trials, level);
}

/**
 * The Wilson interval of a mean of outcomes in [0, 1] (graded agreement: each answer's mean
 * pairwise F1), `sum` being their total over `trials` outcomes. A [0, 1] variable of mean μ has
 * variance at most μ(1 − μ) (Bhatia and Davis 2000; equality for 0/1 outcomes), so the
 * binomial interval at p̂ = sum / n is conservative for it; with 0/1 outcomes it is
 * `wilsonInterval`. Throws RangeError for a sum outside [0, trials].
 *
 * R. Bhatia and C. Davis, "A better bound on the variance", The American Mathematical Monthly
 *   107(4), 353–357, 2000. https://doi.org/10.2307/2589180
 */
export function boundedMeanInterval(
  sum: number,
  trials: number,
  level = DEFAULT_CONFIDENCE_LEVEL,
): ProportionEstimate {
  if (!Number.isInteger(trials) || trials < 0) {
    throw new RangeError(`trials must be a non-negative integer, got ${trials}`);
  }
  if (!(sum >= 0 && sum <= trials)) {
    throw new RangeError(`sum must be in [0, ${trials}], got ${sum}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`level must be in (0, 1), got ${level}`);
  }
  const successes = sum;
  if (trials === 0) return { value: NaN, lower: 0, upper: 1, successes, trials, level };
  const z = normalQuantile((1 + level) / 2);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    value: p,
    // Rounding can push the ends a hair past [0, 1] at x = 0 or x = n.
    lower: Math.max(0, centre - halfWidth),
    upper: Math.min(1, centre + halfWidth),
    successes,
    trials,
    level,
  };
}

/**
 * Quantile function of the standard normal distribution (AS 241). −∞ at 0, +∞ at 1, NaN outside
 * [0, 1].
 */
export function normalQuantile(p: number): number {
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (!(p > 0 && p < 1)) return NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(CENTRAL_NUMERATOR, r)) / horner(CENTRAL_DENOMINATOR, r);
  }
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const value =
    r <= 5
      ? horner(NEAR_TAIL_NUMERATOR, r - 1.6) / horner(NEAR_TAIL_DENOMINATOR, r - 1.6)
      : horner(FAR_TAIL_NUMERATOR, r - 5) / horner(FAR_TAIL_DENOMINATOR, r - 5);
  return q < 0 ? -value : value;
}

/*
 * AS 241's coefficients, lowest power first. The paper prints 20 significant digits; these are
 * the nearest doubles to them (what a double keeps of the printed values anyway).
 */
const CENTRAL_NUMERATOR = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const CENTRAL_DENOMINATOR = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852546,
];
const NEAR_TAIL_NUMERATOR = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const NEAR_TAIL_DENOMINATOR = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
  0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9,
];
const FAR_TAIL_NUMERATOR = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487,
  0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const FAR_TAIL_DENOMINATOR = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/** Σ coefficients[i] · xⁱ by Horner's rule. */
function horner(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + coefficients[i];
  return sum;
}
