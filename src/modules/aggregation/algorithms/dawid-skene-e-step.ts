/**
 * The Dawid–Skene E-step and M-step statistics over a task range: the kernels behind
 * `dawidSkene` (dawid-skene.ts has the model, the EM loop and the paper), its one-coin variant,
 * the parallel runner and the online posterior.
 *
 *   initialisation  T⁽⁰⁾[t][k] = share of task t's answers that are k   (gold: one-hot at the gold label)
 *   E-step          T[t][k] = p[k] Π_{r: task_r = t} π_{worker_r}[k][label_r] / Z_t,  returns Σ_t log Z_t
 *                   (gold tasks: one-hot rows, and the log joint of their gold label)
 *   accumulation    C_w[k][l] += T[t][k] for every answer l of w on t,   c[k] += T[t][k]
 *
 * Numerics: the E-step product is the log-space sum log p[k] + Σ log π exponentiated, computed
 * without K exp() calls per task: it multiplies the clipped probabilities directly and, after
 * every block of 16 answers, rescales the row by 2⁶⁰⁰ when its largest entry is below 2⁻⁴⁰⁰,
 * tracking the scale as a logarithm (the scaling technique of HMM forward passes). Each answer
 * shrinks an entry by at most EPS ≈ 2⁻³³, so the largest entry stays above 2⁻⁹³² (normal range)
 * and anything that underflows (below 2⁻¹⁰²²) is under 2⁻⁹⁰ of the largest, far below double
 * precision; scaling by powers of two is exact. This halves the E-step's cost against one exp()
 * per class and task.
 *
 * Every function here works on caller-provided typed arrays over a task range [taskStart,
 * taskEnd) and allocates nothing, so a parallel runner can give each thread its own range and its
 * own `counts`/`classCounts`. `dawidSkeneEStep` followed by `dawidSkeneAccumulate` is the plain
 * reference; `dawidSkeneEStepAccumulate` does both in one pass (bit-identical, tested) and is what
 * the EM loops run. Its fast paths, each written once: a two-class kernel with both classes in
 * registers, a fully fused kernel for tasks of exactly three answers (the most common size), and
 * one for tasks of up to 16 answers (one block, no rescaling).
 *
 * Emission layout (K = nLabels): `emission[((w * K) + l) * K + k]` = max(π_w[k][l], EPS),
 * transposed from the result's `confusion` so the E-step reads K contiguous numbers per answer.
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using
 * the EM Algorithm", Journal of the Royal Statistical Society C 28(1), 20–28, 1979.
 * https://doi.org/10.2307/2346806 — L. R. Rabiner, "A Tutorial on Hidden Markov Models",
 * Proc. IEEE 77(2), 1989, section V.A, for the scaling.
 */
import { GoldLabels, ResponseMatrix } from './response-matrix';

/**
 * Responses grouped by task (CSR): task t's answers are `cells[taskOffsets[t] .. taskOffsets[t+1])`,
 * each stored as `worker * K + label`, i.e. its row of the emission table. Within a task they are
 * sorted ascending, which makes every sum independent of the input order. Memory: 4 bytes per
 * response plus 4 per task.
 */
export interface DawidSkeneIndex {
  readonly nTasks: number;
  readonly nWorkers: number;
  readonly nLabels: number;
  readonly taskOffsets: Int32Array;
  readonly cells: Int32Array;
}

/**
 * Model parameters in the layouts the step functions use (K = nLabels). Written by
 * `dawidSkeneMaximize`, read by `dawidSkeneEStep`.
 */
export interface DawidSkeneParameters {
  /** nWorkers × K × K, `[((w * K) + l) * K + k]` = max(π_w[k][l], EPS). */
  readonly emission: Float64Array;
  /** log of `emission`, same layout. */
  readonly logEmission: Float64Array;
  /** Length K, max(p[k], EPS). */
  readonly classPriors: Float64Array;
  /** Length K, log of `classPriors`. */
  readonly logClassPriors: Float64Array;
}

/**
 * Groups responses by task into a `DawidSkeneIndex` (counting sort by task, then each task's cells
 * sorted). O(R log(answers per task)) time, R + nTasks + 1 Int32 of memory. Assumes a validated
 * matrix.
 */
export function buildDawidSkeneIndex(m: ResponseMatrix): DawidSkeneIndex {
  const K = m.nLabels;
  const R = m.task.length;
  if (m.nWorkers * K > 0x7fffffff) throw new RangeError('nWorkers × nLabels exceeds 2³¹ − 1');
  const taskOffsets = new Int32Array(m.nTasks + 1);
  for (let r = 0; r < R; r++) taskOffsets[m.task[r] + 1]++;
  for (let t = 0; t < m.nTasks; t++) taskOffsets[t + 1] += taskOffsets[t];
  const next = taskOffsets.slice(0, m.nTasks);
  const cells = new Int32Array(R);
  for (let r = 0; r < R; r++) cells[next[m.task[r]]++] = m.worker[r] * K + m.label[r];
  for (let t = 0; t < m.nTasks; t++) sortRange(cells, taskOffsets[t], taskOffsets[t + 1]);
  return { nTasks: m.nTasks, nWorkers: m.nWorkers, nLabels: K, taskOffsets, cells };
}

/**
 * Sorts `values[start .. end)` ascending in place: insertion sort (no allocation) for runs of up
 * to 64, the usual number of answers per task; the built-in sort on a view beyond that.
 */
export function sortRange(values: Int32Array, start: number, end: number): void {
  if (end - start > 64) {
    values.subarray(start, end).sort();
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const value = values[i];
    let j = i - 1;
    while (j >= start && values[j] > value) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = value;
  }
}

/**
 * Majority-vote start: writes vote shares of tasks [taskStart, taskEnd) into `posterior`
 * (nTasks × K), one-hot rows for gold tasks, zeros for tasks without answers.
 */
export function dawidSkeneInitialPosterior(
  index: DawidSkeneIndex,
  gold: GoldLabels | undefined,
  taskStart: number,
  taskEnd: number,
  posterior: Float64Array,
): void {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  for (let t = taskStart; t < taskEnd; t++) {
    const row = t * K;
    for (let k = 0; k < K; k++) posterior[row + k] = 0;
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    if (start === end) continue;
    const g = gold === undefined ? -1 : gold[t];
    if (g >= 0) {
      posterior[row + g] = 1;
      continue;
    }
    for (let p = start; p < end; p++) posterior[row + (cells[p] % K)] += 1;
    const share = 1 / (end - start);
    for (let k = 0; k < K; k++) posterior[row + k] *= share;
  }
}

/**
 * E-step over tasks [taskStart, taskEnd): writes their posterior rows and returns their
 * contribution to the log-likelihood (natural log). Gold tasks get one-hot rows and contribute
 * the log joint probability of their gold label. Tasks without answers get zero rows. The plain
 * reference the fused `dawidSkeneEStepAccumulate` is tested against. Allocates nothing.
 */
export function dawidSkeneEStep(
  index: DawidSkeneIndex,
  parameters: DawidSkeneParameters,
  gold: GoldLabels | undefined,
  taskStart: number,
  taskEnd: number,
  posterior: Float64Array,
): number {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  let logLikelihood = 0;
  for (let t = taskStart; t < taskEnd; t++) {
    const row = t * K;
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const g = gold === undefined ? -1 : gold[t];
    if (start === end) {
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
    } else if (g >= 0) {
      logLikelihood += goldPosterior(cells, start, end, parameters, K, g, posterior, row);
    } else {
      logLikelihood += posteriorOfCells(cells, start, end, parameters, K, posterior, row);
    }
  }
  return logLikelihood;
}

/**
 * M-step sufficient statistics of tasks [taskStart, taskEnd), ADDED into the caller's arrays:
 * `counts[((w * K) + l) * K + k] += Σ T[t][k]` over w's answers l, and
 * `classCounts[k] += Σ_t T[t][k]`. Zero them first (or give each thread its own and combine with
 * `addPartialSums`). Allocates nothing.
 */
export function dawidSkeneAccumulate(
  index: DawidSkeneIndex,
  posterior: Float64Array,
  taskStart: number,
  taskEnd: number,
  counts: Float64Array,
  classCounts: Float64Array,
): void {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  for (let t = taskStart; t < taskEnd; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    if (start === end) continue;
    accumulateTask(cells, start, end, K, posterior, t * K, counts, classCounts);
  }
}

/**
 * `dawidSkeneEStep` and then `dawidSkeneAccumulate` over tasks [taskStart, taskEnd) in one pass:
 * each task's posterior row is added into `counts` and `classCounts` while its answers are still
 * in cache. Same arithmetic in the same order as the two calls, so the results are bit-identical;
 * it only saves the second sweep over the answers and posteriors. Dispatches each task to the
 * fast path for its size (see the file header). Returns the E-step's log-likelihood. Allocates
 * nothing.
 */
export function dawidSkeneEStepAccumulate(
  index: DawidSkeneIndex,
  parameters: DawidSkeneParameters,
  gold: GoldLabels | undefined,
  taskStart: number,
  taskEnd: number,
  posterior: Float64Array,
  counts: Float64Array,
  classCounts: Float64Array,
): number {
  const K = index.nLabels;
  if (K === 2 && gold === undefined) {
    return binaryEStepAccumulate(
      index,
      parameters,
      taskStart,
      taskEnd,
      posterior,
      counts,
      classCounts,
    );
  }
  const { taskOffsets, cells } = index;
  if (rowScratch.length < K) rowScratch = new Float64Array(K);
  const noGold = gold === undefined;
  let logLikelihood = 0;
  for (let t = taskStart; t < taskEnd; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const row = t * K;
    const g = noGold ? -1 : gold[t];
    if (start === end) {
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
    } else if (g < 0 && end - start === 3) {
      logLikelihood += fusedTaskOfThree(
        cells,
        start,
        parameters,
        K,
        posterior,
        row,
        counts,
        classCounts,
      );
    } else if (g < 0 && end - start <= BLOCK) {
      logLikelihood += fusedShortTask(
        cells,
        start,
        end,
        parameters,
        K,
        posterior,
        row,
        counts,
        classCounts,
      );
    } else {
      logLikelihood +=
        g >= 0
          ? goldPosterior(cells, start, end, parameters, K, g, posterior, row)
          : posteriorOfCells(cells, start, end, parameters, K, posterior, row);
      accumulateTask(cells, start, end, K, posterior, row, counts, classCounts);
    }
  }
  return logLikelihood;
}

/**
 * The E-step kernel for one task: posterior[row + k] = p[k] Π π[k][label] / Z over the answers
 * `cells[start .. end)` (each worker * K + label, multiplied in this order), and returns log Z.
 * Shared with the online path so both give bit-identical posteriors. Answers are taken in blocks
 * of 16, class by class (the running product stays in a register), and the row is rescaled between
 * blocks as the file header explains. Allocates nothing.
 */
export function posteriorOfCells(
  cells: Int32Array,
  start: number,
  end: number,
  parameters: Pick<DawidSkeneParameters, 'emission' | 'classPriors'>,
  K: number,
  posterior: Float64Array,
  row: number,
): number {
  const { emission, classPriors } = parameters;
  let logScale = 0;
  const bases = blockBases;
  if (end - start <= BLOCK) {
    // The common case, one block: the product cannot underflow, so no rescaling checks.
    const n = end - start;
    for (let j = 0; j < n; j++) bases[j] = cells[start + j] * K;
    for (let k = 0; k < K; k++) {
      let product = classPriors[k];
      for (let j = 0; j < n; j++) product *= emission[bases[j] + k];
      posterior[row + k] = product;
    }
  } else {
    for (let k = 0; k < K; k++) posterior[row + k] = classPriors[k];
    for (let blockStart = start; blockStart < end; blockStart += BLOCK) {
      const blockEnd = blockStart + BLOCK < end ? blockStart + BLOCK : end;
      const n = blockEnd - blockStart;
      for (let j = 0; j < n; j++) bases[j] = cells[blockStart + j] * K;
      for (let k = 0; k < K; k++) {
        let product = posterior[row + k];
        for (let j = 0; j < n; j++) product *= emission[bases[j] + k];
        posterior[row + k] = product;
      }
      if (blockEnd === end) break;
      let max = 0;
      for (let k = 0; k < K; k++) if (posterior[row + k] > max) max = posterior[row + k];
      if (max < RESCALE_BELOW) {
        for (let k = 0; k < K; k++) posterior[row + k] *= RESCALE_BY;
        logScale -= LOG_RESCALE_BY;
      }
    }
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += posterior[row + k];
  const inverse = 1 / sum;
  for (let k = 0; k < K; k++) posterior[row + k] *= inverse;
  return Math.log(sum) + logScale;
}

const BLOCK = 16;
const RESCALE_BELOW = 2 ** -400;
const RESCALE_BY = 2 ** 600;
const LOG_RESCALE_BY = 600 * Math.LN2;
/**
 * Emission offsets of the answers of the block in progress. Module-level so the kernel allocates
 * nothing; safe because the kernel is synchronous (each worker thread has its own module copy).
 */
const blockBases = new Int32Array(BLOCK);

/**
 * One task's unnormalised posterior while the fused kernels build it: a small array that stays in
 * L1 and in registers, cheaper than multiplying into the posterior row in place (about 20% on
 * cifar10n). Module-level and grown on demand, so the kernels allocate nothing after their first
 * call with a given K; safe because they are synchronous.
 */
let rowScratch = new Float64Array(16);

/** A gold task's E-step: a one-hot row at `g`; returns the log joint of the gold label. */
function goldPosterior(
  cells: Int32Array,
  start: number,
  end: number,
  parameters: DawidSkeneParameters,
  K: number,
  g: number,
  posterior: Float64Array,
  row: number,
): number {
  const { logEmission, logClassPriors } = parameters;
  let logJoint = logClassPriors[g];
  for (let p = start; p < end; p++) logJoint += logEmission[cells[p] * K + g];
  for (let k = 0; k < K; k++) posterior[row + k] = 0;
  posterior[row + g] = 1;
  return logJoint;
}

/** One task's share of `dawidSkeneAccumulate`: its posterior row into the counts of its answers. */
function accumulateTask(
  cells: Int32Array,
  start: number,
  end: number,
  K: number,
  posterior: Float64Array,
  row: number,
  counts: Float64Array,
  classCounts: Float64Array,
): void {
  for (let k = 0; k < K; k++) classCounts[k] += posterior[row + k];
  for (let p = start; p < end; p++) {
    const base = cells[p] * K;
    for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
  }
}

/**
 * Fused E-step and accumulation of a task with exactly three answers (cifar10n has only these),
 * with every per-class loop fused: p[k] · π₁ · π₂ · π₃ left to right and the sum over k in order,
 * as `posteriorOfCells` computes them. Returns log Z.
 */
function fusedTaskOfThree(
  cells: Int32Array,
  start: number,
  parameters: DawidSkeneParameters,
  K: number,
  posterior: Float64Array,
  row: number,
  counts: Float64Array,
  classCounts: Float64Array,
): number {
  const { emission, classPriors } = parameters;
  const scratch = rowScratch;
  const base0 = cells[start] * K;
  const base1 = cells[start + 1] * K;
  const base2 = cells[start + 2] * K;
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const product =
      classPriors[k] * emission[base0 + k] * emission[base1 + k] * emission[base2 + k];
    scratch[k] = product;
    sum += product;
  }
  const inverse = 1 / sum;
  for (let k = 0; k < K; k++) {
    const value = scratch[k] * inverse;
    posterior[row + k] = value;
    classCounts[k] += value;
    counts[base0 + k] += value;
    counts[base1 + k] += value;
    counts[base2 + k] += value;
  }
  return Math.log(sum);
}

/**
 * Fused E-step and accumulation of a task of up to 16 answers: `posteriorOfCells`' one-block
 * case, answer by answer in a scratch row. Each entry is still p[k] · π₁ · π₂ ⋯ multiplied left
 * to right, so the bits are the same; answers go three at a time (one sweep over k per three).
 * Returns log Z.
 */
function fusedShortTask(
  cells: Int32Array,
  start: number,
  end: number,
  parameters: DawidSkeneParameters,
  K: number,
  posterior: Float64Array,
  row: number,
  counts: Float64Array,
  classCounts: Float64Array,
): number {
  const { emission, classPriors } = parameters;
  const scratch = rowScratch;
  for (let k = 0; k < K; k++) scratch[k] = classPriors[k];
  let p = start;
  for (; p + 3 <= end; p += 3) {
    const base0 = cells[p] * K;
    const base1 = cells[p + 1] * K;
    const base2 = cells[p + 2] * K;
    for (let k = 0; k < K; k++) {
      scratch[k] = scratch[k] * emission[base0 + k] * emission[base1 + k] * emission[base2 + k];
    }
  }
  for (; p < end; p++) {
    const base = cells[p] * K;
    for (let k = 0; k < K; k++) scratch[k] *= emission[base + k];
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += scratch[k];
  const inverse = 1 / sum;
  for (let k = 0; k < K; k++) {
    const value = scratch[k] * inverse;
    scratch[k] = value;
    posterior[row + k] = value;
    classCounts[k] += value;
  }
  p = start;
  for (; p + 3 <= end; p += 3) {
    const base0 = cells[p] * K;
    const base1 = cells[p + 1] * K;
    const base2 = cells[p + 2] * K;
    for (let k = 0; k < K; k++) {
      const value = scratch[k];
      counts[base0 + k] += value;
      counts[base1 + k] += value;
      counts[base2 + k] += value;
    }
  }
  for (; p < end; p++) {
    const base = cells[p] * K;
    for (let k = 0; k < K; k++) counts[base + k] += scratch[k];
  }
  return Math.log(sum);
}

/** `dawidSkeneEStepAccumulate` for K = 2 and no gold, with the two classes held in registers. */
function binaryEStepAccumulate(
  index: DawidSkeneIndex,
  parameters: DawidSkeneParameters,
  taskStart: number,
  taskEnd: number,
  posterior: Float64Array,
  counts: Float64Array,
  classCounts: Float64Array,
): number {
  const { taskOffsets, cells } = index;
  const { emission, classPriors } = parameters;
  const prior0 = classPriors[0];
  const prior1 = classPriors[1];
  let logLikelihood = 0;
  let classCount0 = classCounts[0];
  let classCount1 = classCounts[1];
  for (let t = taskStart; t < taskEnd; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const row = t * 2;
    let posterior0: number;
    let posterior1: number;
    if (start === end) {
      posterior[row] = 0;
      posterior[row + 1] = 0;
      continue;
    } else if (end - start <= BLOCK) {
      let product0 = prior0;
      let product1 = prior1;
      for (let p = start; p < end; p++) {
        const base = cells[p] * 2;
        product0 *= emission[base];
        product1 *= emission[base + 1];
      }
      const sum = product0 + product1;
      const inverse = 1 / sum;
      posterior0 = product0 * inverse;
      posterior1 = product1 * inverse;
      posterior[row] = posterior0;
      posterior[row + 1] = posterior1;
      logLikelihood += Math.log(sum);
    } else {
      logLikelihood += posteriorOfCells(cells, start, end, parameters, 2, posterior, row);
      posterior0 = posterior[row];
      posterior1 = posterior[row + 1];
    }
    classCount0 += posterior0;
    classCount1 += posterior1;
    for (let p = start; p < end; p++) {
      const base = cells[p] * 2;
      counts[base] += posterior0;
      counts[base + 1] += posterior1;
    }
  }
  classCounts[0] = classCount0;
  classCounts[1] = classCount1;
  return logLikelihood;
}
