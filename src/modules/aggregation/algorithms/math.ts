/**
 * Small numeric helpers shared by the aggregators. All operate on row-major matrices stored in
 * Float64Arrays; none mutate their inputs unless the name says `InPlace`.
 */
import type { ResponseMatrix } from './response-matrix';

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

/**
 * log(1 + eˣ) without overflow: for large x it is x + log1p(e⁻ˣ), for very negative x it is
 * e^x to double precision. log σ(x) = −softplus(−x) and log(1 − σ(x)) = −softplus(x).
 */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The digamma function ψ(x) = d/dx log Γ(x) for x > 0 (NaN otherwise), used by variational
 * Bayes updates: E[log θ] under Dirichlet(a) is ψ(a_k) − ψ(Σ a). The recurrence
 * ψ(x) = ψ(x + 1) − 1/x lifts x to ≥ 10, then the asymptotic series
 * ψ(x) ≈ ln x − 1/(2x) − Σ_{n≤5} B₂ₙ/(2n·x²ⁿ) is accurate to about 1e-13.
 */
export function digamma(x: number): number {
  if (!(x > 0)) return NaN;
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const inv2 = 1 / (x * x);
  const series =
    inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return shift + Math.log(x) - 0.5 / x - series;
}

/**
 * A permutation of the responses sorted by (task, worker, label), computed with three stable
 * counting sorts in O(R + nTasks + nWorkers + nLabels). Aggregators that iterate responses in
 * this order add floating-point numbers in the same order whatever order the answers arrived
 * in, so their results are bit-for-bit invariant to shuffling (DESIGN.md promise 6).
 */
export function canonicalResponseOrder(m: ResponseMatrix): Int32Array {
  const n = m.task.length;
  let order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  // Least significant key first; each pass is stable, so ties keep the previous pass's order.
  for (const [keys, size] of [
    [m.label, m.nLabels],
    [m.worker, m.nWorkers],
    [m.task, m.nTasks],
  ] as const) {
    const starts = new Int32Array(size + 1);
    for (let r = 0; r < n; r++) starts[keys[r] + 1]++;
    for (let k = 0; k < size; k++) starts[k + 1] += starts[k];
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = order[i];
      next[starts[keys[r]]++] = r;
    }
    order = next;
  }
  return order;
}

/**
 * Finishes one task's E-step row in place: adds `base` to every log-score, then either clamps a
 * gold task (`known` ≥ 0) to one-hot or turns the row into probabilities by a max-shifted
 * softmax. Returns the row's contribution to the log-likelihood: the gold label's log-score, or
 * log Σ exp(row). Shared by GLAD and MACE, whose E-steps differ only in how they fill the row.
 */
export function finishLogPosteriorRow(
  posterior: Float64Array,
  row: number,
  width: number,
  base: number,
  known: number,
): number {
  let max = -Infinity;
  for (let k = 0; k < width; k++) {
    posterior[row + k] += base;
    if (posterior[row + k] > max) max = posterior[row + k];
  }
  if (known >= 0) {
    const contribution = posterior[row + known];
    for (let k = 0; k < width; k++) posterior[row + k] = k === known ? 1 : 0;
    return contribution;
  }
  let sum = 0;
  for (let k = 0; k < width; k++) {
    const e = Math.exp(posterior[row + k] - max);
    posterior[row + k] = e;
    sum += e;
  }
  for (let k = 0; k < width; k++) posterior[row + k] /= sum;
  return max + Math.log(sum);
}

/**
 * Responses in canonical (task, worker, label) order, as parallel arrays, with task t's answers at
 * `[taskStart[t], taskStart[t + 1])`: the input layout of the log-space EM aggregators (GLAD,
 * MACE). Visiting them in this order makes the results independent of response order.
 */
export interface ResponsesByTask {
  readonly worker: Int32Array;
  readonly label: Int32Array;
  /** Length nTasks + 1. */
  readonly taskStart: Int32Array;
}

/** Groups a validated matrix's responses by task in canonical order; see `ResponsesByTask`. */
export function responsesByTask(m: ResponseMatrix): ResponsesByTask {
  const R = m.task.length;
  const order = canonicalResponseOrder(m);
  const worker = new Int32Array(R);
  const label = new Int32Array(R);
  const taskStart = new Int32Array(m.nTasks + 1);
  for (let i = 0; i < R; i++) {
    const r = order[i];
    worker[i] = m.worker[r];
    label[i] = m.label[r];
    taskStart[m.task[r] + 1]++;
  }
  for (let t = 0; t < m.nTasks; t++) taskStart[t + 1] += taskStart[t];
  return { worker, label, taskStart };
}
