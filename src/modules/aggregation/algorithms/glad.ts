/**
 * GLAD — Generative model of Labels, Abilities, and Difficulties. Worker w has an ability
 * α_w ∈ ℝ (negative: adversarial, 0: guessing, large: expert); task t has an inverse difficulty
 * β_t = exp(b_t) > 0 (the log-parametrisation keeps 1/β_t, the difficulty, positive). Worker w
 * answers task t correctly with probability
 *
 *   a(w, t) = σ(α_w · β_t),   σ(x) = 1 / (1 + e⁻ˣ),
 *
 * and otherwise picks one of the K − 1 wrong labels uniformly:
 *
 *   P(label_r = l | z_t = k) = a            if l = k
 *                            = (1 − a)/(K − 1)  otherwise.
 *
 * Priors (as in crowd-kit): class priors p[k] fixed (uniform by default), α_w ~ N(1, 1) and
 * b_t ~ N(1, 1). Maximum a posteriori by EM, initialised at α = 1, b = 1 (which makes the first
 * E-step a soft majority vote):
 *
 *   E-step  T[t][k] ∝ p[k] · Π_{r: task_r = t} P(label_r | z_t = k)          (log space)
 *           log T[t][k] = log p[k] + Σ_r (−softplus(x_r) − log(K−1))
 *                                  + Σ_{r: label_r = k} (x_r + log(K−1)),   x_r = α_w β_t
 *   M-step  maximise Q(α, b) = Σ_r [ q_r log σ(x_r) + (1 − q_r) log(1 − σ(x_r)) ]
 *                             − ½ Σ_w (α_w − 1)² − ½ Σ_t (b_t − 1)²,   q_r = T[task_r][label_r]
 *           ∂Q/∂α_w = Σ_{r ∈ w} (q_r − σ_r) β_t − (α_w − 1)
 *           ∂Q/∂b_t = Σ_{r ∈ t} (q_r − σ_r) x_r − (b_t − 1)
 *
 * The gradients are crowd-kit's; the optimiser is not. crowd-kit runs up to 25 steps of
 * scipy's conjugate gradient over all parameters jointly. Given b, Q separates into one
 * concave function per worker, and given α into one function per task, so each M-step here
 * takes `mStepIterations` rounds of block-coordinate Newton steps instead: all α_w at once
 * (exact second derivative −Σ σ(1−σ) β_t² − 1 < 0), then all b_t at once (exact second
 * derivative when negative, else its Fisher-scoring part −Σ σ(1−σ) x_r² − 1), each step
 * clamped to ±`maxNewtonStep`. Every pass is O(R) over typed arrays with no allocation.
 *
 * The objective reported per iteration is the log posterior of the parameters (up to the
 * constant log p(answers)): Σ_t log Σ_k p[k] Π_r P(label_r | k) + Σ log N(α_w; 1, 1)
 * + Σ log N(b_t; 1, 1). EM stops when it grows by less than `tolerance` per response.
 * (crowd-kit compares the expected complete-data log-likelihood Q per row of its
 * responses × labels table instead; with the default tolerance both stop near the optimum.)
 *
 * Gold tasks are clamped to one-hot rows after every E-step. Responses are visited in
 * canonical (task, worker, label) order, so the result does not depend on response order.
 * With K = 1 every answered task gets label 0 with probability 1 and no EM runs.
 *
 * J. Whitehill, P. Ruvolo, T. Wu, J. Bergsma and J. Movellan, "Whose Vote Should Count More:
 * Optimal Integration of Labels from Labelers of Unknown Expertise", NIPS 22, 2009.
 * https://proceedings.neurips.cc/paper/2009/file/f899139df5e1059396431415e770c6dd-Paper.pdf
 */
import { EmData, emData, EmTrace, runEm } from './em-loop';
import { argmaxRows, EPS, finishLogPosteriorRow, softplus } from './math';
import {
  AggregationResult,
  emptyResult,
  GoldLabels,
  ResponseMatrix,
  singleLabelResult,
  validateResponseMatrix,
} from './response-matrix';

/** Options of {@link glad}. Defaults follow crowd-kit's `GLAD`. */
export interface GladOptions {
  /** Maximum EM iterations (M-step + E-step). Default 100, as crowd-kit's `n_iter`. */
  readonly maxIterations?: number;
  /** Stop when the objective grows by less than this per response. Default 1e-5. */
  readonly tolerance?: number;
  /** Newton rounds (one α block + one b block each) per M-step. Default 3. */
  readonly mStepIterations?: number;
  /** Largest change of one parameter in one Newton step (damping). Default 1. */
  readonly maxNewtonStep?: number;
  /** Class priors p[k], length nLabels, positive; fixed during EM. Default uniform. */
  readonly labelPriors?: Float64Array;
  /** Mean of the N(μ, 1) prior on every α_w, and α's starting value. Default 1. */
  readonly alphaPriorMean?: number;
  /** Mean of the N(μ, 1) prior on every b_t = log β_t, and b's starting value. Default 1. */
  readonly logBetaPriorMean?: number;
  /** Known labels; gold tasks keep their label and inform α and β. */
  readonly gold?: GoldLabels;
}

/** Result of {@link glad}: posteriors plus the fitted abilities and difficulties. */
export interface GladResult extends AggregationResult {
  /** Ability α_w per worker (length nWorkers); workers without answers keep the prior mean. */
  readonly alpha: Float64Array;
  /**
   * Inverse difficulty β_t = exp(b_t) > 0 per task (length nTasks): larger is easier.
   * crowd-kit's `betas_` holds b_t = log β_t.
   */
  readonly beta: Float64Array;
  /** Log posterior (see header) after initialisation and after each iteration. */
  readonly logLikelihood: number[];
  /** EM iterations run. */
  readonly iterations: number;
  /** True when EM stopped on `tolerance` rather than on `maxIterations`. */
  readonly converged: boolean;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Aggregates with GLAD (Whitehill et al. 2009): each worker's ability and each task's
 * difficulty are learned with the labels. Deterministic; see the file header for the model.
 *
 * @example
 *   const { labels, alpha } = glad(matrix);            // alpha[w] > 0: better than chance
 */
export function glad(m: ResponseMatrix, options: GladOptions = {}): GladResult {
  validateResponseMatrix(m, options.gold);
  const settings = gladSettings(options);
  const alpha = new Float64Array(m.nWorkers).fill(settings.alphaMean);
  const logBeta = new Float64Array(m.nTasks).fill(settings.logBetaMean);
  const finish = (result: AggregationResult, trace: EmTrace): GladResult => ({
    probabilities: result.probabilities,
    labels: result.labels,
    alpha,
    beta: logBeta.map(Math.exp),
    logLikelihood: trace.logLikelihood,
    iterations: trace.iterations,
    converged: trace.converged,
  });
  const R = m.task.length;
  const noEm: EmTrace = { logLikelihood: [], iterations: 0, converged: true };
  if (R === 0) return finish(emptyResult(m), noEm);
  const logPriors = logLabelPriors(options.labelPriors, m.nLabels);
  if (m.nLabels === 1) return finish(singleLabelResult(m), noEm);

  const model = createGladModel(m, options.gold, logPriors, alpha, logBeta);
  const trace = runEm(
    () => gladEStep(model, settings),
    () => gladMStep(model, settings),
    settings.maxIterations,
    (previous, next) => next - previous < settings.tolerance * R,
  );
  return finish(
    { probabilities: model.posterior, labels: argmaxRows(model.posterior, m.nLabels) },
    trace,
  );
}

/** `GladOptions` with defaults applied. */
interface GladSettings {
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly mStepIterations: number;
  readonly maxStep: number;
  readonly alphaMean: number;
  readonly logBetaMean: number;
}

function gladSettings(options: GladOptions): GladSettings {
  return {
    maxIterations: options.maxIterations ?? 100,
    tolerance: options.tolerance ?? 1e-5,
    mStepIterations: options.mStepIterations ?? 3,
    maxStep: options.maxNewtonStep ?? 1,
    alphaMean: options.alphaPriorMean ?? 1,
    logBetaMean: options.logBetaPriorMean ?? 1,
  };
}

/** The data, parameters and working arrays of one GLAD fit. */
interface GladModel extends EmData {
  /** log p[k], fixed. */
  readonly logPriors: Float64Array;
  /** log(K − 1): a wrong answer is one of K − 1 labels. */
  readonly logWrong: number;
  /** α_w, b_t = log β_t and β_t, updated in place. */
  readonly alpha: Float64Array;
  readonly logBeta: Float64Array;
  readonly beta: Float64Array;
  readonly posterior: Float64Array;
  /** Per response, in `responses` order: the posterior probability that it is correct. */
  readonly q: Float64Array;
  /** Per worker: ∂Q/∂α_w and ∂²Q/∂α_w² of the α block. */
  readonly gradient: Float64Array;
  readonly curvature: Float64Array;
}

function createGladModel(
  m: ResponseMatrix,
  gold: GoldLabels | undefined,
  logPriors: Float64Array,
  alpha: Float64Array,
  logBeta: Float64Array,
): GladModel {
  const { nTasks, nWorkers, nLabels: K } = m;
  return {
    ...emData(m, gold),
    logPriors,
    logWrong: Math.log(K - 1),
    alpha,
    logBeta,
    beta: new Float64Array(nTasks),
    posterior: new Float64Array(nTasks * K),
    q: new Float64Array(m.task.length),
    gradient: new Float64Array(nWorkers),
    curvature: new Float64Array(nWorkers),
  };
}

/** E-step: fills `posterior` and `q`; returns the log posterior of the current parameters. */
function gladEStep(model: GladModel, settings: GladSettings): number {
  const { nTasks, nWorkers, K, gold, logPriors, logWrong, alpha, logBeta, beta, posterior, q } =
    model;
  const { worker: rWorker, label: rLabel, taskStart } = model.responses;
  const { alphaMean, logBetaMean } = settings;
  for (let t = 0; t < nTasks; t++) beta[t] = Math.exp(logBeta[t]);
  let total = 0;
  for (let t = 0; t < nTasks; t++) {
    const start = taskStart[t];
    const end = taskStart[t + 1];
    if (start === end) continue;
    const row = t * K;
    let base = 0;
    for (let k = 0; k < K; k++) posterior[row + k] = logPriors[k];
    for (let i = start; i < end; i++) {
      const x = alpha[rWorker[i]] * beta[t];
      base -= softplus(x) + logWrong;
      posterior[row + rLabel[i]] += x + logWrong;
    }
    total += finishLogPosteriorRow(posterior, row, K, base, gold ? gold[t] : -1);
    for (let i = start; i < end; i++) q[i] = posterior[row + rLabel[i]];
  }
  for (let w = 0; w < nWorkers; w++) total -= 0.5 * (alpha[w] - alphaMean) ** 2 + LOG_SQRT_2PI;
  for (let t = 0; t < nTasks; t++) total -= 0.5 * (logBeta[t] - logBetaMean) ** 2 + LOG_SQRT_2PI;
  return total;
}

/** M-step: `mStepIterations` rounds of block-coordinate Newton ascent on Q(α, b), q fixed. */
function gladMStep(model: GladModel, settings: GladSettings): void {
  for (let round = 0; round < settings.mStepIterations; round++) {
    gladAlphaNewtonStep(model, settings);
    gladLogBetaNewtonStep(model, settings);
  }
}

/** α block: given β, each α_w maximises its own concave term; one Newton step for all. */
function gladAlphaNewtonStep(model: GladModel, settings: GladSettings): void {
  const { nTasks, nWorkers, alpha, beta, q, gradient, curvature } = model;
  const { worker: rWorker, taskStart } = model.responses;
  for (let w = 0; w < nWorkers; w++) {
    gradient[w] = settings.alphaMean - alpha[w];
    curvature[w] = -1;
  }
  for (let t = 0; t < nTasks; t++) {
    const b = beta[t];
    for (let i = taskStart[t]; i < taskStart[t + 1]; i++) {
      const w = rWorker[i];
      const s = 1 / (1 + Math.exp(-alpha[w] * b));
      gradient[w] += (q[i] - s) * b;
      curvature[w] -= s * (1 - s) * b * b;
    }
  }
  for (let w = 0; w < nWorkers; w++) {
    alpha[w] += clamp(-gradient[w] / curvature[w], settings.maxStep);
  }
}

/**
 * b block: given α, each b_t maximises its own term; one Newton step each, or Fisher scoring
 * where Q is not concave in b_t (there the Newton step could go downhill; Fisher scoring cannot).
 */
function gladLogBetaNewtonStep(model: GladModel, settings: GladSettings): void {
  const { nTasks, alpha, logBeta, beta, q } = model;
  const { worker: rWorker, taskStart } = model.responses;
  for (let t = 0; t < nTasks; t++) {
    let g = settings.logBetaMean - logBeta[t];
    let h = -1;
    let hFisher = -1;
    const b = beta[t];
    for (let i = taskStart[t]; i < taskStart[t + 1]; i++) {
      const x = alpha[rWorker[i]] * b;
      const s = 1 / (1 + Math.exp(-x));
      const residual = q[i] - s;
      const fisherTerm = s * (1 - s) * x * x;
      g += residual * x;
      h += residual * x - fisherTerm;
      hFisher -= fisherTerm;
    }
    logBeta[t] += clamp(-g / (h < -EPS ? h : hFisher), settings.maxStep);
    beta[t] = Math.exp(logBeta[t]);
  }
}

function clamp(step: number, limit: number): number {
  return step > limit ? limit : step < -limit ? -limit : step;
}

/** log p[k], validated; uniform when not given. */
function logLabelPriors(priors: Float64Array | undefined, K: number): Float64Array {
  const out = new Float64Array(K);
  if (!priors) return out.fill(-Math.log(K));
  if (priors.length !== K) {
    throw new RangeError(`labelPriors has length ${priors.length}, expected nLabels = ${K}`);
  }
  let sum = 0;
  for (let k = 0; k < K; k++) {
    if (!(priors[k] > 0)) throw new RangeError(`labelPriors[${k}] must be positive`);
    sum += priors[k];
  }
  for (let k = 0; k < K; k++) out[k] = Math.log(priors[k] / sum);
  return out;
}
