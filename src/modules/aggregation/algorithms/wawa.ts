/**
 * Wawa, "worker agreement with aggregate" (crowd-kit `Wawa`).
 *
 *   1. Plain majority vote:            ŷ_t = argmax_k #{r: task_r = t, label_r = k}
 *   2. Worker weight = agreement:      s_w = #{r: worker_r = w, label_r = ŷ_{task_r}} / #{r: worker_r = w}
 *   3. Weighted majority vote:         P(z_t = k) ∝ Σ_{r: task_r = t, label_r = k} s_{worker_r}
 *
 * One pass, no iteration. Every task's MV label was given by at least one worker, whose agreement
 * is then positive, so step 3 never divides by zero. Ties go to the lowest label index in both
 * votes. Workers without responses get skill 0 (they never vote).
 *
 * Reference: crowd-kit `Wawa` (Ustalov et al., "Learning from Crowds with Crowd-Kit", JOSS 9(96),
 * 2024); the method is the "annotator agreement with aggregate" weighting from Toloka's practice.
 */
import { agreementCounts, majorityVote } from './majority-vote';
import {
  AggregationResult,
  ResponseMatrix,
  emptyResult,
  validateResponseMatrix,
} from './response-matrix';

/** Result of `wawa`: the shared contract plus each worker's agreement with the majority vote. */
export interface WawaResult extends AggregationResult {
  /** Length nWorkers: fraction of the worker's answers equal to the plain majority label. */
  readonly skills: Float64Array;
}

/** Wawa aggregation: majority vote re-weighted by each worker's agreement with it. */
export function wawa(m: ResponseMatrix): WawaResult {
  validateResponseMatrix(m);
  if (m.task.length === 0 || m.nLabels === 0) {
    return { ...emptyResult(m), skills: new Float64Array(m.nWorkers) };
  }
  const plain = majorityVote(m);
  const skills = agreementRates(m, plain.labels);
  const weighted = majorityVote(m, { workerWeights: skills });
  return { probabilities: weighted.probabilities, labels: weighted.labels, skills };
}

/**
 * Fraction of each worker's responses equal to `reference[task]` over tasks with a reference
 * label (≥ 0); 0 for a worker with no such responses. Assumes a validated matrix.
 */
export function agreementRates(m: ResponseMatrix, reference: Int32Array): Float64Array {
  const { correct, total } = agreementCounts(m, reference);
  const rates = new Float64Array(m.nWorkers);
  for (let w = 0; w < m.nWorkers; w++) rates[w] = total[w] > 0 ? correct[w] / total[w] : 0;
  return rates;
}
