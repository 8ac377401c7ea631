/**
 * Soft answers in Dawid–Skene: a response that is a probability vector q over the K labels (a
 * model's prediction) instead of one label, taken as virtual evidence (Pearl 1988). The answer's
 * label l stays hidden; q is the likelihood of what was observed given l, so the answer's factor
 * in task t's likelihood for true class k is
 *
 *   f_w(k; q) = Σ_l q_l · π_w[k][l]              (q normalised to Σ_l q_l = 1)
 *
 *   E-step      T[t][k] ∝ p[k] · Π_{hard r} π_{w_r}[k][l_r] · Π_{soft s} f_{w_s}(k; q_s)
 *   M-step      EM on the augmented model (hidden true class and hidden soft label): the expected
 *               count of "w said l on t" given true class k is
 *                 T[t][k] · q_l · π_w[k][l] / f_w(k; q)
 *               and it goes into C_w[k][l] exactly where a hard answer l adds T[t][k]; the
 *               Dirichlet smoothing, the EPS clipping and the normalisation are the hard path's
 *               (`dawidSkeneMaximize`), and c[k] counts the task once, as for hard answers.
 *   LL          Σ_t log Σ_k p[k] Π_hard π Π_soft f, the marginal likelihood of the hard answers and
 *               the virtual evidence (up to the constant that scaling q adds); the crowd-kit loss
 *               keeps its formula with the soft counts in C (the log q terms of the expected log
 *               joint and of the entropy cancel), and each soft answer counts as one answer in R.
 *   Start       majority vote where a soft answer casts the vote s·q with weight
 *               s = 1 − min_l q_l / max_l q_l, so a one-hot q is exactly a hard vote and a uniform
 *               q (no evidence) casts none; a task whose votes all weigh 0 starts uniform. The
 *               start's counts treat π as uniform: C_w[k][l] += T⁽⁰⁾[t][k] · q_l.
 *
 * Consequences the tests pin down: a one-hot q gives the hard answer's fit (the same arithmetic
 * up to the order of products: equal to rounding, held to 1e-12, not bit for bit); a uniform q
 * leaves every task's posterior as it was (f is the same for every k, up to the EPS clipping of
 * π), although the per-answer stopping rules may then stop at another iteration, since R grew.
 *
 * Tasks with soft answers go through the kernel here: each answer's K factors computed once per
 * iteration for both steps, and one product per class when the task has at most 16 answers (hard
 * and soft; no factor is below EPS, so that cannot underflow, as in the hard kernels), else the
 * hard kernel with its rescaling followed by each factor with the row renormalised. Every other
 * task goes through the fused kernels of dawid-skene-e-step.ts in contiguous ranges, so a fit
 * without soft answers does no extra work at all (the EM loop does not even call this file).
 *
 * J. Pearl, "Probabilistic Reasoning in Intelligent Systems", Morgan Kaufmann, 1988, section
 * 2.2.2 (virtual evidence). A. P. Dawid and A. M. Skene, JRSS C 28(1), 20–28, 1979.
 */
import {
  type DawidSkeneIndex,
  type DawidSkeneParameters,
  dawidSkeneAccumulate,
  dawidSkeneEStepAccumulate,
  posteriorOfCells,
} from './dawid-skene-e-step';
import type { GoldLabels, ResponseMatrix } from './response-matrix';

/**
 * Soft responses in coordinate form: response s says worker `worker[s]` gave task `task[s]` the
 * probability vector `probabilities[s·K .. s·K + K)` (K = the matrix's nLabels; non-negative,
 * finite, not all zero; normalised here). At most one per (task, worker), and not also a hard
 * answer of the same pair in the matrix (the caller's contract: it would be counted twice).
 */
export interface SoftResponses {
  readonly task: Int32Array;
  readonly worker: Int32Array;
  readonly probabilities: Float64Array;
}

/**
 * Soft responses grouped by task: the tasks that have any, ascending, `tasks[i]`'s responses at
 * `[offsets[i], offsets[i + 1])`, sorted by worker (so results do not depend on input order),
 * with q normalised and the starting vote weight s (see the file header).
 */
export interface SoftIndex {
  readonly count: number;
  readonly tasks: Int32Array;
  readonly offsets: Int32Array;
  readonly worker: Int32Array;
  /** count × K, each row summing to 1. */
  readonly q: Float64Array;
  /** Majority-vote weight of each response: 1 − min q / max q. */
  readonly weight: Float64Array;
}

/**
 * Validates `soft` against the matrix and groups it by task. Throws a RangeError for lengths,
 * indexes out of range, a vector that is not a distribution, or two soft answers of one worker
 * on one task.
 */
export function buildSoftIndex(m: ResponseMatrix, soft: SoftResponses): SoftIndex {
  const K = m.nLabels;
  const n = soft.task.length;
  if (soft.worker.length !== n || soft.probabilities.length !== n * K) {
    throw new RangeError(
      `soft responses differ in length: task ${n}, worker ${soft.worker.length}, ` +
        `probabilities ${soft.probabilities.length} (expected ${n} × ${K})`,
    );
  }
  for (let s = 0; s < n; s++) {
    const t = soft.task[s];
    const w = soft.worker[s];
    if (!(t >= 0 && t < m.nTasks))
      throw new RangeError(`soft response ${s}: task ${t} out of range`);
    if (!(w >= 0 && w < m.nWorkers)) {
      throw new RangeError(`soft response ${s}: worker ${w} out of range`);
    }
  }
  // Counting sort by task, then by worker within a task (insertion sort: a handful per task).
  const perTask = new Int32Array(m.nTasks + 1);
  for (let s = 0; s < n; s++) perTask[soft.task[s] + 1]++;
  for (let t = 0; t < m.nTasks; t++) perTask[t + 1] += perTask[t];
  const next = perTask.slice(0, m.nTasks);
  const order = new Int32Array(n);
  for (let s = 0; s < n; s++) order[next[soft.task[s]]++] = s;
  let nTasksWithSoft = 0;
  for (let t = 0; t < m.nTasks; t++) if (perTask[t + 1] > perTask[t]) nTasksWithSoft++;
  const tasks = new Int32Array(nTasksWithSoft);
  const offsets = new Int32Array(nTasksWithSoft + 1);
  let i = 0;
  for (let t = 0; t < m.nTasks; t++) {
    const start = perTask[t];
    const end = perTask[t + 1];
    if (start === end) continue;
    for (let a = start + 1; a < end; a++) {
      const value = order[a];
      let b = a - 1;
      while (b >= start && soft.worker[order[b]] > soft.worker[value]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = value;
    }
    for (let a = start + 1; a < end; a++) {
      if (soft.worker[order[a]] === soft.worker[order[a - 1]]) {
        throw new RangeError(`two soft responses of worker ${soft.worker[order[a]]} on task ${t}`);
      }
    }
    tasks[i] = t;
    offsets[++i] = end;
  }

  const worker = new Int32Array(n);
  const q = new Float64Array(n * K);
  const weight = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const s = order[a];
    worker[a] = soft.worker[s];
    let mass = 0;
    let min = Infinity;
    let max = 0;
    for (let l = 0; l < K; l++) {
      const value = soft.probabilities[s * K + l];
      if (!(value >= 0 && Number.isFinite(value))) {
        throw new RangeError(`soft response ${s}: probability ${value} is not a probability`);
      }
      mass += value;
    }
    if (!(mass > 0)) throw new RangeError(`soft response ${s}: probabilities are all zero`);
    for (let l = 0; l < K; l++) {
      // A one-hot vector stays exactly one-hot (1 / 1, 0 / 1).
      const value = soft.probabilities[s * K + l] / mass;
      q[a * K + l] = value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    weight[a] = 1 - min / max;
  }
  return { count: n, tasks, offsets, worker, q, weight };
}

/**
 * The majority-vote start with soft votes (file header), over every task: hard-only tasks as
 * `dawidSkeneInitialPosterior` writes them (call it first), the rows of tasks with soft answers
 * rewritten here.
 */
export function softInitialPosterior(
  index: DawidSkeneIndex,
  soft: SoftIndex,
  gold: GoldLabels | undefined,
  posterior: Float64Array,
): void {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  for (let i = 0; i < soft.tasks.length; i++) {
    const t = soft.tasks[i];
    const row = t * K;
    for (let k = 0; k < K; k++) posterior[row + k] = 0;
    const g = gold === undefined ? -1 : gold[t];
    if (g >= 0) {
      posterior[row + g] = 1;
      continue;
    }
    // Hard votes first, as integers, so a one-hot soft vote adds exactly what a hard one would.
    for (let p = taskOffsets[t]; p < taskOffsets[t + 1]; p++) posterior[row + (cells[p] % K)] += 1;
    let total = taskOffsets[t + 1] - taskOffsets[t];
    for (let s = soft.offsets[i]; s < soft.offsets[i + 1]; s++) {
      const weight = soft.weight[s];
      if (weight === 0) continue;
      for (let k = 0; k < K; k++) posterior[row + k] += weight * soft.q[s * K + k];
      total += weight;
    }
    if (total === 0) {
      for (let k = 0; k < K; k++) posterior[row + k] = 1 / K;
      continue;
    }
    const share = 1 / total;
    for (let k = 0; k < K; k++) posterior[row + k] *= share;
  }
}

/**
 * The start's M-step statistics: `dawidSkeneAccumulate` for hard answers, in task order, plus
 * each soft answer's T⁽⁰⁾[t][k] · q_l (π taken as uniform) and its task's row in `classCounts`.
 * ADDED into the caller's arrays.
 */
export function softInitialAccumulate(
  index: DawidSkeneIndex,
  soft: SoftIndex,
  posterior: Float64Array,
  counts: Float64Array,
  classCounts: Float64Array,
): void {
  const K = index.nLabels;
  let done = 0;
  for (let i = 0; i < soft.tasks.length; i++) {
    const t = soft.tasks[i];
    dawidSkeneAccumulate(index, posterior, done, t, counts, classCounts);
    accumulateHardOfTask(index, t, posterior, counts, classCounts);
    const row = t * K;
    for (let s = soft.offsets[i]; s < soft.offsets[i + 1]; s++) {
      const base = soft.worker[s] * K * K;
      for (let l = 0; l < K; l++) {
        const ql = soft.q[s * K + l];
        if (ql === 0) continue;
        const cell = base + l * K;
        for (let k = 0; k < K; k++) counts[cell + k] += posterior[row + k] * ql;
      }
    }
    done = t + 1;
  }
  dawidSkeneAccumulate(index, posterior, done, index.nTasks, counts, classCounts);
}

/**
 * `dawidSkeneEStepAccumulate` with soft answers, over every task: tasks without soft answers go
 * to the fused kernels in contiguous ranges; each task with soft answers gets its hard posterior
 * (`posteriorOfCells`, or the gold one-hot row), then each soft factor f_w(k; q) with the row
 * renormalised after each, then its hard counts, class counts and soft expected counts (file
 * header). Returns the log-likelihood. Allocates nothing.
 */
export function softEStepAccumulate(
  index: DawidSkeneIndex,
  soft: SoftIndex,
  parameters: DawidSkeneParameters,
  gold: GoldLabels | undefined,
  posterior: Float64Array,
  counts: Float64Array,
  classCounts: Float64Array,
): number {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  const { emission, classPriors, logEmission, logClassPriors } = parameters;
  let logLikelihood = 0;
  let done = 0;
  for (let i = 0; i < soft.tasks.length; i++) {
    const t = soft.tasks[i];
    if (t > done) {
      logLikelihood += dawidSkeneEStepAccumulate(
        index,
        parameters,
        gold,
        done,
        t,
        posterior,
        counts,
        classCounts,
      );
    }
    done = t + 1;
    const row = t * K;
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const softStart = soft.offsets[i];
    const softEnd = soft.offsets[i + 1];
    // f_w(k; q) of each soft answer of the task, once: the E-step and the counts both use them.
    const factors = softFactors(emission, soft, softStart, softEnd, K);
    const g = gold === undefined ? -1 : gold[t];
    if (g >= 0) {
      // Gold: a one-hot row, and the log joint of the gold label (as the hard gold E-step).
      let logJoint = logClassPriors[g];
      for (let p = start; p < end; p++) logJoint += logEmission[cells[p] * K + g];
      for (let j = 0; j < softEnd - softStart; j++) logJoint += Math.log(factors[j * K + g]);
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      posterior[row + g] = 1;
      logLikelihood += logJoint;
    } else if (end - start + softEnd - softStart <= SOFT_BLOCK) {
      // Every factor is at least EPS ≈ 2⁻³³, so 16 of them cannot underflow the product
      // (dawid-skene-e-step.ts): one product, one normalisation, one log.
      let sum = 0;
      for (let k = 0; k < K; k++) {
        let product = classPriors[k];
        for (let p = start; p < end; p++) product *= emission[cells[p] * K + k];
        for (let j = 0; j < softEnd - softStart; j++) product *= factors[j * K + k];
        posterior[row + k] = product;
        sum += product;
      }
      const inverse = 1 / sum;
      for (let k = 0; k < K; k++) posterior[row + k] *= inverse;
      logLikelihood += Math.log(sum);
    } else {
      // Long tasks: the hard kernel with its rescaling, then each factor with the row renormalised.
      if (start < end) {
        logLikelihood += posteriorOfCells(cells, start, end, parameters, K, posterior, row);
      } else {
        let sum = 0;
        for (let k = 0; k < K; k++) sum += classPriors[k];
        for (let k = 0; k < K; k++) posterior[row + k] = classPriors[k] / sum;
        logLikelihood += Math.log(sum);
      }
      for (let j = 0; j < softEnd - softStart; j++) {
        let sum = 0;
        for (let k = 0; k < K; k++) {
          const value = posterior[row + k] * factors[j * K + k];
          posterior[row + k] = value;
          sum += value;
        }
        const inverse = 1 / sum;
        for (let k = 0; k < K; k++) posterior[row + k] *= inverse;
        logLikelihood += Math.log(sum);
      }
    }
    accumulateHardOfTask(index, t, posterior, counts, classCounts);
    for (let s = softStart; s < softEnd; s++) {
      const base = soft.worker[s] * K * K;
      const j = s - softStart;
      for (let k = 0; k < K; k++) {
        const weight = posterior[row + k];
        if (weight === 0) continue;
        const factor = factors[j * K + k];
        for (let l = 0; l < K; l++) {
          const ql = soft.q[s * K + l];
          if (ql === 0) continue;
          const cell = base + l * K + k;
          // T · ((q_l · π) / f): for a one-hot q that is T · (π / π) = T exactly, as a hard answer adds.
          counts[cell] += weight * ((ql * emission[cell]) / factor);
        }
      }
    }
  }
  if (done < index.nTasks) {
    logLikelihood += dawidSkeneEStepAccumulate(
      index,
      parameters,
      gold,
      done,
      index.nTasks,
      posterior,
      counts,
      classCounts,
    );
  }
  return logLikelihood;
}

/** Answers per task the one-product E-step takes (hard and soft together), as the hard kernels. */
const SOFT_BLOCK = 16;

/**
 * The soft factors of one task, grown on demand and reused (the kernels are synchronous, and
 * each worker thread has its own module copy).
 */
let factorScratch = new Float64Array(64);

/**
 * f_w(k; q) = Σ_l q_l · max(π_w[k][l], EPS) (emission layout) of soft answers [softStart,
 * softEnd), into `factorScratch[(s − softStart)·K + k]`, which it returns.
 */
function softFactors(
  emission: Float64Array,
  soft: SoftIndex,
  softStart: number,
  softEnd: number,
  K: number,
): Float64Array {
  const needed = (softEnd - softStart) * K;
  if (factorScratch.length < needed) factorScratch = new Float64Array(2 * needed);
  const factors = factorScratch;
  for (let s = softStart; s < softEnd; s++) {
    const workerBase = soft.worker[s] * K * K;
    const qBase = s * K;
    const out = (s - softStart) * K;
    for (let k = 0; k < K; k++) {
      let factor = 0;
      for (let l = 0; l < K; l++) factor += soft.q[qBase + l] * emission[workerBase + l * K + k];
      factors[out + k] = factor;
    }
  }
  return factors;
}

/**
 * Task t's row into `classCounts` (also when it has no hard answers: its soft answers make it
 * answered) and into the counts of its hard answers, as `dawidSkeneAccumulate` adds them.
 */
function accumulateHardOfTask(
  index: DawidSkeneIndex,
  t: number,
  posterior: Float64Array,
  counts: Float64Array,
  classCounts: Float64Array,
): void {
  const K = index.nLabels;
  const row = t * K;
  for (let k = 0; k < K; k++) classCounts[k] += posterior[row + k];
  for (let p = index.taskOffsets[t]; p < index.taskOffsets[t + 1]; p++) {
    const base = index.cells[p] * K;
    for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
  }
}
