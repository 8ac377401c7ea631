/**
 * Agreement between workers on structured answers, for quality rules and audits (docs/kinds.md):
 * an answer's agreement is the mean, over the other workers' answers to the same task, of a
 * pairwise score in [0, 1].
 *
 * Pairwise scores:
 *
 *   spans    entity-level exact-match F1 (same start, end and type; CoNLL-2003) of one answer
 *            against the other; 1 when both are empty
 *   boxes    F1 at IoU ≥ 0.5 within a class (one-to-one greedy matching, box-metrics.ts); 1 when
 *            both are empty
 *   ratings  1 when the two grades are within the schema's tolerance, else 0
 *
 * F1 is symmetric in its two arguments (2·matches / (|a| + |b|)), so it needs no reference
 * answer: Hripcsak and Rothschild (2005) show that pairwise F1 between annotators is the
 * agreement measure to use when negatives cannot be counted (there is no fixed set of candidate
 * spans or boxes, so κ is undefined), and it is the one NER and detection corpora report. The
 * mean over the other workers is the observed pairwise agreement of Fleiss' κ taken per answer.
 *
 * G. Hripcsak and A. S. Rothschild, "Agreement, the F-measure, and reliability in information
 *   retrieval", JAMIA 12(3), 296–298, 2005. https://doi.org/10.1197/jamia.M1733
 * E. F. Tjong Kim Sang and F. De Meulder, "Introduction to the CoNLL-2003 shared task", 2003.
 *
 * Cost: spans O(|a| + |b|), boxes O(|a|·|b|·log) per pair; `meanPairwiseAgreement` O(Σ over
 * tasks of its answers²) pairs.
 */
import type { TokenSpan } from '../../aggregation/algorithms/kinds/bio-tags';
import type { Box } from '../../aggregation/algorithms/kinds/box-geometry';
import { matchedBoxes } from '../../aggregation/algorithms/kinds/box-metrics';
import { matchingSpans, precisionRecall } from '../../aggregation/algorithms/kinds/span-metrics';

/** IoU at which two boxes are the same object, as in box gold scoring. */
export const AGREEMENT_BOX_IOU = 0.5;

/** Exact-match span F1 of `a` against `b` (symmetric); 1 when both are empty. */
export function spanF1(a: readonly TokenSpan[], b: readonly TokenSpan[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  return precisionRecall(matchingSpans(a, b), a.length, b.length).f1;
}

/**
 * Box F1 of `a` against `b` (symmetric): boxes match one-to-one within a class (labels
 * 0 … nClasses − 1) at IoU ≥ `iou`; 1 when both are empty.
 */
export function boxF1(
  a: readonly Box[],
  b: readonly Box[],
  nClasses: number,
  iou = AGREEMENT_BOX_IOU,
): number {
  if (a.length === 0 && b.length === 0) return 1;
  let matched = 0;
  for (let c = 0; c < nClasses; c++) {
    matched += matchedBoxes(
      a.filter(box => box.label === c),
      b.filter(box => box.label === c),
      iou,
    );
  }
  return precisionRecall(matched, a.length, b.length).f1;
}

/** 1 when two grades are within `tolerance` of each other, else 0. */
export function ratingAgreement(a: number, b: number, tolerance: number): number {
  return Math.abs(a - b) <= tolerance ? 1 : 0;
}

/**
 * Each answer's agreement: the mean of `score(i, j)` over the answers j to the same task
 * (`answerTask`) by another worker (`answerWorker`); NaN for an answer no other worker's answer
 * shares a task with. `score` must lie in [0, 1].
 */
export function meanPairwiseAgreement(
  answerTask: Int32Array,
  answerWorker: Int32Array,
  score: (i: number, j: number) => number,
): Float64Array {
  const n = answerTask.length;
  if (answerWorker.length !== n) {
    throw new RangeError(`answerWorker has ${answerWorker.length} entries, answerTask ${n}`);
  }
  // Answers grouped by task, so each task's pairs are visited once.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => answerTask[i] - answerTask[j] || i - j,
  );
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && answerTask[order[end]] === answerTask[order[start]]) end++;
    for (let p = start; p < end; p++) {
      for (let q = p + 1; q < end; q++) {
        const i = order[p];
        const j = order[q];
        if (answerWorker[i] === answerWorker[j]) continue;
        // Asked both ways, so a score need not be symmetric.
        sum[i] += score(i, j);
        sum[j] += score(j, i);
        count[i]++;
        count[j]++;
      }
    }
    start = end;
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = count[i] > 0 ? sum[i] / count[i] : NaN;
  return mean;
}

/**
 * The project's observed agreement from each answer's `meanPairwiseAgreement`: a task's P_t is
 * the mean of its answers' agreements (with one answer per worker, the mean score over its
 * ordered pairs of answers, as Fleiss' P_t is for equality), and P_a the mean of P_t over the
 * tasks where it is defined (an answer with no other worker's is NaN and left out).
 */
export function observedPairwiseAgreement(
  answerTask: Int32Array,
  answerAgreement: Float64Array,
): { readonly value: number; readonly ratedTasks: number; readonly pairableTasks: number } {
  const n = answerTask.length;
  if (answerAgreement.length !== n) {
    throw new RangeError(`answerAgreement has ${answerAgreement.length} entries, answerTask ${n}`);
  }
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  const rated = new Set<number>();
  for (let i = 0; i < n; i++) {
    rated.add(answerTask[i]);
    if (Number.isNaN(answerAgreement[i])) continue;
    sum.set(answerTask[i], (sum.get(answerTask[i]) ?? 0) + answerAgreement[i]);
    count.set(answerTask[i], (count.get(answerTask[i]) ?? 0) + 1);
  }
  let total = 0;
  for (const [task, s] of sum) total += s / count.get(task)!;
  return {
    value: sum.size > 0 ? total / sum.size : NaN,
    ratedTasks: rated.size,
    pairableTasks: sum.size,
  };
}
