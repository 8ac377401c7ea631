/**
 * Majority vote and weighted majority vote.
 *
 * Each task gets the label with the largest (optionally weighted) vote:
 *
 *   P(z_t = k) = Σ_{r: task_r = t, label_r = k} w(worker_r)  /  Σ_{r: task_r = t} w(worker_r)
 *
 * Weights default to 1 (plain majority vote). With weights from gold accuracy
 * (`goldAccuracyWeights`) this is crowd-kit's GoldMajorityVote. Ties resolve to the lowest label
 * index, so results are deterministic and independent of response order (up to the last bit of
 * the float sums, which never changes an exact tie of integer counts).
 *
 * A task whose voters all have weight 0 falls back to the unweighted count rather than producing
 * 0/0 (crowd-kit returns NaN there): it has answers, so it should have a label.
 *
 * Reference: crowd-kit `MajorityVote` and `GoldMajorityVote` (Ustalov et al., "Learning from
 * Crowds with Crowd-Kit", JOSS 9(96), 2024).
 */
import { argmaxRows } from './math';
import {
  AggregationResult,
  GoldLabels,
  ResponseMatrix,
  emptyResult,
  validateResponseMatrix,
} from './response-matrix';

/** Options of `majorityVote`. */
export interface MajorityVoteOptions {
  /**
   * Non-negative vote weight per worker (length nWorkers). Omitted: every vote counts 1.
   * Build one from gold with `goldAccuracyWeights`.
   */
  readonly workerWeights?: Float64Array;
}

/** Result of `majorityVote`: the shared contract only. */
export type MajorityVoteResult = AggregationResult;

/**
 * (Weighted) majority vote. Probabilities are the vote shares; labels the argmax with ties to the
 * lowest label index; tasks without responses get an all-zero row and label -1.
 *
 * @example majorityVote(m).labels
 * @example majorityVote(m, { workerWeights: goldAccuracyWeights(m, gold) })
 */
export function majorityVote(
  m: ResponseMatrix,
  options: MajorityVoteOptions = {},
): MajorityVoteResult {
  validateResponseMatrix(m);
  const weights = options.workerWeights;
  if (weights) validateWorkerWeights(weights, m.nWorkers);
  if (m.task.length === 0 || m.nLabels === 0) return emptyResult(m);

  const K = m.nLabels;
  const probabilities = voteScores(m, weights);
  if (weights) {
    // Rows whose voters all weigh 0 have answers but no score: use their plain counts instead.
    let zeroRows: Uint8Array | null = null;
    const rowHasAnswers = new Uint8Array(m.nTasks);
    for (let r = 0; r < m.task.length; r++) rowHasAnswers[m.task[r]] = 1;
    for (let t = 0; t < m.nTasks; t++) {
      if (!rowHasAnswers[t]) continue;
      let sum = 0;
      for (let k = 0; k < K; k++) sum += probabilities[t * K + k];
      if (sum === 0) (zeroRows ??= new Uint8Array(m.nTasks))[t] = 1;
    }
    if (zeroRows) {
      for (let r = 0; r < m.task.length; r++) {
        if (zeroRows[m.task[r]]) probabilities[m.task[r] * K + m.label[r]] += 1;
      }
    }
  }
  normalizeRowsInPlace(probabilities, K);
  return { probabilities, labels: argmaxRows(probabilities, K) };
}

/**
 * Per-worker accuracy on gold tasks, to use as `workerWeights` (crowd-kit GoldMajorityVote):
 *
 *   weight_w = #{r: worker_r = w, gold[task_r] ≥ 0, label_r = gold[task_r]} / #{r: worker_r = w, gold[task_r] ≥ 0}
 *
 * Workers with no answer on a gold task get `unknownWorkerWeight`, by default the pooled accuracy
 * of all gold answers, so a newcomer counts as an average worker instead of being silenced
 * (crowd-kit gives them weight 0). With no gold answers at all every weight is 1 (plain vote).
 */
export function goldAccuracyWeights(
  m: ResponseMatrix,
  gold: GoldLabels,
  options: { readonly unknownWorkerWeight?: number } = {},
): Float64Array {
  validateResponseMatrix(m, gold);
  const { correct, total } = agreementCounts(m, gold);
  let pooledCorrect = 0;
  let pooledTotal = 0;
  for (let w = 0; w < m.nWorkers; w++) {
    pooledCorrect += correct[w];
    pooledTotal += total[w];
  }
  const fallback =
    options.unknownWorkerWeight ?? (pooledTotal > 0 ? pooledCorrect / pooledTotal : 1);
  if (!(fallback >= 0 && Number.isFinite(fallback))) {
    throw new RangeError(
      `unknownWorkerWeight must be a finite non-negative number, got ${fallback}`,
    );
  }
  const weights = new Float64Array(m.nWorkers);
  for (let w = 0; w < m.nWorkers; w++) {
    weights[w] = total[w] > 0 ? correct[w] / total[w] : fallback;
  }
  return weights;
}

/**
 * For each worker, how many of their responses fall on tasks with `reference[t] ≥ 0` (`total`)
 * and how many of those equal `reference[t]` (`correct`). With gold as the reference this is
 * gold accuracy; with aggregated labels it is agreement with the aggregate (Wawa, ZBS).
 * Every response counts, repeated (worker, task) answers included. Assumes a validated matrix.
 */
export function agreementCounts(
  m: ResponseMatrix,
  reference: Int32Array,
): { correct: Float64Array; total: Float64Array } {
  const correct = new Float64Array(m.nWorkers);
  const total = new Float64Array(m.nWorkers);
  for (let r = 0; r < m.task.length; r++) {
    const truth = reference[m.task[r]];
    if (truth < 0) continue;
    const w = m.worker[r];
    total[w] += 1;
    if (m.label[r] === truth) correct[w] += 1;
  }
  return { correct, total };
}

/** Unnormalised vote sums, row-major nTasks × nLabels. Assumes a validated matrix. */
function voteScores(m: ResponseMatrix, weights: Float64Array | undefined): Float64Array {
  const K = m.nLabels;
  const scores = new Float64Array(m.nTasks * K);
  if (weights) {
    for (let r = 0; r < m.task.length; r++)
      scores[m.task[r] * K + m.label[r]] += weights[m.worker[r]];
  } else {
    for (let r = 0; r < m.task.length; r++) scores[m.task[r] * K + m.label[r]] += 1;
  }
  return scores;
}

function normalizeRowsInPlace(matrix: Float64Array, width: number): void {
  for (let start = 0; start < matrix.length; start += width) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += matrix[start + j];
    if (sum > 0) for (let j = 0; j < width; j++) matrix[start + j] /= sum;
  }
}

function validateWorkerWeights(weights: Float64Array, nWorkers: number): void {
  if (weights.length !== nWorkers) {
    throw new RangeError(
      `workerWeights has length ${weights.length}, expected nWorkers = ${nWorkers}`,
    );
  }
  for (let w = 0; w < nWorkers; w++) {
    if (!(weights[w] >= 0 && Number.isFinite(weights[w]))) {
      throw new RangeError(
        `weight of worker ${w} must be finite and non-negative, got ${weights[w]}`,
      );
    }
  }
}
