/**
 * Abstention: keep a task's label only when the aggregator is confident enough.
 *
 *   confidence_t = max_k P(z_t = k)
 *   label_t      = argmax_k P(z_t = k)   if confidence_t ≥ threshold, else −1
 *
 * The argmax is the result's own label (ties already went to the lowest label index). Tasks
 * without responses have confidence 0 and label −1 whatever the threshold. Used to leave
 * low-confidence tasks open for more answers, or out of an export.
 */
import { AggregationResult } from './response-matrix';

/** Labels after abstention, and the confidence each decision was based on. */
export interface AbstentionResult {
  /** Length nTasks: the result's label, or −1 where confidence < threshold. */
  readonly labels: Int32Array;
  /** Length nTasks: the top posterior probability (0 for a task without responses). */
  readonly confidence: Float64Array;
}

/**
 * Applies a confidence threshold in [0, 1] to any aggregator's result; the input is not mutated.
 *
 * @example applyAbstention(dawidSkene(m), 0.9).labels
 */
export function applyAbstention(result: AggregationResult, threshold: number): AbstentionResult {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`threshold must be in [0, 1], got ${threshold}`);
  }
  const nTasks = result.labels.length;
  const K = nTasks === 0 ? 0 : result.probabilities.length / nTasks;
  if (!Number.isInteger(K)) {
    throw new RangeError('probabilities length is not a multiple of the number of tasks');
  }
  const labels = new Int32Array(nTasks);
  const confidence = new Float64Array(nTasks);
  for (let t = 0; t < nTasks; t++) {
    let top = 0;
    for (let k = 0; k < K; k++)
      if (result.probabilities[t * K + k] > top) top = result.probabilities[t * K + k];
    confidence[t] = top;
    labels[t] = top > 0 && top >= threshold ? result.labels[t] : -1;
  }
  return { labels, confidence };
}
