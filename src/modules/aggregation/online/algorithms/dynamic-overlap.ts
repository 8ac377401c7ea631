/**
 * Dynamic overlap on the full posterior: after every answer, a task's posterior over its labels is
 * recomputed from the answers so far and the current worker reliabilities (the Dawid–Skene E-step
 * for one task, `onlinePosterior`), and the task stops collecting answers once it is confident:
 *
 *   n = answers so far, P = posterior, ẑ = argmax_k P[k] (ties → lowest index), c = P[ẑ]
 *   COMPLETE_CONFIDENT  if n ≥ minOverlap and c ≥ confidenceTarget
 *   COMPLETE_MAX        else if n ≥ maxOverlap
 *   CONTINUE            otherwise
 *
 * Fixed overlap k is min = max = k (with or without a target: the task completes at k answers
 * either way; the decision only says whether it was confident). A null target never completes a
 * task early. This file is the one policy both the product (online-aggregation.service.ts) and the
 * replay benchmark (bench/replay.ts) call, so the benchmark measures the product's behaviour.
 *
 * Reliabilities (`shrinkReliabilities`): the product keeps, per worker, the confusion matrix π_w of
 * the last full Dawid–Skene fit (gold clamped) and the worker's answer and gold counts. A worker's
 * estimate from few answers is noisy, so it is shrunk toward a prior B_w built from their gold
 * record, a one-coin matrix with accuracy
 *
 *   a_w = (c_w + β₀·a₀) / (g_w + β₀)          (g_w gold answers, c_w of them right; a₀ base accuracy)
 *   B_w[k][k] = a_w,  B_w[k][l≠k] = (1 − a_w) / (K − 1)
 *
 * and the reliability is the Dirichlet posterior mean with n_w·p[k] effective answers on class k:
 *
 *   π̂_w[k][l] = (n_w p[k] π_w[k][l] + β B_w[k][l]) / (n_w p[k] + β)
 *
 * With β = 0 the fit's own π_w is used unchanged (bit for bit), which is what makes the online
 * posterior equal to a Dawid–Skene E-step with the fit's parameters. Unknown workers get B with
 * a_w = a₀ (their gold record, if given, through `unknownWorkerGold`).
 *
 * Calibration (issue 4): the default β is `DEFAULT_PRIOR_STRENGTH` = 10, not 2. An online refit
 * on few answers per worker gives confusions that are too sharp (EM's maximum likelihood on a
 * handful of answers puts a worker near 0 or 1), so the posterior is over-confident and a task
 * completes on two answers that a calibrated posterior would not trust. β = 10 keeps a worker near
 * the one-coin prior until the fit has seen ~10 of their answers per class, the usual
 * empirical-Bayes remedy (Carpenter, "Multilevel Bayesian models of categorical data annotation",
 * 2008; Passonneau and Carpenter, "The benefits of a model of annotation", TACL 2, 2014). In the
 * replay benchmark (bench/replay.ts, seeds 1–3, 8 datasets) β = 10 at target 0.9 reaches the
 * accuracy of β = 2 at target 0.95 with fewer answers on most datasets; both stay above 55% of
 * fixed overlap 5's answers except on wsd (see the benchmark's header for the figures).
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the EM
 * Algorithm", JRSS C 28(1), 1979 (the posterior). The stopping rule is the Bayesian version of
 * Toloka's "dynamic overlap" (which uses a one-coin model with fixed skills): Ipeirotis, Provost,
 * Sheng and Wang, "Repeated labeling using multiple noisy labelers", DMKD 28, 2014.
 */
import {
  type SoftAnswer,
  WorkerReliabilities,
  onlinePosteriorWithSoft,
  reliabilitiesFromConfusion,
} from '../../algorithms/online-posterior';

/** What to do with a task after its latest answer. */
export type OverlapDecision = 'CONTINUE' | 'COMPLETE_CONFIDENT' | 'COMPLETE_MAX';

/** A project's overlap settings (Project.minOverlap / maxOverlap / confidenceTarget). */
export interface OverlapPolicy {
  /** Answers before a confident task may complete; ≥ 1. */
  readonly minOverlap: number;
  /** Answers at which a task completes whatever its confidence; ≥ minOverlap. */
  readonly maxOverlap: number;
  /** Top posterior that completes a task early, in (0, 1]; null = never early. */
  readonly confidenceTarget: number | null;
}

/** The policy's view of one task after its latest answer. */
export interface OverlapVerdict {
  /** Length K, sums to 1. */
  readonly posterior: Float64Array;
  /** argmax of the posterior, ties to the lowest index. */
  readonly topLabel: number;
  /** posterior[topLabel]. */
  readonly confidence: number;
  readonly decision: OverlapDecision;
}

/** Throws a RangeError naming the setting at fault when `policy` is not usable. */
export function validateOverlapPolicy(policy: OverlapPolicy): void {
  const { minOverlap, maxOverlap, confidenceTarget } = policy;
  if (!(Number.isInteger(minOverlap) && minOverlap >= 1)) {
    throw new RangeError(`minOverlap must be an integer ≥ 1, got ${minOverlap}`);
  }
  if (!(Number.isInteger(maxOverlap) && maxOverlap >= minOverlap)) {
    throw new RangeError(`maxOverlap must be an integer ≥ minOverlap, got ${maxOverlap}`);
  }
  if (confidenceTarget !== null && !(confidenceTarget > 0 && confidenceTarget <= 1)) {
    throw new RangeError(`confidenceTarget must be in (0, 1], got ${confidenceTarget}`);
  }
}

/** The decision for a task with `answerCount` answers whose top posterior is `confidence`. */
export function overlapDecision(
  policy: OverlapPolicy,
  answerCount: number,
  confidence: number,
): OverlapDecision {
  if (
    answerCount >= policy.minOverlap &&
    policy.confidenceTarget !== null &&
    confidence >= policy.confidenceTarget
  ) {
    return 'COMPLETE_CONFIDENT';
  }
  return answerCount >= policy.maxOverlap ? 'COMPLETE_MAX' : 'CONTINUE';
}

/**
 * Posterior, top label, confidence and decision for a task whose answers so far are
 * (`workers[i]`, `labels[i]`): dense worker indexes into `reliabilities` (outside the range =
 * unknown worker) and label indexes in [0, K). With no answers: the class priors and CONTINUE.
 * `soft` answers (a pre-label model's probability vector, `onlinePosteriorWithSoft`) join the
 * posterior but not the answer count; none = the hard posterior bit for bit.
 *
 * @example evaluateTask(reliabilities, { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.95 }, [3, 8], [1, 1])
 */
export function evaluateTask(
  reliabilities: WorkerReliabilities,
  policy: OverlapPolicy,
  workers: ArrayLike<number>,
  labels: ArrayLike<number>,
  out?: Float64Array,
  soft: readonly SoftAnswer[] = [],
): OverlapVerdict {
  const posterior = onlinePosteriorWithSoft(reliabilities, workers, labels, soft, out);
  const K = reliabilities.nLabels;
  let topLabel = 0;
  for (let k = 1; k < K; k++) if (posterior[k] > posterior[topLabel]) topLabel = k;
  const confidence = K > 0 ? posterior[topLabel] : 0;
  return {
    posterior,
    topLabel: K > 0 ? topLabel : -1,
    confidence,
    decision: overlapDecision(policy, workers.length, confidence),
  };
}

/**
 * A task's serving priority (`tasks.serve_priority`, lower = served first among tasks with as
 * many answers, docs/leasing.md): the posterior's margin, its top value minus the second, in
 * [0, 1]. A cheap proxy for what one more answer is worth: a task split between two labels
 * (margin 0) gains most, a nearly decided one least. 0 for an empty posterior.
 */
export function posteriorMargin(posterior: ArrayLike<number>): number {
  let top = 0;
  let second = 0;
  for (let k = 0; k < posterior.length; k++) {
    const p = posterior[k];
    if (p > top) {
      second = top;
      top = p;
    } else if (p > second) second = p;
  }
  return top - second;
}

/** One worker's record from the last full fit (see `shrinkReliabilities`). */
export interface WorkerFitRecord {
  /** K × K, `[k * K + l]` = P(answers l | true k); null = not in the fit (gets the prior). */
  readonly confusion: ArrayLike<number> | null;
  /** Answers the fit saw from the worker (n_w). */
  readonly answers: number;
  /** Gold answers (g_w) and how many were right (c_w). */
  readonly goldAnswers: number;
  readonly goldCorrect: number;
}

/** Options of `shrinkReliabilities`. */
export interface ShrinkageOptions {
  /**
   * β: answers per true class the gold-record prior is worth. Default `DEFAULT_PRIOR_STRENGTH`;
   * 0 = the fit as is.
   */
  readonly priorStrength?: number;
  /** β₀: gold answers the base accuracy is worth in a_w. Default 2. */
  readonly goldPriorStrength?: number;
  /** a₀. Default: `DEFAULT_BASE_ACCURACY` of K. */
  readonly baseAccuracy?: number;
  /** Gold record of workers not in the fit, used for the unknown-worker matrix. Default none. */
  readonly unknownWorkerGold?: { readonly goldAnswers: number; readonly goldCorrect: number };
}

/** Default β of `shrinkReliabilities` (see the file header, "Calibration"). */
export const DEFAULT_PRIOR_STRENGTH = 10;

/**
 * a₀ when nothing is known: halfway between guessing (1/K) and perfect, e.g. 0.75 for two
 * classes. Chosen so two agreeing newcomers on a balanced binary task reach 0.9, three reach
 * 0.96: a newcomer alone never completes a task at the usual targets.
 */
export function defaultBaseAccuracy(K: number): number {
  return K > 0 ? (1 + 1 / K) / 2 : 1;
}

/**
 * Worker reliabilities for the online posterior from the last full fit's per-worker records and
 * class priors (length K; all zeros or empty = uniform), shrunk as in the file header. Worker i
 * of `records` is dense index i of the result; index `records.length` is the unknown worker.
 */
export function shrinkReliabilities(
  records: readonly WorkerFitRecord[],
  classPriors: ArrayLike<number>,
  options: ShrinkageOptions = {},
): WorkerReliabilities {
  const K = classPriors.length;
  const strength = options.priorStrength ?? DEFAULT_PRIOR_STRENGTH;
  const goldStrength = options.goldPriorStrength ?? 2;
  const baseAccuracy = options.baseAccuracy ?? defaultBaseAccuracy(K);
  if (!(
    strength >= 0 &&
    Number.isFinite(strength) &&
    goldStrength > 0 &&
    Number.isFinite(goldStrength)
  )) {
    throw new RangeError('priorStrength must be ≥ 0 and goldPriorStrength > 0, both finite');
  }
  if (!(baseAccuracy >= 0 && baseAccuracy <= 1)) {
    throw new RangeError(`baseAccuracy must be in [0, 1], got ${baseAccuracy}`);
  }
  const priors = new Float64Array(K);
  let priorSum = 0;
  for (let k = 0; k < K; k++) priorSum += classPriors[k] > 0 ? classPriors[k] : 0;
  for (let k = 0; k < K; k++) {
    priors[k] = priorSum > 0 ? Math.max(classPriors[k], 0) / priorSum : 1 / K;
  }
  // With uniform fallback the priors are already normalised; the fit's own priors are used as
  // given (not renormalised) so that β = 0 reproduces the fit exactly.
  const fitPriors = priorSum > 0 ? Float64Array.from(classPriors) : priors;

  const confusion = new Float64Array(records.length * K * K);
  const prior = new Float64Array(K * K);
  for (let w = 0; w < records.length; w++) {
    const record = records[w];
    const offset = w * K * K;
    if (record.confusion && record.confusion.length !== K * K) {
      throw new RangeError(
        `worker ${w}: confusion has ${record.confusion.length} cells, not ${K * K}`,
      );
    }
    if (record.confusion && strength === 0) {
      for (let i = 0; i < K * K; i++) confusion[offset + i] = record.confusion[i];
      continue;
    }
    oneCoinMatrix(goldAccuracy(record, baseAccuracy, goldStrength), K, prior);
    for (let k = 0; k < K; k++) {
      const effective = record.confusion ? Math.max(record.answers, 0) * priors[k] : 0;
      const total = effective + strength;
      for (let l = 0; l < K; l++) {
        const cell = k * K + l;
        confusion[offset + cell] =
          total > 0
            ? (effective * (record.confusion ? record.confusion[cell] : 0) +
                strength * prior[cell]) /
              total
            : prior[cell];
      }
    }
  }
  const unknown = new Float64Array(K * K);
  oneCoinMatrix(
    goldAccuracy(
      options.unknownWorkerGold ?? { goldAnswers: 0, goldCorrect: 0 },
      baseAccuracy,
      goldStrength,
    ),
    K,
    unknown,
  );
  return reliabilitiesFromConfusion(confusion, fitPriors, unknown);
}

/** a_w = (c_w + β₀·a₀) / (g_w + β₀). */
function goldAccuracy(
  record: { readonly goldAnswers: number; readonly goldCorrect: number },
  baseAccuracy: number,
  goldStrength: number,
): number {
  const answers = Math.max(record.goldAnswers, 0);
  const correct = Math.min(Math.max(record.goldCorrect, 0), answers);
  return (correct + goldStrength * baseAccuracy) / (answers + goldStrength);
}

/** Writes the K × K one-coin matrix of accuracy `accuracy` into `out`. */
function oneCoinMatrix(accuracy: number, K: number, out: Float64Array): void {
  const off = K > 1 ? (1 - accuracy) / (K - 1) : 0;
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < K; l++) out[k * K + l] = k === l ? (K > 1 ? accuracy : 1) : off;
  }
}
