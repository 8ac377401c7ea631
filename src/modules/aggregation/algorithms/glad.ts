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
import { argmaxRows, canonicalResponseOrder, EPS, finishLogPosteriorRow, softplus } from './math';
import {
  AggregationResult,
  emptyResult,
  GoldLabels,
  ResponseMatrix,
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
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-5;
  const mStepIterations = options.mStepIterations ?? 3;
  const maxStep = options.maxNewtonStep ?? 1;
  const alphaMean = options.alphaPriorMean ?? 1;
  const logBetaMean = options.logBetaPriorMean ?? 1;
  const { nTasks, nWorkers, nLabels: K } = m;
  const R = m.task.length;

  const alpha = new Float64Array(nWorkers).fill(alphaMean);
  const logBeta = new Float64Array(nTasks).fill(logBetaMean);
  const result = (
    probabilities: Float64Array,
    labels: Int32Array,
    logLikelihood: number[],
    iterations: number,
    converged: boolean,
  ): GladResult => ({
    probabilities,
    labels,
    alpha,
    beta: logBeta.map(Math.exp),
    logLikelihood,
    iterations,
    converged,
  });

  if (R === 0) {
    const empty = emptyResult(m);
    return result(empty.probabilities, empty.labels, [], 0, true);
  }
  const logPriors = logLabelPriors(options.labelPriors, K);
  if (K === 1) {
    const probabilities = new Float64Array(nTasks);
    for (let r = 0; r < R; r++) probabilities[m.task[r]] = 1;
    return result(probabilities, argmaxRows(probabilities, 1), [], 0, true);
  }

  // Responses in canonical order, with per-task runs [taskStart[t], taskStart[t + 1]).
  const order = canonicalResponseOrder(m);
  const rTask = new Int32Array(R);
  const rWorker = new Int32Array(R);
  const rLabel = new Int32Array(R);
  const taskStart = new Int32Array(nTasks + 1);
  for (let i = 0; i < R; i++) {
    const r = order[i];
    rTask[i] = m.task[r];
    rWorker[i] = m.worker[r];
    rLabel[i] = m.label[r];
    taskStart[rTask[i] + 1]++;
  }
  for (let t = 0; t < nTasks; t++) taskStart[t + 1] += taskStart[t];

  const gold = options.gold;
  const logWrong = Math.log(K - 1);
  const posterior = new Float64Array(nTasks * K);
  const beta = new Float64Array(nTasks);
  const q = new Float64Array(R); // posterior probability that response r is correct
  const gradient = new Float64Array(nWorkers);
  const curvature = new Float64Array(nWorkers);

  /** E-step: fills `posterior` and `q`; returns the log posterior of the current parameters. */
  const eStep = (): number => {
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
  };

  /** M-step: block-coordinate Newton ascent on Q(α, b) with q fixed. */
  const mStep = (): void => {
    for (let round = 0; round < mStepIterations; round++) {
      // α block: given β, each α_w maximises its own concave term.
      for (let w = 0; w < nWorkers; w++) {
        gradient[w] = alphaMean - alpha[w];
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
      for (let w = 0; w < nWorkers; w++) alpha[w] += clamp(-gradient[w] / curvature[w], maxStep);

      // b block: given α, each b_t maximises its own term.
      for (let t = 0; t < nTasks; t++) {
        let g = logBetaMean - logBeta[t];
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
        // Where Q is not concave in b_t the Newton step could go downhill; Fisher scoring cannot.
        logBeta[t] += clamp(-g / (h < -EPS ? h : hFisher), maxStep);
        beta[t] = Math.exp(logBeta[t]);
      }
    }
  };

  const trace = [eStep()];
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    mStep();
    const objective = eStep();
    iterations++;
    const gain = objective - trace[trace.length - 1];
    trace.push(objective);
    if (gain < tolerance * R) {
      converged = true;
      break;
    }
  }
  return result(posterior, argmaxRows(posterior, K), trace, iterations, converged);
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
