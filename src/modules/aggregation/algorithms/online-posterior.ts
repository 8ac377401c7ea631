/**
 * The online path: the posterior of ONE task from its answers, given worker reliabilities fitted
 * earlier by a batch Dawid–Skene run. This is the Dawid–Skene E-step for a single task:
 *
 *   P(z = k | answers) = p[k] Π_{answers (w, l)} π_w[k][l] / Z
 *
 * with π_w the worker's confusion matrix (clipped at EPS = 1e-10, as in the batch M-step) and,
 * for a worker the batch run did not know, the `unknown` matrix. It runs the very kernel the batch
 * E-step runs (`posteriorOfCells`) on the answers sorted the same way (by worker, then label), so
 * the result is bit-for-bit the batch posterior under the same parameters, in microseconds, and
 * allocates nothing beyond the output (which the caller may provide).
 *
 * `reliabilitiesFromDawidSkene` builds the reliabilities from a batch result, shrunk toward a
 * prior built from each worker's gold record (a Dirichlet posterior mean, see its TSDoc), so a
 * worker with few answers is judged mostly by their gold record, and a newcomer by the base prior.
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using the EM
 * Algorithm", Journal of the Royal Statistical Society C 28(1), 20–28, 1979.
 */
import { DawidSkeneResult } from './dawid-skene';
import { posteriorOfCells, sortRange } from './dawid-skene-e-step';
import { EPS } from './math';
import { GoldLabels, ResponseMatrix, validateResponseMatrix } from './response-matrix';

/**
 * What the online posterior needs, in the E-step's emission layout (K = nLabels):
 * `emission[((w * K) + l) * K + k]` = max(π_w[k][l], EPS) for w < nWorkers, and block
 * w = nWorkers holds the matrix used for unknown workers.
 */
export interface WorkerReliabilities {
  readonly nWorkers: number;
  readonly nLabels: number;
  /** (nWorkers + 1) × K × K, see above. */
  readonly emission: Float64Array;
  /** Length K, max(p[k], EPS). */
  readonly classPriors: Float64Array;
}

/** Options of `reliabilitiesFromDawidSkene`. */
export interface ReliabilityShrinkageOptions {
  /**
   * Base prior confusion B, K × K (row = true class, normalised internally); also the matrix used
   * for unknown workers. Default: the pooled confusion of all workers (their summed soft and gold
   * counts), i.e. "an average worker of this project".
   */
  readonly basePrior?: Float64Array;
  /** β: how many answers per true class the base prior is worth. Default 2. */
  readonly priorStrength?: number;
  /** Known labels (-1 = not gold) that make up each worker's gold record. */
  readonly gold?: GoldLabels;
  /** γ: how many soft answers one gold answer is worth. Default 1. */
  readonly goldWeight?: number;
}

/**
 * Reliabilities from plain parameters: `confusion` nWorkers × K × K in the result layout
 * `[((w * K) + k) * K + l]`, class `priors` (length K) and the K × K `unknownWorkerConfusion`.
 * Clips at EPS exactly as the batch M-step does.
 */
export function reliabilitiesFromConfusion(
  confusion: Float64Array,
  priors: Float64Array,
  unknownWorkerConfusion: Float64Array,
): WorkerReliabilities {
  const K = priors.length;
  const nWorkers = K === 0 ? 0 : confusion.length / (K * K);
  if (!Number.isInteger(nWorkers)) {
    throw new RangeError(
      `confusion length ${confusion.length} is not a multiple of K × K = ${K * K}`,
    );
  }
  if (unknownWorkerConfusion.length !== K * K) {
    throw new RangeError(
      `unknownWorkerConfusion has length ${unknownWorkerConfusion.length}, expected ${K * K}`,
    );
  }
  const emission = new Float64Array((nWorkers + 1) * K * K);
  for (let w = 0; w <= nWorkers; w++) {
    const source = w < nWorkers ? confusion : unknownWorkerConfusion;
    const offset = w < nWorkers ? w * K * K : 0;
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) {
        const pi = source[offset + k * K + l];
        emission[(w * K + l) * K + k] = pi > EPS ? pi : EPS;
      }
    }
  }
  const classPriors = new Float64Array(K);
  for (let k = 0; k < K; k++) classPriors[k] = priors[k] > EPS ? priors[k] : EPS;
  return { nWorkers, nLabels: K, emission, classPriors };
}

/**
 * Reliabilities from a batch Dawid–Skene result, shrunk toward a prior built from each worker's
 * gold record. For worker w, with
 *   G_w[k][l] = number of w's answers l on gold tasks whose gold label is k,
 *   S_w[k][l] = Σ T[t][k] over w's answers l on non-gold tasks (T = the batch posterior),
 * the prior from the gold record is Dirichlet(β·B + γ·G_w) and the reliability is the posterior
 * mean after the soft counts:
 *
 *   π̂_w[k][l] = (β·B[k][l] + γ·G_w[k][l] + S_w[k][l]) / Σ_l' (β·B[k][l'] + γ·G_w[k][l'] + S_w[k][l'])
 *
 * Gold tasks are left out of S so gold evidence counts once (with weight γ). Unknown workers get
 * B; class priors are the batch result's. `m` must be the matrix the result was fitted on.
 */
export function reliabilitiesFromDawidSkene(
  m: ResponseMatrix,
  result: Pick<DawidSkeneResult, 'probabilities' | 'priors'>,
  options: ReliabilityShrinkageOptions = {},
): WorkerReliabilities {
  validateResponseMatrix(m, options.gold);
  const K = m.nLabels;
  if (result.probabilities.length !== m.nTasks * K || result.priors.length !== K) {
    throw new RangeError('result does not match the response matrix (nTasks × nLabels)');
  }
  const strength = options.priorStrength ?? 2;
  const goldWeight = options.goldWeight ?? 1;
  if (!(
    strength >= 0 &&
    Number.isFinite(strength) &&
    goldWeight >= 0 &&
    Number.isFinite(goldWeight)
  )) {
    throw new RangeError('priorStrength and goldWeight must be finite and non-negative');
  }
  const gold = options.gold;

  // evidence[((w * K) + k) * K + l] = γ·G_w[k][l] + S_w[k][l]
  const evidence = new Float64Array(m.nWorkers * K * K);
  for (let r = 0; r < m.task.length; r++) {
    const t = m.task[r];
    const base = m.worker[r] * K * K + m.label[r];
    const g = gold ? gold[t] : -1;
    if (g >= 0) {
      evidence[base + g * K] += goldWeight;
    } else {
      for (let k = 0; k < K; k++) evidence[base + k * K] += result.probabilities[t * K + k];
    }
  }

  const base = new Float64Array(K * K);
  if (options.basePrior) {
    if (options.basePrior.length !== K * K) {
      throw new RangeError(`basePrior has length ${options.basePrior.length}, expected ${K * K}`);
    }
    base.set(options.basePrior);
  } else {
    for (let i = 0; i < evidence.length; i++) base[i % (K * K)] += evidence[i];
  }
  normalizeRowsWithUniformFallback(base, K);

  const confusion = new Float64Array(m.nWorkers * K * K);
  for (let w = 0; w < m.nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      const row = (w * K + k) * K;
      let total = 0;
      for (let l = 0; l < K; l++) total += strength * base[k * K + l] + evidence[row + l];
      for (let l = 0; l < K; l++) {
        confusion[row + l] =
          total > 0 ? (strength * base[k * K + l] + evidence[row + l]) / total : base[k * K + l];
      }
    }
  }
  return reliabilitiesFromConfusion(confusion, result.priors, base);
}

/** Grow-only scratch for sorting one task's answers; the function is synchronous, so no calls interleave. */
let cellScratch = new Int32Array(64);

/**
 * Posterior of one task from its answers (`workers[i]` gave `labels[i]`), written into `out`
 * (length ≥ K, allocated when omitted) and returned. Workers outside [0, nWorkers) use the unknown
 * worker's matrix. With no answers it returns the class priors. Labels must be in [0, K).
 *
 * @example onlinePosterior(reliabilities, [3, 17], [1, 1])  // Float64Array of K probabilities
 */
export function onlinePosterior(
  reliabilities: WorkerReliabilities,
  workers: ArrayLike<number>,
  labels: ArrayLike<number>,
  out: Float64Array = new Float64Array(reliabilities.nLabels),
): Float64Array {
  const K = reliabilities.nLabels;
  const n = workers.length;
  if (labels.length !== n) throw new RangeError(`${n} workers but ${labels.length} labels`);
  if (out.length < K) throw new RangeError(`out has length ${out.length}, needs ${K}`);
  if (cellScratch.length < n) cellScratch = new Int32Array(Math.max(n, 2 * cellScratch.length));
  const cells = cellScratch;
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < K)) throw new RangeError(`label ${l} out of range`);
    const w = workers[i];
    const known = Number.isInteger(w) && w >= 0 && w < reliabilities.nWorkers;
    cells[i] = (known ? w : reliabilities.nWorkers) * K + l;
  }
  sortRange(cells, 0, n);
  posteriorOfCells(cells, 0, n, reliabilities, K, out, 0);
  return out;
}

function normalizeRowsWithUniformFallback(matrix: Float64Array, K: number): void {
  for (let k = 0; k < K; k++) {
    let sum = 0;
    for (let l = 0; l < K; l++) sum += matrix[k * K + l];
    for (let l = 0; l < K; l++) matrix[k * K + l] = sum > 0 ? matrix[k * K + l] / sum : 1 / K;
  }
}

/** A soft answer: an annotator's probability vector over the K labels instead of one label. */
export interface SoftAnswer {
  /** Dense worker index into the reliabilities (outside the range = unknown worker). */
  readonly worker: number;
  /** Length K, non-negative; normalised here (all zeros = no evidence). */
  readonly probabilities: ArrayLike<number>;
}

/**
 * `onlinePosterior` with soft answers as well (a pre-label model's probability vector). A soft
 * answer q of worker w enters as Pearl's virtual evidence on the label w would have given: its
 * likelihood term is the mixture
 *
 *   λ_w(k) = Σ_l q_l · π_w[k][l]
 *
 * so a one-hot q is exactly a hard answer, and an unsure q (say 0.55 / 0.45) moves the posterior
 * far less than its argmax would (likelihood ratio 1.2 instead of 9 for a 0.9-accurate worker).
 * The mixture, not the "expected-count" form Π_l π_w[k][l]^{q_l}, because the model's confusion
 * π_w is learned from its argmax answers: λ is the probability of what it would have answered,
 * given how unsure it was. J. Pearl, "Probabilistic Reasoning in Intelligent Systems", Morgan
 * Kaufmann 1988, §2.2.2 (virtual evidence); H. Chan and A. Darwiche, "On the revision of
 * probabilistic beliefs using uncertain evidence", Artificial Intelligence 163(1), 2005.
 *
 * With no soft answers the result is `onlinePosterior`'s, bit for bit (the same call); soft terms
 * multiply the normalised hard posterior and are normalised once more, so a few of them cannot
 * underflow (each λ_w(k) ≥ EPS).
 */
export function onlinePosteriorWithSoft(
  reliabilities: WorkerReliabilities,
  workers: ArrayLike<number>,
  labels: ArrayLike<number>,
  soft: readonly SoftAnswer[],
  out: Float64Array = new Float64Array(reliabilities.nLabels),
): Float64Array {
  onlinePosterior(reliabilities, workers, labels, out);
  if (soft.length === 0) return out;
  const K = reliabilities.nLabels;
  const { emission } = reliabilities;
  for (const answer of soft) {
    const q = answer.probabilities;
    if (q.length !== K) throw new RangeError(`soft answer has ${q.length} labels, not ${K}`);
    let mass = 0;
    for (let l = 0; l < K; l++) {
      if (!(q[l] >= 0 && Number.isFinite(q[l])))
        throw new RangeError('soft answer not a distribution');
      mass += q[l];
    }
    if (mass === 0) continue;
    const w = answer.worker;
    const block =
      Number.isInteger(w) && w >= 0 && w < reliabilities.nWorkers ? w : reliabilities.nWorkers;
    let total = 0;
    for (let k = 0; k < K; k++) {
      let likelihood = 0;
      for (let l = 0; l < K; l++) likelihood += q[l] * emission[(block * K + l) * K + k];
      out[k] *= likelihood / mass;
      total += out[k];
    }
    for (let k = 0; k < K; k++) out[k] /= total;
  }
  return out;
}
