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
 * Soft answers (`soft`: a probability vector instead of a label, e.g. a pre-label model's
 * prediction) enter as virtual evidence, Σ_l q_l · π_w[k][l] per answer, with the expected counts
 * T[t][k] · q_l · π_w[k][l] / Σ_l' q_l' · π_w[k][l'] in the M-step: dawid-skene-soft.ts has the
 * math. Without them (`soft` absent or empty) the fit is the hard one, bit for bit.
 *
 * The E-step kernels, its numerics (scaled products instead of exp per class) and their fast
 * paths are in dawid-skene-e-step.ts. This file has the EM loop in crowd-kit's named steps:
 * `dawidSkeneRunSettings` (options), `runDawidSkeneEm` (initialisation, then E-step + M-step until
 * `DawidSkeneProgress` says stop), `dawidSkeneMaximize` (the M-step) and `dawidSkenePseudoCounts`
 * (the Dirichlet prior). The one-coin variant and the parallel runner use the same steps.
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
 * A. P. Dawid and A. M. Skene, "Maximum Likelihood Estimation of Observer Error-Rates Using
 * the EM Algorithm", Journal of the Royal Statistical Society C 28(1), 20–28, 1979.
 * https://doi.org/10.2307/2346806 — crowd-kit's `DawidSkene` (Ustalov et al., JOSS 9(96), 2024)
 * for the initialisation and stopping rule.
 */
import {
  type DawidSkeneParameters,
  buildDawidSkeneIndex,
  dawidSkeneAccumulate,
  dawidSkeneEStepAccumulate,
  dawidSkeneInitialPosterior,
} from './dawid-skene-e-step';
import {
  type SoftIndex,
  type SoftResponses,
  buildSoftIndex,
  softEStepAccumulate,
  softInitialAccumulate,
  softInitialPosterior,
} from './dawid-skene-soft';
import { EPS, argmaxRows } from './math';
import {
  AggregationResult,
  GoldLabels,
  ResponseMatrix,
  validateResponseMatrix,
} from './response-matrix';

export type { DawidSkeneIndex, DawidSkeneParameters } from './dawid-skene-e-step';
export type { SoftResponses } from './dawid-skene-soft';
export {
  buildDawidSkeneIndex,
  dawidSkeneAccumulate,
  dawidSkeneEStep,
  dawidSkeneEStepAccumulate,
  dawidSkeneInitialPosterior,
  posteriorOfCells,
  sortRange,
} from './dawid-skene-e-step';

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
  /**
   * Soft answers (probability vectors over the K labels) besides the matrix's hard ones, as
   * virtual evidence (dawid-skene-soft.ts). Their workers are the matrix's worker indexes and get
   * confusion matrices like everyone else; each counts as one answer in the stopping rules. Absent
   * or empty: exactly the hard fit.
   */
  readonly soft?: SoftResponses;
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
 * What every Dawid–Skene EM run reports besides its model parameters: the posterior, its labels
 * and the trace of the stopping rule.
 */
export type DawidSkeneFit = Omit<DawidSkeneResult, 'priors' | 'confusion'>;

/** The validated stopping options of a Dawid–Skene EM run. */
export interface DawidSkeneRunSettings {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly stopOn: DawidSkeneStopRule;
}

/**
 * M-step callback of `runDawidSkeneEm`: from the summed counts, overwrites `parameters` and
 * returns the change of crowd-kit's loss numerator, as `dawidSkeneMaximize` does.
 */
export type DawidSkeneMStep = (
  counts: Float64Array,
  classCounts: Float64Array,
  parameters: DawidSkeneParameters,
) => number;

/**
 * Dawid–Skene EM; see the file header for the model and stopping rules.
 *
 * @example dawidSkene(m, { gold }).labels
 */
export function dawidSkene(m: ResponseMatrix, options: DawidSkeneOptions = {}): DawidSkeneResult {
  validateResponseMatrix(m, options.gold);
  const settings = dawidSkeneRunSettings(options);
  const pseudoCounts = dawidSkenePseudoCounts(m.nWorkers, m.nLabels, options);
  const K = m.nLabels;
  const confusion = new Float64Array(m.nWorkers * K * K);
  const priors = new Float64Array(K);
  const soft =
    options.soft && options.soft.task.length > 0 ? buildSoftIndex(m, options.soft) : undefined;
  if (m.task.length + (soft?.count ?? 0) === 0 || K === 0) {
    return { ...emptyDawidSkeneFit(m), priors, confusion };
  }
  const fit = runDawidSkeneEm(
    m,
    options.gold,
    settings,
    (counts, classCounts, parameters) =>
      dawidSkeneMaximize(counts, classCounts, pseudoCounts, parameters, { confusion, priors }),
    soft,
  );
  return { ...fit, priors, confusion };
}

/** Defaults (crowd-kit's: 100 iterations, tolerance 1e-5, its loss) and validation of `options`. */
export function dawidSkeneRunSettings(
  options: Pick<DawidSkeneOptions, 'maxIterations' | 'tolerance' | 'stopOn'>,
): DawidSkeneRunSettings {
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
  return { maxIterations, tolerance, stopOn };
}

/**
 * The EM loop on this thread, with the M-step given by the caller (full or one-coin):
 *
 *   initialisation  majority-vote posterior T⁽⁰⁾ → its counts → M-step (θ₀)
 *   iteration i     E-step with θ_{i−1} fused with the counts → M-step (θ_i) → stopping rule
 *
 * Assumes a validated matrix with at least one answer (hard or soft) and one label. `soft`
 * (from `buildSoftIndex`) switches to the soft kernels; without it the loop is the hard one.
 */
export function runDawidSkeneEm(
  m: ResponseMatrix,
  gold: GoldLabels | undefined,
  settings: DawidSkeneRunSettings,
  maximize: DawidSkeneMStep,
  soft?: SoftIndex,
): DawidSkeneFit {
  const K = m.nLabels;
  const index = buildDawidSkeneIndex(m);
  const posterior = new Float64Array(m.nTasks * K);
  const counts = new Float64Array(m.nWorkers * K * K);
  const classCounts = new Float64Array(K);
  const parameters = createDawidSkeneParameters(m.nWorkers, K);

  // Step 1, the start: each task's answers (and soft answers) as its posterior, counted.
  dawidSkeneInitialPosterior(index, gold, 0, m.nTasks, posterior);
  if (soft) {
    softInitialPosterior(index, soft, gold, posterior);
    softInitialAccumulate(index, soft, posterior, counts, classCounts);
  } else {
    dawidSkeneAccumulate(index, posterior, 0, m.nTasks, counts, classCounts);
  }
  maximize(counts, classCounts, parameters);

  // Step 2, EM until the stopping rule: E-step (the soft kernels when there are soft answers,
  // dawid-skene-soft.ts), counts, M-step.
  const progress = new DawidSkeneProgress(settings, m.task.length + (soft?.count ?? 0));
  while (progress.iterations < settings.maxIterations) {
    counts.fill(0);
    classCounts.fill(0);
    const logLikelihood = soft
      ? softEStepAccumulate(index, soft, parameters, gold, posterior, counts, classCounts)
      : dawidSkeneEStepAccumulate(
          index,
          parameters,
          gold,
          0,
          m.nTasks,
          posterior,
          counts,
          classCounts,
        );
    if (progress.record(logLikelihood, maximize(counts, classCounts, parameters))) break;
  }
  return { probabilities: posterior, labels: argmaxRows(posterior, K), ...progress.trace() };
}

/**
 * The stopping rule of every Dawid–Skene EM loop (see the file header): records each
 * iteration's log-likelihood and crowd-kit loss and says when to stop.
 */
export class DawidSkeneProgress {
  private readonly logLikelihood: number[] = [];
  private readonly loss: number[] = [];
  private converged = false;

  constructor(
    private readonly settings: DawidSkeneRunSettings,
    /** R, the number of answers: both rules are per answer. */
    private readonly nAnswers: number,
  ) {}

  /** Iterations recorded so far. */
  get iterations(): number {
    return this.logLikelihood.length;
  }

  /**
   * Records iteration i: LL(θ_{i−1}) from its E-step and the loss change its M-step returned.
   * Returns true when EM has converged and should stop.
   */
  record(logLikelihood: number, lossChange: number): boolean {
    const R = this.nAnswers;
    const { loss, settings } = this;
    this.logLikelihood.push(logLikelihood);
    loss.push((logLikelihood + lossChange) / R);
    const i = loss.length - 1;
    const gain =
      settings.stopOn === 'crowd-kit-loss'
        ? loss[i] - loss[i - 1]
        : (this.logLikelihood[i] - this.logLikelihood[i - 1]) / R;
    this.converged = i > 0 && gain < settings.tolerance;
    return this.converged;
  }

  /** The trace for the result. */
  trace(): Pick<DawidSkeneFit, 'logLikelihood' | 'loss' | 'iterations' | 'converged'> {
    return {
      logLikelihood: this.logLikelihood,
      loss: this.loss,
      iterations: this.logLikelihood.length,
      converged: this.converged,
    };
  }
}

/** The result of EM on no answers or no labels: zero rows, no label, nothing run. */
export function emptyDawidSkeneFit(m: ResponseMatrix): DawidSkeneFit {
  return {
    probabilities: new Float64Array(m.nTasks * m.nLabels),
    labels: new Int32Array(m.nTasks).fill(-1),
    logLikelihood: [],
    loss: [],
    iterations: 0,
    converged: true,
  };
}

/**
 * Zero-filled parameter arrays for nWorkers and K labels, from `allocate` (e.g. one backed by a
 * SharedArrayBuffer for worker threads).
 */
export function createDawidSkeneParameters(
  nWorkers: number,
  K: number,
  allocate: (length: number) => Float64Array = length => new Float64Array(length),
): DawidSkeneParameters {
  return {
    emission: allocate(nWorkers * K * K),
    logEmission: allocate(nWorkers * K * K),
    classPriors: allocate(K),
    logClassPriors: allocate(K),
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
  const { emission, logEmission, logClassPriors } = parameters;
  const nWorkers = K === 0 ? 0 : counts.length / (K * K);
  const confusion = plainOut?.confusion;
  let change = maximizeClassPriors(classCounts, parameters, plainOut?.priors);
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
 * The class-prior half of every Dawid–Skene M-step: p[k] = c_k / Σ c (uniform when no task has
 * answers), clipped at EPS into `parameters`, unclipped into `priorsOut` when given. It runs
 * before the confusion half, which needs the new log p for every count; returns the entropy part
 * of the loss change, −Σ_k c_k log p_old[k].
 */
export function maximizeClassPriors(
  classCounts: Float64Array,
  parameters: DawidSkeneParameters,
  priorsOut?: Float64Array,
): number {
  const K = classCounts.length;
  const { classPriors, logClassPriors } = parameters;
  let change = 0;
  let tasks = 0;
  for (let k = 0; k < K; k++) tasks += classCounts[k];
  for (let k = 0; k < K; k++) {
    const p = tasks > 0 ? classCounts[k] / tasks : 1 / K;
    const clipped = p > EPS ? p : EPS;
    change -= classCounts[k] * logClassPriors[k];
    classPriors[k] = clipped;
    logClassPriors[k] = Math.log(clipped);
    if (priorsOut) priorsOut[k] = p;
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
