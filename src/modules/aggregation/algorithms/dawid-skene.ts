/**
 * Dawid–Skene. Worker w has a confusion matrix π_w[k][l] = P(w answers l | true label k);
 * classes have priors p[k]. EM, initialised from majority vote (crowd-kit's scheme):
 *
 *   T⁽⁰⁾[t][k] = share of task t's answers that are k          (gold tasks: one-hot at the gold label)
 *   M-step  π_w[k][l] = (Σ_{r: worker_r = w, label_r = l} T[task_r][k] + α_w[k][l])
 *                       / Σ_l' (Σ_{r: worker_r = w, label_r = l'} T[task_r][k] + α_w[k][l'])
 *           p[k]      = mean over tasks with answers of T[t][k]
 *   E-step  log T[t][k] = log p[k] + Σ_{r: task_r = t} log π_{worker_r}[k][label_r] − log Z_t
 *           (log space, shifted by the row max before exp, so long products never underflow)
 *           gold tasks are then clamped to one-hot rows.
 *
 * α_w[k][l] = smoothing + priorStrength · P_w[k][l] are Dirichlet pseudo-counts: `smoothing` keeps
 * every cell positive (a worker who never said l is not certain never to say it), and the optional
 * `priorConfusion` P_w (rows normalised to 1) pulls workers with few answers toward a prior matrix,
 * e.g. one built from their gold record. The M-step is then the MAP estimate under Dirichlet(1 + α).
 * Probabilities are clipped at EPS = 1e-10 before taking logs, as in crowd-kit.
 *
 * One iteration is E-step then M-step. `logLikelihood[i]` is the natural-log marginal likelihood
 * of all answers under the parameters used by E-step i:
 *   Σ_t log Σ_k p[k] Π_r π_{worker_r}[k][label_r]   (gold tasks: the term of their gold label only).
 * It stops after `maxIterations`, or when the gain per response
 * (logLikelihood[i] − logLikelihood[i−1]) / R falls below `tolerance` (crowd-kit uses its own
 * evidence lower bound per response with the same tolerance; the two rules stop within a few
 * iterations of each other). `probabilities` come from the last E-step; `confusion` and `priors`
 * from the M-step that follows it.
 *
 * Ties (exactly equal posteriors) go to the lowest label index. Results do not depend on the order
 * of responses: they are grouped by task and, within a task, sorted by (worker, label) before any
 * arithmetic, so every sum is taken in the same order.
 *
 * Layouts (K = nLabels):
 *   confusion[((w * K) + k) * K + l] = π_w[k][l]            (result, and `priorConfusion`)
 *   logEmission[((w * K) + l) * K + k] = log π_w[k][l]      (step functions: transposed so the
 *                                                            E-step reads K contiguous numbers per answer)
 *
 * The step functions (`buildDawidSkeneIndex`, `dawidSkeneInitialPosterior`, `dawidSkeneEStep`,
 * `dawidSkeneAccumulate`, `addPartialSums`, `dawidSkeneMaximize`) work on caller-provided typed
 * arrays over a task range, allocate nothing, and let a parallel runner split one iteration across
 * threads: each thread runs the E-step and accumulates partial counts for its task range, the
 * partials are summed, and one maximize produces the next parameters. `dawidSkene` below is the
 * sequential driver and the reference for how they fit together.
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using
 * the EM Algorithm", Journal of the Royal Statistical Society C 28(1), 20–28, 1979.
 * https://doi.org/10.2307/2346806
 */
import { EPS, argmaxRows } from './math';
import {
  AggregationResult,
  GoldLabels,
  ResponseMatrix,
  validateResponseMatrix,
} from './response-matrix';

/**
 * Default Dirichlet pseudo-count added to every confusion cell. Chosen on the 11 public datasets
 * in the benchmark folder: accuracy is at or above crowd-kit's DS on each of them (see the
 * aggregation benchmark), while 0 lets a worker with a handful of answers claim certainty.
 */
export const DEFAULT_DS_SMOOTHING = 0.01;

/** Options of `dawidSkene`. */
export interface DawidSkeneOptions {
  /** Default 100, as in crowd-kit. */
  readonly maxIterations?: number;
  /** Stop when the log-likelihood gain per response falls below this. Default 1e-5, as in crowd-kit. */
  readonly tolerance?: number;
  /** Known labels (-1 = not gold); gold tasks are clamped to one-hot after every E-step. */
  readonly gold?: GoldLabels;
  /** Pseudo-count added to every confusion cell. Default `DEFAULT_DS_SMOOTHING`. */
  readonly smoothing?: number;
  /**
   * Prior confusion matrix per worker, nWorkers × K × K in the `confusion` layout. Each row (w, k)
   * is normalised to sum 1 and added as `priorStrength` pseudo-answers; an all-zero row adds none.
   */
  readonly priorConfusion?: Float64Array;
  /** Weight of `priorConfusion`, in answers per true class. Default 1. */
  readonly priorStrength?: number;
}

/** Result of `dawidSkene`. */
export interface DawidSkeneResult extends AggregationResult {
  /** Class priors p[k], length K. */
  readonly priors: Float64Array;
  /** nWorkers × K × K, `confusion[((w * K) + k) * K + l]` = P(w answers l | true k). */
  readonly confusion: Float64Array;
  /** Natural-log marginal likelihood of the answers, one entry per iteration. */
  readonly logLikelihood: number[];
  /** EM iterations run (E-step + M-step each). */
  readonly iterations: number;
  /** True when the tolerance was reached before `maxIterations`. */
  readonly converged: boolean;
}

/**
 * Responses grouped by task (CSR): task t's answers are `cells[taskOffsets[t] .. taskOffsets[t+1])`,
 * each stored as `worker * K + label`, i.e. its row of the log-emission table. Within a task they
 * are sorted ascending, which makes every sum independent of the input order. Memory: 4 bytes per
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
 * Dawid–Skene EM; see the file header for the model and stopping rule.
 *
 * @example dawidSkene(m, { gold }).labels
 */
export function dawidSkene(m: ResponseMatrix, options: DawidSkeneOptions = {}): DawidSkeneResult {
  validateResponseMatrix(m, options.gold);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be non-negative, got ${tolerance}`);
  const pseudoCounts = dawidSkenePseudoCounts(m.nWorkers, m.nLabels, options);
  const K = m.nLabels;
  const R = m.task.length;
  if (R === 0 || K === 0) {
    return {
      probabilities: new Float64Array(m.nTasks * K),
      labels: new Int32Array(m.nTasks).fill(-1),
      priors: new Float64Array(K),
      confusion: new Float64Array(m.nWorkers * K * K),
      logLikelihood: [],
      iterations: 0,
      converged: true,
    };
  }

  const index = buildDawidSkeneIndex(m);
  const gold = options.gold;
  const posterior = new Float64Array(m.nTasks * K);
  const emissionCounts = new Float64Array(m.nWorkers * K * K);
  const classCounts = new Float64Array(K);
  const logEmission = new Float64Array(m.nWorkers * K * K);
  const logPriors = new Float64Array(K);
  const confusion = new Float64Array(m.nWorkers * K * K);
  const priors = new Float64Array(K);

  dawidSkeneInitialPosterior(index, gold, 0, m.nTasks, posterior);
  dawidSkeneAccumulate(index, posterior, 0, m.nTasks, emissionCounts, classCounts);
  dawidSkeneMaximize(emissionCounts, classCounts, pseudoCounts, K, logEmission, logPriors, {
    confusion,
    priors,
  });

  const logLikelihood: number[] = [];
  let converged = false;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const ll = dawidSkeneEStep(index, logEmission, logPriors, gold, 0, m.nTasks, posterior);
    logLikelihood.push(ll);
    converged = iteration > 1 && (ll - logLikelihood[iteration - 2]) / R < tolerance;
    emissionCounts.fill(0);
    classCounts.fill(0);
    dawidSkeneAccumulate(index, posterior, 0, m.nTasks, emissionCounts, classCounts);
    dawidSkeneMaximize(emissionCounts, classCounts, pseudoCounts, K, logEmission, logPriors, {
      confusion,
      priors,
    });
    if (converged) break;
  }

  return {
    probabilities: posterior,
    labels: argmaxRows(posterior, K),
    priors,
    confusion,
    logLikelihood,
    iterations: logLikelihood.length,
    converged,
  };
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
  for (let t = 0; t < m.nTasks; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    if (end - start > 16) {
      cells.subarray(start, end).sort();
    } else {
      for (let i = start + 1; i < end; i++) {
        const value = cells[i];
        let j = i - 1;
        while (j >= start && cells[j] > value) {
          cells[j + 1] = cells[j];
          j--;
        }
        cells[j + 1] = value;
      }
    }
  }
  return { nTasks: m.nTasks, nWorkers: m.nWorkers, nLabels: K, taskOffsets, cells };
}

/**
 * Dirichlet pseudo-counts α in the log-emission layout `[((w * K) + l) * K + k]`:
 * α_w[k][l] = smoothing + priorStrength · P_w[k][l] (see `DawidSkeneOptions`). Validates the options.
 */
export function dawidSkenePseudoCounts(
  nWorkers: number,
  K: number,
  options: Pick<DawidSkeneOptions, 'smoothing' | 'priorConfusion' | 'priorStrength'> = {},
): Float64Array {
  const smoothing = options.smoothing ?? DEFAULT_DS_SMOOTHING;
  const strength = options.priorStrength ?? 1;
  if (!(smoothing >= 0 && Number.isFinite(smoothing))) {
    throw new RangeError(`smoothing must be finite and non-negative, got ${smoothing}`);
  }
  if (!(strength >= 0 && Number.isFinite(strength))) {
    throw new RangeError(`priorStrength must be finite and non-negative, got ${strength}`);
  }
  const alpha = new Float64Array(nWorkers * K * K).fill(smoothing);
  const prior = options.priorConfusion;
  if (!prior) return alpha;
  if (prior.length !== nWorkers * K * K) {
    throw new RangeError(
      `priorConfusion has length ${prior.length}, expected nWorkers × K × K = ${nWorkers * K * K}`,
    );
  }
  for (let w = 0; w < nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      const row = (w * K + k) * K;
      let sum = 0;
      for (let l = 0; l < K; l++) {
        const v = prior[row + l];
        if (!(v >= 0 && Number.isFinite(v))) {
          throw new RangeError(
            `priorConfusion[${row + l}] must be finite and non-negative, got ${v}`,
          );
        }
        sum += v;
      }
      if (sum === 0) continue;
      for (let l = 0; l < K; l++) alpha[(w * K + l) * K + k] += (strength * prior[row + l]) / sum;
    }
  }
  return alpha;
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
 * the log joint probability of their gold label. Allocates nothing.
 *
 * @param logEmission nWorkers × K × K, `[((w * K) + l) * K + k]` = log π_w[k][l]
 * @param logPriors length K, log p[k]
 */
export function dawidSkeneEStep(
  index: DawidSkeneIndex,
  logEmission: Float64Array,
  logPriors: Float64Array,
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
    if (start === end) {
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      continue;
    }
    for (let k = 0; k < K; k++) posterior[row + k] = logPriors[k];
    for (let p = start; p < end; p++) {
      const base = cells[p] * K;
      for (let k = 0; k < K; k++) posterior[row + k] += logEmission[base + k];
    }
    const g = gold === undefined ? -1 : gold[t];
    if (g >= 0) {
      logLikelihood += posterior[row + g];
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      posterior[row + g] = 1;
      continue;
    }
    let max = posterior[row];
    for (let k = 1; k < K; k++) if (posterior[row + k] > max) max = posterior[row + k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(posterior[row + k] - max);
      posterior[row + k] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let k = 0; k < K; k++) posterior[row + k] *= inverse;
    logLikelihood += max + Math.log(sum);
  }
  return logLikelihood;
}

/**
 * M-step sufficient statistics of tasks [taskStart, taskEnd), ADDED into the caller's arrays:
 * `emissionCounts[((w * K) + l) * K + k] += Σ T[t][k]` over w's answers l, and
 * `classCounts[k] += Σ_t T[t][k]`. Zero them first (or give each thread its own and combine with
 * `addPartialSums`). Allocates nothing.
 */
export function dawidSkeneAccumulate(
  index: DawidSkeneIndex,
  posterior: Float64Array,
  taskStart: number,
  taskEnd: number,
  emissionCounts: Float64Array,
  classCounts: Float64Array,
): void {
  const K = index.nLabels;
  const { taskOffsets, cells } = index;
  for (let t = taskStart; t < taskEnd; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    if (start === end) continue;
    const row = t * K;
    for (let k = 0; k < K; k++) classCounts[k] += posterior[row + k];
    for (let p = start; p < end; p++) {
      const base = cells[p] * K;
      for (let k = 0; k < K; k++) emissionCounts[base + k] += posterior[row + k];
    }
  }
}

/** target[i] += source[i]: combines per-thread partial counts. */
export function addPartialSums(target: Float64Array, source: Float64Array): void {
  if (target.length !== source.length) {
    throw new RangeError(`cannot add arrays of length ${source.length} into ${target.length}`);
  }
  for (let i = 0; i < target.length; i++) target[i] += source[i];
}

/**
 * M-step normalisation: from summed counts and pseudo-counts, writes log π (log-emission layout)
 * and log p, each clipped at EPS before the log. A (worker, true class) row with no mass at all
 * becomes uniform. Optionally also writes the plain `confusion` (result layout) and `priors`.
 * Allocates nothing.
 */
export function dawidSkeneMaximize(
  emissionCounts: Float64Array,
  classCounts: Float64Array,
  pseudoCounts: Float64Array,
  K: number,
  logEmissionOut: Float64Array,
  logPriorsOut: Float64Array,
  plainOut?: { readonly confusion?: Float64Array; readonly priors?: Float64Array },
): void {
  const nWorkers = K === 0 ? 0 : emissionCounts.length / (K * K);
  const confusion = plainOut?.confusion;
  for (let w = 0; w < nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let l = 0; l < K; l++) {
        const cell = (w * K + l) * K + k;
        total += emissionCounts[cell] + pseudoCounts[cell];
      }
      const inverse = total > 0 ? 1 / total : 0;
      for (let l = 0; l < K; l++) {
        const cell = (w * K + l) * K + k;
        const pi = total > 0 ? (emissionCounts[cell] + pseudoCounts[cell]) * inverse : 1 / K;
        logEmissionOut[cell] = Math.log(pi > EPS ? pi : EPS);
        if (confusion) confusion[(w * K + k) * K + l] = pi;
      }
    }
  }
  let tasks = 0;
  for (let k = 0; k < K; k++) tasks += classCounts[k];
  for (let k = 0; k < K; k++) {
    const p = tasks > 0 ? classCounts[k] / tasks : 1 / K;
    logPriorsOut[k] = Math.log(p > EPS ? p : EPS);
    if (plainOut?.priors) plainOut.priors[k] = p;
  }
}

/**
 * log π in the log-emission layout from a plain confusion array (result layout), clipped at EPS
 * exactly as the M-step does: feeding a result's `confusion` here reproduces the E-step it implies.
 */
export function logEmissionFromConfusion(confusion: Float64Array, K: number): Float64Array {
  const out = new Float64Array(confusion.length);
  const nWorkers = K === 0 ? 0 : confusion.length / (K * K);
  for (let w = 0; w < nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) {
        const pi = confusion[(w * K + k) * K + l];
        out[(w * K + l) * K + k] = Math.log(pi > EPS ? pi : EPS);
      }
    }
  }
  return out;
}
