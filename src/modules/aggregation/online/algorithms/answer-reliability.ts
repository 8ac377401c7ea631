/**
 * The learned worker model of the structured kinds' online confidence (docs/kinds.md, step 4):
 * one reliability per worker, learned by batch aggregation, and the posterior over a task's
 * candidate answers that weighs each answer by it.
 *
 * Model: a one-coin worker model over an open answer space (Lin, Mausam and Weld 2012; the
 * one-coin special case of Dawid and Skene 1979). Worker w gives the true answer with
 * probability r_w, and some other answer otherwise. The hypotheses for a task are its distinct
 * answers c (answers of agreement 1 are one candidate) and "none of them" (∅), uniform a priori.
 * Graded answers (spans, boxes) agree with a candidate by s_wc ∈ [0, 1] (their pairwise
 * agreement: span F1, box F1, within tolerance), taken as a fractional Bernoulli outcome:
 *
 *   log P(answers | c) = Σ_w s_wc · log r_w + (1 − s_wc) · log(1 − r_w)
 *   log P(answers | ∅) = Σ_w log(1 − r_w)
 *
 * The confidence is the posterior of the best candidate (the leader). One answer of reliability
 * r gives r; agreeing reliable answers raise it, a disagreeing reliable answer lowers it more
 * than an unreliable one does.
 *
 * Learning r_w (batch aggregation): the mean agreement of the worker's answers with the run's
 * consensus answers, over tasks with at least two answers (on a task answered alone the worker
 * agrees with themself), shrunk towards RELIABILITY_PRIOR.mean as if with
 * RELIABILITY_PRIOR.weight pseudo-answers (a Beta prior), so a worker with two answers is not
 * taken at face value; the same prior is the reliability of a worker the run has not seen.
 *
 * C. H. Lin, Mausam and D. S. Weld, "Crowdsourcing Control: Moving Beyond Multiple Choice",
 *   UAI 2012. https://arxiv.org/abs/1210.4870
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the
 *   EM Algorithm", Applied Statistics 28(1), 20–28, 1979.
 */

/** The Beta prior of a worker's reliability: its mean and its weight in pseudo-answers. */
export const RELIABILITY_PRIOR = { mean: 0.7, weight: 2 } as const;

/** Reliabilities are kept inside [ε, 1 − ε], so no single answer is ever certain. */
export const RELIABILITY_EPSILON = 0.01;

/**
 * Each worker's learned reliability from the sum of their answers' agreement with consensus
 * (`agreementSum[w]`) over `count[w]` answers, shrunk towards the prior; in [ε, 1 − ε].
 */
export function learnedReliability(agreementSum: Float64Array, count: Int32Array): Float64Array {
  if (agreementSum.length !== count.length) {
    throw new RangeError(`agreementSum has ${agreementSum.length} entries, count ${count.length}`);
  }
  const { mean, weight } = RELIABILITY_PRIOR;
  return Float64Array.from(agreementSum, (sum, w) =>
    clampReliability((sum + weight * mean) / (count[w] + weight)),
  );
}

/** A task's leader among its answers and the posterior that it is the true answer. */
export interface AnswerPosterior {
  /** Index of the answer that represents the best candidate; −1 with no answers. */
  readonly leader: number;
  readonly confidence: number;
}

/**
 * The one-coin posterior over a task's n answers (see the header). `reliability[i]`: the
 * reliability of answer i's worker; `agreement[i * n + j]`: the agreement in [0, 1] of answers i
 * and j (symmetric, 1 on the diagonal). Confidence 0 with no answers.
 */
export function oneCoinAnswerPosterior(
  reliability: Float64Array,
  agreement: Float64Array,
): AnswerPosterior {
  const n = reliability.length;
  if (agreement.length !== n * n) {
    throw new RangeError(`agreement must have ${n * n} entries, got ${agreement.length}`);
  }
  if (n === 0) return { leader: -1, confidence: 0 };
  const logRight = new Float64Array(n);
  const logWrong = new Float64Array(n);
  let logNone = 0;
  for (let i = 0; i < n; i++) {
    const r = clampReliability(reliability[i]);
    logRight[i] = Math.log(r);
    logWrong[i] = Math.log(1 - r);
    logNone += logWrong[i];
  }
  // Candidates: the first answer of each group of identical answers (agreement 1).
  const candidates: number[] = [];
  const logLikelihood: number[] = [];
  for (let c = 0; c < n; c++) {
    if (candidates.some(d => agreement[d * n + c] >= 1)) continue;
    let sum = 0;
    for (let w = 0; w < n; w++) {
      const s = agreement[c * n + w];
      sum += s * logRight[w] + (1 - s) * logWrong[w];
    }
    candidates.push(c);
    logLikelihood.push(sum);
  }
  const top = Math.max(logNone, ...logLikelihood);
  let total = Math.exp(logNone - top);
  let best = 0;
  for (let k = 0; k < candidates.length; k++) {
    total += Math.exp(logLikelihood[k] - top);
    if (logLikelihood[k] > logLikelihood[best]) best = k;
  }
  return { leader: candidates[best], confidence: Math.exp(logLikelihood[best] - top) / total };
}

function clampReliability(r: number): number {
  if (!Number.isFinite(r)) return RELIABILITY_PRIOR.mean;
  return Math.min(1 - RELIABILITY_EPSILON, Math.max(RELIABILITY_EPSILON, r));
}
