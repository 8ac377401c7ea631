/**
 * Baselines for ratings on an ordinal scale 0 … K−1 (label index = grade): the lower median of
 * a task's answers, and their mean rounded half up. Majority vote is ../majority-vote.ts (ties to
 * the lowest grade). Tasks with no answers get -1.
 */
import { ResponseMatrix, validateResponseMatrix } from '../response-matrix';

/**
 * Each task's grade from its histogram of answers (`counts[offset + k]` answers of grade k,
 * `n` > 0 in all); -1 for a task with no answers.
 */
function gradeEachTask(
  m: ResponseMatrix,
  grade: (counts: Int32Array, offset: number, K: number, n: number) => number,
): Int32Array {
  validateResponseMatrix(m);
  const K = m.nLabels;
  const counts = new Int32Array(m.nTasks * K);
  for (let r = 0; r < m.task.length; r++) counts[m.task[r] * K + m.label[r]]++;
  const labels = new Int32Array(m.nTasks).fill(-1);
  for (let t = 0; t < m.nTasks; t++) {
    let n = 0;
    for (let k = 0; k < K; k++) n += counts[t * K + k];
    if (n > 0) labels[t] = grade(counts, t * K, K, n);
  }
  return labels;
}

/** The lower median grade of each task's answers. */
export function medianRating(m: ResponseMatrix): Int32Array {
  return gradeEachTask(m, (counts, offset, K, n) => {
    let seen = 0;
    for (let k = 0; k < K; k++) {
      seen += counts[offset + k];
      if (2 * seen >= n) return k;
    }
    return K - 1;
  });
}

/** The mean of each task's answers, rounded half up. */
export function roundedMeanRating(m: ResponseMatrix): Int32Array {
  return gradeEachTask(m, (counts, offset, K, n) => {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += k * counts[offset + k];
    return Math.floor(sum / n + 0.5);
  });
}

/** Accuracy and mean absolute error of predicted grades over gold tasks with a prediction. */
export function ratingScore(
  predicted: Int32Array,
  gold: Int32Array,
): { accuracy: number; meanAbsoluteError: number; scored: number } {
  let scored = 0;
  let correct = 0;
  let absolute = 0;
  for (let t = 0; t < gold.length; t++) {
    if (gold[t] < 0 || predicted[t] < 0) continue;
    scored++;
    if (predicted[t] === gold[t]) correct++;
    absolute += Math.abs(predicted[t] - gold[t]);
  }
  return {
    accuracy: scored > 0 ? correct / scored : 0,
    meanAbsoluteError: scored > 0 ? absolute / scored : 0,
    scored,
  };
}
