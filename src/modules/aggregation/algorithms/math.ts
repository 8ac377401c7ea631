/**
 * Small numeric helpers shared by the aggregators. All operate on row-major matrices stored in
 * Float64Arrays; none mutate their inputs unless the name says `InPlace`.
 */

/** Probabilities are clipped at EPS before taking logs (crowd-kit uses the same floor). */
export const EPS = 1e-10;

/**
 * Rows normalised to sum 1. A row whose sum is 0 stays all zeros (a task with no responses).
 */
export function normalizeRows(matrix: Float64Array, width: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let start = 0; start < matrix.length; start += width) {
    let sum = 0;
    for (let j = 0; j < width; j++) sum += matrix[start + j];
    if (sum > 0) for (let j = 0; j < width; j++) out[start + j] = matrix[start + j] / sum;
  }
  return out;
}

/**
 * Index of the largest entry of each row; -1 for an all-zero row. Ties go to the lowest index,
 * which makes every aggregator's tie rule the same and deterministic.
 */
export function argmaxRows(matrix: Float64Array, width: number): Int32Array {
  const rows = width === 0 ? 0 : matrix.length / width;
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const start = i * width;
    let best = -1;
    let bestValue = 0;
    for (let j = 0; j < width; j++) {
      const v = matrix[start + j];
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** log Σ exp(x_i) over `values[start .. start+width)`, shifted by the max for stability. */
export function logSumExp(values: Float64Array, start = 0, width = values.length): number {
  let max = -Infinity;
  for (let j = 0; j < width; j++) if (values[start + j] > max) max = values[start + j];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let j = 0; j < width; j++) sum += Math.exp(values[start + j] - max);
  return max + Math.log(sum);
}

/**
 * Turns each row of log-scores into probabilities in place (softmax with the row max
 * subtracted first, so no row underflows to all zeros). Returns the sum of the rows' logSumExp,
 * which is the log-likelihood when the rows hold log joint probabilities.
 */
export function softmaxRowsInPlace(logScores: Float64Array, width: number): number {
  let total = 0;
  for (let start = 0; start < logScores.length; start += width) {
    const lse = logSumExp(logScores, start, width);
    total += lse;
    for (let j = 0; j < width; j++) logScores[start + j] = Math.exp(logScores[start + j] - lse);
  }
  return total;
}

/** The largest entry of each row (the confidence of the argmax label); 0 for an all-zero row. */
export function maxRows(matrix: Float64Array, width: number): Float64Array {
  const rows = width === 0 ? 0 : matrix.length / width;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let j = 0; j < width; j++) if (matrix[i * width + j] > best) best = matrix[i * width + j];
    out[i] = best;
  }
  return out;
}
