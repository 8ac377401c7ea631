/**
 * Dawid–Skene. Worker w has a confusion matrix π_w[k][l] = P(w answers l | true label k);
 * classes have priors p[k]. EM, initialised from majority vote (crowd-kit's scheme):
 *
 *   T⁽⁰⁾[t][k] = share of task t's answers that are k          (gold tasks: one-hot at the gold label)
 *   M-step  π_w[k][l] = (C_w[k][l] + α_w[k][l]) / Σ_l' (C_w[k][l'] + α_w[k][l'])
 *           where C_w[k][l] = Σ_{r: worker_r = w, label_r = l} T[task_r][k]
 *           p[k] = mean over tasks with answers of T[t][k]
 *   E-step  T[t][k] = p[k] Π_{r: task_r = t} π_{worker_r}[k][label_r] / Z_t
 *           gold tasks are then clamped to one-hot rows.
 *
 * α_w[k][l] = smoothing + priorStrength · P_w[k][l] are Dirichlet pseudo-counts: `smoothing` keeps
 * every cell positive (a worker who never said l is not certain never to say it), and the optional
 * `priorConfusion` P_w (rows normalised to 1) pulls workers with few answers toward a prior matrix,
 * e.g. one built from their gold record. The M-step is then the MAP estimate under Dirichlet(1 + α).
 * π and p are clipped at EPS = 1e-10 where they enter a product or a log, as in crowd-kit.
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
 * Iteration i is E-step (with θ_{i−1}) then M-step (θ_i), as in crowd-kit. Stopping, `stopOn`:
 * - 'crowd-kit-loss' (default): crowd-kit's loss, per answer,
 *     L_i = [Σ_r Σ_k T_i[task_r][k] (log π_i[k][label_r] + log p_i[k]) + H(T_i)] / R,
 *   which counts the class prior once per answer rather than once per task. Stops when
 *   L_i − L_{i−1} < tolerance. Because the prior is over-counted, L can fall while the likelihood
 *   still rises, so it sometimes stops after 2 iterations; on the public benchmark datasets that
 *   early stop is what gives crowd-kit its accuracy on bluebirds and S_Adult, and this rule
 *   reproduces crowd-kit's labels there. It costs no extra pass over the answers: with C the
 *   M-step counts, L_i·R = LL(θ_{i−1}) + Σ C_i (log π_i − log π_{i−1}) + Σ_k (D_ik log p_ik − c_ik log p_{i−1,k}),
 *   where D_ik = Σ_{w,l} C_i and c_ik = Σ_t T_i[t][k] (the entropy H(T_i) = LL(θ_{i−1}) − E_T log joint).
 * - 'log-likelihood': stops when the marginal log-likelihood gain per answer,
 *   (LL(θ_{i−1}) − LL(θ_{i−2})) / R, falls below tolerance (runs EM closer to its fixed point).
 * `logLikelihood[i−1]` = LL(θ_{i−1}) = Σ_t log Σ_k p[k] Π_r π[k][label_r] (natural log; gold
 * tasks: the term of their gold label only), the likelihood of the parameters E-step i used.
 * `probabilities` are T_i of the last iteration and `confusion`, `priors` are θ_i, as in crowd-kit.
 *
 * Ties (exactly equal posteriors) go to the lowest label index. Results do not depend on the order
 * of responses: they are grouped by task and, within a task, sorted by (worker, label) before any
 * arithmetic, so every sum and product is taken in the same order.
 *
 * Layouts (K = nLabels):
 *   confusion[((w * K) + k) * K + l] = π_w[k][l]            (result, and `priorConfusion`)
 *   emission[((w * K) + l) * K + k]  = max(π_w[k][l], EPS)  (step functions: transposed so the
 *                                                            E-step reads K contiguous numbers per answer)
 *
 * The step functions (`buildDawidSkeneIndex`, `createDawidSkeneParameters`,
 * `dawidSkeneInitialPosterior`, `dawidSkeneEStep`, `dawidSkeneAccumulate`, `addPartialSums`,
 * `dawidSkeneMaximize`) work on caller-provided typed arrays over a task range, allocate nothing,
 * and let a parallel runner split one iteration across threads: each thread runs the E-step and
 * accumulates partial counts for its task range (own `counts`/`classCounts`), the partials are
 * summed with `addPartialSums`, and one `dawidSkeneMaximize` produces the next parameters.
 * `dawidSkene` below is the sequential driver and the reference for how they fit together; it
 * uses `dawidSkeneEStepAccumulate`, the E-step and accumulation fused into one pass over the
 * answers (bit-identical to the two calls, with a two-class fast path).
 *
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using
 * the EM Algorithm", Journal of the Royal Statistical Society C 28(1), 20–28, 1979.
 * https://doi.org/10.2307/2346806 — crowd-kit's `DawidSkene` (Ustalov et al., JOSS 9(96), 2024)
 * for the initialisation and stopping rule.
 */
import { EPS, argmaxRows } from './math';
import {
  AggregationResult,
  GoldLabels,
  ResponseMatrix,
  validateResponseMatrix,
} from './response-matrix';

/**
 * Default Dirichlet pseudo-count added to every confusion cell. Measured on the 11 public
 * datasets of the benchmark folder (bluebirds … cifar10n) with the default stopping rule and the
 * same input crowd-kit read: accuracy is within 0.0005 of crowd-kit 1.4.1's DS on every one of
 * them (at or above it on 9), as with 0, while a worker who
 * never gave label l is no longer 1e10 times less likely to give it (with 0 a single answer from
 * a newcomer can veto a class).
 */
export const DEFAULT_DS_SMOOTHING = 0.01;

/** How `dawidSkene` decides it has converged; see the file header. */
export type DawidSkeneStopRule = 'crowd-kit-loss' | 'log-likelihood';

/** Options of `dawidSkene`. */
export interface DawidSkeneOptions {
  /** Default 100, as in crowd-kit. */
  readonly maxIterations?: number;
  /** Stop when the per-answer objective gains less than this. Default 1e-5, as in crowd-kit. */
  readonly tolerance?: number;
  /** Default 'crowd-kit-loss'. */
  readonly stopOn?: DawidSkeneStopRule;
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
  /** Per iteration i (from 1): LL(θ_{i−1}), natural-log marginal likelihood of all answers. */
  readonly logLikelihood: number[];
  /** Per iteration: crowd-kit's loss per answer (comparable to crowd-kit's `loss_history_`). */
  readonly loss: number[];
  /** EM iterations run (E-step + M-step each). */
  readonly iterations: number;
  /** True when the tolerance was reached before `maxIterations`. */
  readonly converged: boolean;
}

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
 * Dawid–Skene EM; see the file header for the model and stopping rules.
 *
 * @example dawidSkene(m, { gold }).labels
 */
export function dawidSkene(m: ResponseMatrix, options: DawidSkeneOptions = {}): DawidSkeneResult {
  validateResponseMatrix(m, options.gold);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const stopOn = options.stopOn ?? 'crowd-kit-loss';
  if (!(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new RangeError(`maxIterations must be a non-negative integer, got ${maxIterations}`);
  }
  if (Number.isNaN(tolerance))
    throw new RangeError('tolerance must be a number (-Infinity: never stop early)');
  if (stopOn !== 'crowd-kit-loss' && stopOn !== 'log-likelihood') {
    throw new RangeError(`unknown stopOn rule ${String(stopOn)}`);
  }
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
      loss: [],
      iterations: 0,
      converged: true,
    };
  }

  const index = buildDawidSkeneIndex(m);
  const gold = options.gold;
  const posterior = new Float64Array(m.nTasks * K);
  const counts = new Float64Array(m.nWorkers * K * K);
  const classCounts = new Float64Array(K);
  const parameters = createDawidSkeneParameters(m.nWorkers, K);
  const confusion = new Float64Array(m.nWorkers * K * K);
  const priors = new Float64Array(K);
  const plainOut = { confusion, priors };

  dawidSkeneInitialPosterior(index, gold, 0, m.nTasks, posterior);
  dawidSkeneAccumulate(index, posterior, 0, m.nTasks, counts, classCounts);
  dawidSkeneMaximize(counts, classCounts, pseudoCounts, parameters, plainOut);

  const logLikelihood: number[] = [];
  const loss: number[] = [];
  let converged = false;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    counts.fill(0);
    classCounts.fill(0);
    const ll = dawidSkeneEStepAccumulate(
      index,
      parameters,
      gold,
      0,
      m.nTasks,
      posterior,
      counts,
      classCounts,
    );
    const lossChange = dawidSkeneMaximize(counts, classCounts, pseudoCounts, parameters, plainOut);
    logLikelihood.push(ll);
    loss.push((ll + lossChange) / R);
    const i = iteration - 1;
    converged =
      stopOn === 'crowd-kit-loss'
        ? i > 0 && loss[i] - loss[i - 1] < tolerance
        : i > 0 && (logLikelihood[i] - logLikelihood[i - 1]) / R < tolerance;
    if (converged) break;
  }

  return {
    probabilities: posterior,
    labels: argmaxRows(posterior, K),
    priors,
    confusion,
    logLikelihood,
    loss,
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
  for (let t = 0; t < m.nTasks; t++) sortRange(cells, taskOffsets[t], taskOffsets[t + 1]);
  return { nTasks: m.nTasks, nWorkers: m.nWorkers, nLabels: K, taskOffsets, cells };
}

/** Zero-filled parameter arrays for nWorkers and K labels. */
export function createDawidSkeneParameters(nWorkers: number, K: number): DawidSkeneParameters {
  return {
    emission: new Float64Array(nWorkers * K * K),
    logEmission: new Float64Array(nWorkers * K * K),
    classPriors: new Float64Array(K),
    logClassPriors: new Float64Array(K),
  };
}

/**
 * Dirichlet pseudo-counts α in the emission layout `[((w * K) + l) * K + k]`:
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
 * the log joint probability of their gold label. Tasks without answers get zero rows. Allocates
 * nothing.
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
  const { emission, classPriors, logEmission, logClassPriors } = parameters;
  let logLikelihood = 0;
  for (let t = taskStart; t < taskEnd; t++) {
    const row = t * K;
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const g = gold === undefined ? -1 : gold[t];
    if (start === end) {
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
    } else if (g >= 0) {
      let logJoint = logClassPriors[g];
      for (let p = start; p < end; p++) logJoint += logEmission[cells[p] * K + g];
      logLikelihood += logJoint;
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      posterior[row + g] = 1;
    } else {
      logLikelihood += posteriorOfCells(
        cells,
        start,
        end,
        emission,
        classPriors,
        K,
        posterior,
        row,
      );
    }
  }
  return logLikelihood;
}

/**
 * One task's unnormalised posterior while the fused kernel builds it: a small array that stays in
 * L1 and in registers, cheaper than multiplying into the posterior row in place (about 20% on
 * cifar10n). Module-level and grown on demand, so the kernel allocates nothing after its first
 * call with a given K; safe because the kernel is synchronous.
 */
let rowScratch = new Float64Array(16);

/**
 * `dawidSkeneEStep` and then `dawidSkeneAccumulate` over tasks [taskStart, taskEnd) in one pass:
 * each task's posterior row is added into `counts` and `classCounts` while its answers are still
 * in cache. Same arithmetic in the same order as the two calls, so the results are bit-identical;
 * it only saves the second sweep over the answers and posteriors. Tasks of up to 16 answers (the
 * kernel's one-block case) are computed inline, with a specialised path for two classes; longer
 * tasks go through `posteriorOfCells`. Returns the E-step's log-likelihood. Allocates nothing.
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
  const { emission, classPriors, logEmission, logClassPriors } = parameters;
  if (rowScratch.length < K) rowScratch = new Float64Array(K);
  const scratch = rowScratch;
  const noGold = gold === undefined;
  let logLikelihood = 0;
  for (let t = taskStart; t < taskEnd; t++) {
    const start = taskOffsets[t];
    const end = taskOffsets[t + 1];
    const row = t * K;
    if (start === end) {
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      continue;
    }
    const g = noGold ? -1 : gold[t];
    if (g >= 0) {
      let logJoint = logClassPriors[g];
      for (let p = start; p < end; p++) logJoint += logEmission[cells[p] * K + g];
      logLikelihood += logJoint;
      for (let k = 0; k < K; k++) posterior[row + k] = 0;
      posterior[row + g] = 1;
    } else if (end - start === 3) {
      // The most common task size (cifar10n has only these), with every per-class loop fused:
      // p[k] · π₁ · π₂ · π₃ left to right and the sum over k in order, as below.
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
      logLikelihood += Math.log(sum);
      continue;
    } else if (end - start <= BLOCK) {
      // posteriorOfCells' one-block case, answer by answer in a scratch row: each entry is still
      // p[k] · π₁ · π₂ ⋯ multiplied left to right, so the bits are the same.
      // Answers go three at a time (one sweep over k per three), still left to right.
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
      logLikelihood += Math.log(sum);
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
      continue;
    } else {
      logLikelihood += posteriorOfCells(
        cells,
        start,
        end,
        emission,
        classPriors,
        K,
        posterior,
        row,
      );
    }
    for (let k = 0; k < K; k++) classCounts[k] += posterior[row + k];
    for (let p = start; p < end; p++) {
      const base = cells[p] * K;
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
    }
  }
  return logLikelihood;
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
      logLikelihood += posteriorOfCells(
        cells,
        start,
        end,
        emission,
        classPriors,
        2,
        posterior,
        row,
      );
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
  emission: Float64Array,
  classPriors: Float64Array,
  K: number,
  posterior: Float64Array,
  row: number,
): number {
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
    const row = t * K;
    for (let k = 0; k < K; k++) classCounts[k] += posterior[row + k];
    for (let p = start; p < end; p++) {
      const base = cells[p] * K;
      for (let k = 0; k < K; k++) counts[base + k] += posterior[row + k];
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
 * M-step normalisation: from the summed `counts`, `classCounts` and the pseudo-counts, overwrites
 * `parameters` (π and p, clipped at EPS, and their logs). A (worker, true class) row with no mass
 * at all becomes uniform. Optionally also writes the unclipped `confusion` (result layout) and
 * `priors`. Returns the change of crowd-kit's loss numerator that the new parameters bring,
 * Σ C (log π_new − log π_old) + Σ_k (D_k log p_new[k] − c_k log p_old[k]) (see the file header);
 * meaningless on the first call. Allocates nothing.
 */
export function dawidSkeneMaximize(
  counts: Float64Array,
  classCounts: Float64Array,
  pseudoCounts: Float64Array,
  parameters: DawidSkeneParameters,
  plainOut?: { readonly confusion?: Float64Array; readonly priors?: Float64Array },
): number {
  const K = classCounts.length;
  const { emission, logEmission, classPriors, logClassPriors } = parameters;
  const nWorkers = K === 0 ? 0 : counts.length / (K * K);
  const confusion = plainOut?.confusion;
  // Priors first: the loss change needs the old log p before it is overwritten and the new one
  // for every count (Σ_k D_k log p_new[k] is added cell by cell below, without a second pass).
  let change = 0;
  let tasks = 0;
  for (let k = 0; k < K; k++) tasks += classCounts[k];
  for (let k = 0; k < K; k++) {
    const p = tasks > 0 ? classCounts[k] / tasks : 1 / K;
    const clipped = p > EPS ? p : EPS;
    change -= classCounts[k] * logClassPriors[k];
    classPriors[k] = clipped;
    logClassPriors[k] = Math.log(clipped);
    if (plainOut?.priors) plainOut.priors[k] = p;
  }
  // Cells of (w, k) sit K apart in the emission layout; walk them with a stride rather than
  // recomputing (w·K + l)·K + k. Same operations in the same order as the plain loops.
  const perWorker = K * K;
  const uniform = 1 / K;
  for (let w = 0; w < nWorkers; w++) {
    const workerBase = w * perWorker;
    const workerEnd = workerBase + perWorker;
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let cell = workerBase + k; cell < workerEnd; cell += K) {
        total += counts[cell] + pseudoCounts[cell];
      }
      const inverse = total > 0 ? 1 / total : 0;
      const logPrior = logClassPriors[k];
      let plainCell = workerBase + k * K;
      for (let cell = workerBase + k; cell < workerEnd; cell += K) {
        const count = counts[cell];
        const pi = total > 0 ? (count + pseudoCounts[cell]) * inverse : uniform;
        const clipped = pi > EPS ? pi : EPS;
        const logPi = Math.log(clipped);
        if (count !== 0) change += count * (logPi - logEmission[cell] + logPrior);
        emission[cell] = clipped;
        logEmission[cell] = logPi;
        if (confusion) confusion[plainCell] = pi;
        plainCell++;
      }
    }
  }
  return change;
}

/**
 * Step-function parameters from a result's plain `confusion` (result layout) and `priors`,
 * clipped at EPS exactly as the M-step does: an E-step with them reproduces the posterior the
 * result implies.
 */
export function parametersFromConfusion(
  confusion: Float64Array,
  priors: Float64Array,
): DawidSkeneParameters {
  const K = priors.length;
  const nWorkers = K === 0 ? 0 : confusion.length / (K * K);
  const parameters = createDawidSkeneParameters(nWorkers, K);
  for (let w = 0; w < nWorkers; w++) {
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) {
        const pi = confusion[(w * K + k) * K + l];
        const clipped = pi > EPS ? pi : EPS;
        parameters.emission[(w * K + l) * K + k] = clipped;
        parameters.logEmission[(w * K + l) * K + k] = Math.log(clipped);
      }
    }
  }
  for (let k = 0; k < K; k++) {
    const clipped = priors[k] > EPS ? priors[k] : EPS;
    parameters.classPriors[k] = clipped;
    parameters.logClassPriors[k] = Math.log(clipped);
  }
  return parameters;
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
