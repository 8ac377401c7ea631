/**
 * MACE — Multi-Annotator Competence Estimation. The true label z_t has prior p[k] (uniform, as
 * in the paper, unless `classPriors: 'learned'`).
 * On each answer, worker w either knows the answer (probability θ_w, the competence) and
 * gives z_t, or spams (probability 1 − θ_w) and draws a label from its own strategy ξ_w:
 *
 *   P(label_r = l | z_t = k) = (1 − θ_w) ξ_w[l] + θ_w [l = k]
 *
 * For response r write a_r = (1 − θ_w) ξ_w[l_r] and b_r = a_r + θ_w. Then, in log space,
 *
 *   E-step  log T[t][k] = log p[k] + Σ_{r ∈ t} log a_r + Σ_{r ∈ t, l_r = k} (log b_r − log a_r)
 *           q_r = T[t][l_r]
 *           E[knows_r] = q_r θ_w / b_r           E[spams_r] = 1 − E[knows_r]
 *   counts  K_w = Σ_{r ∈ w} E[knows_r]   S_w = Σ_{r ∈ w} E[spams_r]   C_w[l] = Σ_{r ∈ w, l_r = l} E[spams_r]
 *
 * which is O(R + nTasks·K) per iteration (crowd-kit's loop is O(R·K) over pandas frames).
 * Two M-steps, as in the original and crowd-kit:
 *
 *   'em'  θ_w = (K_w + s) / (K_w + S_w + 2s)        ξ_w[l] = (C_w[l] + s) / (Σ C_w + K s),  s = smoothing / K
 *   'vb'  Variational Bayes with θ_w ~ Beta(priorKnowing, priorSpamming) and
 *         ξ_w ~ Dirichlet(priorStrategy, …): the E-step uses the geometric-mean weights
 *         exp(ψ(K_w + a) − ψ(K_w + S_w + a + b)) (and likewise for 1 − θ_w and ξ_w), ψ = digamma.
 *
 * With `classPriors: 'learned'` (an extension, not in the paper) each M-step also sets
 * p[k] = (Σ_t T[t][k] + 1) / (answered tasks + K). The uniform prior makes MACE over-predict
 * rare classes on skewed data (D_Product: 0.83 uniform, 0.93 learned); learning p fixes that
 * but can hurt elsewhere (S_Adult: 0.78 → 0.74), so the paper's model stays the default.
 *
 * EM is restarted `restarts` times from random parameters (each entry 1 + noise·u, u ~ U[0, 1),
 * then normalised) and the run with the largest log marginal likelihood Σ_t log Σ_k exp(log T[t][k])
 * (before normalising) wins. Random numbers are drawn per worker index from the injected
 * `rng` (or `mulberry32(seed)`), never per response, so the result does not depend on the order
 * of the responses; they are also visited in canonical (task, worker, label) order. Each run
 * stops after `maxIterations` or when the log-likelihood changes by less than `tolerance`
 * per response. Gold tasks are clamped to one-hot rows after every E-step. With K = 1 every
 * answered task gets label 0 with probability 1 and no EM runs.
 *
 * Reported parameters are re-estimated from the winning run's final posteriors: with 'em' the
 * smoothed estimates above; with 'vb' the posterior means E[θ_w] = (K_w + a)/(K_w + S_w + a + b)
 * and E[ξ_w[l]] = (C_w[l] + c)/(Σ C_w + K c). Workers without answers get the prior means.
 *
 * Differences from crowd-kit 1.4 (defaults otherwise equal: 10 restarts × 50 iterations, 'vb',
 * a = b = 0.5, Dirichlet 10, smoothing 0.01/K): crowd-kit seeds every restart with the same
 * random_state, so its ten restarts are identical; here they differ. crowd-kit draws initial
 * entries from U[1, 2.5] (scipy's uniform(loc, scale)); here from U[1, 1 + noise].
 *
 * D. Hovy, T. Berg-Kirkpatrick, A. Vaswani and E. Hovy, "Learning Whom to Trust with MACE",
 * NAACL-HLT 2013, 1120–1130. https://aclanthology.org/N13-1132.pdf
 */
import { EmData, emData, runEm } from './em-loop';
import { argmaxRows, digamma, EPS, finishLogPosteriorRow } from './math';
import {
  AggregationResult,
  emptyResult,
  GoldLabels,
  ResponseMatrix,
  singleLabelResult,
  validateResponseMatrix,
} from './response-matrix';
import { mulberry32, Rng } from './rng';

/** Options of {@link mace}. Defaults follow crowd-kit's `MACE`. */
export interface MaceOptions {
  /** Random restarts; the best log-likelihood wins. Default 10. */
  readonly restarts?: number;
  /** Maximum EM iterations per restart. Default 50. */
  readonly maxIterations?: number;
  /**
   * Stop a restart when |Δ log-likelihood| per response falls below this. Default 1e-7;
   * 0 always runs `maxIterations`, as crowd-kit does.
   */
  readonly tolerance?: number;
  /** 'vb' (variational Bayes with priors, default) or 'em' (smoothed maximum likelihood). */
  readonly method?: 'vb' | 'em';
  /** 'em' only: `smoothing / K` is added to every expected count. Default 0.01. */
  readonly smoothing?: number;
  /** 'uniform' (the paper's model, default) or 'learned' (re-estimated each M-step). */
  readonly classPriors?: 'uniform' | 'learned';
  /** Width of the uniform noise on initial parameters. Default 0.5. */
  readonly noise?: number;
  /** 'vb' only: Beta pseudo-count for knowing (θ_w). Default 0.5. */
  readonly priorKnowing?: number;
  /** 'vb' only: Beta pseudo-count for spamming (1 − θ_w). Default 0.5. */
  readonly priorSpamming?: number;
  /** 'vb' only: symmetric Dirichlet pseudo-count on each strategy ξ_w[l]. Default 10. */
  readonly priorStrategy?: number;
  /** Random source for the restarts. Wins over `seed`. */
  readonly rng?: Rng;
  /** Seed for `mulberry32` when no `rng` is given. Default 0. */
  readonly seed?: number;
  /** Known labels; gold tasks keep their label and inform θ and ξ. */
  readonly gold?: GoldLabels;
}

/** Result of {@link mace}: posteriors plus each worker's competence and spamming strategy. */
export interface MaceResult extends AggregationResult {
  /** θ_w: probability that worker w knows and gives the true label (length nWorkers). */
  readonly competence: Float64Array;
  /** ξ_w[l] at `strategies[w * nLabels + l]`: the label distribution of w's spam answers. */
  readonly strategies: Float64Array;
  /** Log marginal likelihood of the winning restart: after initialisation and each iteration. */
  readonly logLikelihood: number[];
  /** Iterations run by the winning restart. */
  readonly iterations: number;
  /** Whether the winning restart stopped on `tolerance` rather than `maxIterations`. */
  readonly converged: boolean;
  /** Index of the winning restart (0-based). */
  readonly restart: number;
}

/**
 * Aggregates with MACE (Hovy et al. 2013): learns which workers spam and how. Deterministic
 * for a given `seed` or `rng`; see the file header for the model.
 *
 * @example
 *   const { labels, competence } = mace(matrix, { seed: 42 });
 */
export function mace(m: ResponseMatrix, options: MaceOptions = {}): MaceResult {
  validateResponseMatrix(m, options.gold);
  const settings = maceSettings(options, m.nLabels);
  const rng = options.rng ?? mulberry32(options.seed ?? 0);
  if (m.task.length === 0 || m.nLabels === 1) {
    // Nothing to learn: parameters stay at their priors; with K = 1 every answer is label 0.
    const noCounts = new Float64Array(m.nWorkers);
    const noStrategyCounts = new Float64Array(m.nWorkers * m.nLabels);
    return {
      ...(m.task.length === 0 ? emptyResult(m) : singleLabelResult(m)),
      ...maceReportedParameters(noCounts, noCounts, noStrategyCounts, m.nLabels, settings),
      logLikelihood: [],
      iterations: 0,
      converged: true,
      restart: 0,
    };
  }

  const model = createMaceModel(m, options.gold);
  const R = m.task.length;
  let best: MaceRun | null = null;
  for (let restart = 0; restart < settings.restarts; restart++) {
    maceInitialise(model, rng, settings.noise);
    const trace = runEm(
      () => maceEStep(model),
      () => maceMStep(model, settings),
      settings.maxIterations,
      (previous, next) => Math.abs(next - previous) < settings.tolerance * R,
    );
    // Strictly greater: on equal likelihood the earliest restart wins, deterministically.
    if (best === null || lastOf(trace.logLikelihood) > lastOf(best.logLikelihood)) {
      best = {
        ...trace,
        restart,
        posterior: model.posterior.slice(),
        knowCount: model.knowCount.slice(),
        spamCount: model.spamCount.slice(),
        strategyCount: model.strategyCount.slice(),
      };
    }
  }
  const winner = best!;
  return {
    probabilities: winner.posterior,
    labels: argmaxRows(winner.posterior, m.nLabels),
    ...maceReportedParameters(
      winner.knowCount,
      winner.spamCount,
      winner.strategyCount,
      m.nLabels,
      settings,
    ),
    logLikelihood: winner.logLikelihood,
    iterations: winner.iterations,
    converged: winner.converged,
    restart: winner.restart,
  };
}

/** `MaceOptions` with defaults applied and `smoothing` already divided by K. */
interface MaceSettings {
  readonly restarts: number;
  readonly maxIterations: number;
  readonly tolerance: number;
  readonly method: 'vb' | 'em';
  readonly smoothing: number;
  readonly noise: number;
  readonly learnClassPriors: boolean;
  readonly priorKnowing: number;
  readonly priorSpamming: number;
  readonly priorStrategy: number;
}

function maceSettings(options: MaceOptions, K: number): MaceSettings {
  const restarts = options.restarts ?? 10;
  if (!(Number.isInteger(restarts) && restarts >= 1)) {
    throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  }
  return {
    restarts,
    maxIterations: options.maxIterations ?? 50,
    tolerance: options.tolerance ?? 1e-7,
    method: options.method ?? 'vb',
    smoothing: (options.smoothing ?? 0.01) / Math.max(K, 1),
    noise: options.noise ?? 0.5,
    learnClassPriors: (options.classPriors ?? 'uniform') === 'learned',
    priorKnowing: options.priorKnowing ?? 0.5,
    priorSpamming: options.priorSpamming ?? 0.5,
    priorStrategy: options.priorStrategy ?? 10,
  };
}

/** The data and working arrays of one MACE fit, reused by every restart. */
interface MaceModel extends EmData {
  /** E-step parameters: θ_w, the spamming weight and ξ_w[l] ('vb': exp(E[log ·]), not normalised). */
  readonly knowing: Float64Array;
  readonly spamming: Float64Array;
  readonly strategy: Float64Array;
  /** Per (worker, label) tables rebuilt before each E-step: log a, log b − log a, θ/b. */
  readonly logA: Float64Array;
  readonly logBOverA: Float64Array;
  readonly knowShare: Float64Array;
  /** Expected counts from the E-step: K_w, S_w and C_w[l]. */
  readonly knowCount: Float64Array;
  readonly spamCount: Float64Array;
  readonly strategyCount: Float64Array;
  readonly posterior: Float64Array;
  readonly logClassPriors: Float64Array;
}

/** The winning restart's trace and the E-step state it ended in. */
interface MaceRun {
  readonly logLikelihood: number[];
  readonly iterations: number;
  readonly converged: boolean;
  readonly restart: number;
  readonly posterior: Float64Array;
  readonly knowCount: Float64Array;
  readonly spamCount: Float64Array;
  readonly strategyCount: Float64Array;
}

function createMaceModel(m: ResponseMatrix, gold: GoldLabels | undefined): MaceModel {
  const { nTasks, nWorkers, nLabels: K } = m;
  return {
    ...emData(m, gold),
    knowing: new Float64Array(nWorkers),
    spamming: new Float64Array(nWorkers),
    strategy: new Float64Array(nWorkers * K),
    logA: new Float64Array(nWorkers * K),
    logBOverA: new Float64Array(nWorkers * K),
    knowShare: new Float64Array(nWorkers * K),
    knowCount: new Float64Array(nWorkers),
    spamCount: new Float64Array(nWorkers),
    strategyCount: new Float64Array(nWorkers * K),
    posterior: new Float64Array(nTasks * K),
    logClassPriors: new Float64Array(K),
  };
}

/**
 * Random start of one restart: uniform class priors, and per worker (in index order) the
 * spamming and knowing weights, then its strategy, each 1 + noise · u normalised.
 */
function maceInitialise(model: MaceModel, rng: Rng, noise: number): void {
  const { nWorkers, K, knowing, spamming, strategy } = model;
  model.logClassPriors.fill(-Math.log(K));
  for (let w = 0; w < nWorkers; w++) {
    const spam = 1 + noise * rng();
    const know = 1 + noise * rng();
    spamming[w] = spam / (spam + know);
    knowing[w] = know / (spam + know);
    let sum = 0;
    for (let l = 0; l < K; l++) sum += strategy[w * K + l] = 1 + noise * rng();
    for (let l = 0; l < K; l++) strategy[w * K + l] /= sum;
  }
}

/**
 * E-step (see the file header): the per-(worker, label) tables, then each task's posterior and
 * the expected knowing / spamming counts of its answers. Returns the log marginal likelihood.
 */
function maceEStep(model: MaceModel): number {
  const { nTasks, nWorkers, K, gold, knowing, spamming, strategy } = model;
  const { logA, logBOverA, knowShare, knowCount, spamCount, strategyCount } = model;
  const { posterior, logClassPriors } = model;
  const { worker: rWorker, label: rLabel, taskStart } = model.responses;
  for (let w = 0; w < nWorkers; w++) {
    for (let l = 0; l < K; l++) {
      const a = Math.max(spamming[w] * strategy[w * K + l], EPS);
      const b = a + knowing[w];
      logA[w * K + l] = Math.log(a);
      logBOverA[w * K + l] = Math.log(b / a);
      knowShare[w * K + l] = knowing[w] / b;
    }
  }
  knowCount.fill(0);
  spamCount.fill(0);
  strategyCount.fill(0);
  let logLikelihood = 0;
  for (let t = 0; t < nTasks; t++) {
    const start = taskStart[t];
    const end = taskStart[t + 1];
    if (start === end) continue;
    const row = t * K;
    let base = 0;
    for (let k = 0; k < K; k++) posterior[row + k] = logClassPriors[k];
    for (let i = start; i < end; i++) {
      const cell = rWorker[i] * K + rLabel[i];
      base += logA[cell];
      posterior[row + rLabel[i]] += logBOverA[cell];
    }
    logLikelihood += finishLogPosteriorRow(posterior, row, K, base, gold ? gold[t] : -1);
    for (let i = start; i < end; i++) {
      const w = rWorker[i];
      const l = rLabel[i];
      const knows = posterior[row + l] * knowShare[w * K + l];
      knowCount[w] += knows;
      spamCount[w] += 1 - knows;
      strategyCount[w * K + l] += 1 - knows;
    }
  }
  return logLikelihood;
}

/** M-step: the class priors when learned, then each worker's 'vb' or 'em' update. */
function maceMStep(model: MaceModel, settings: MaceSettings): void {
  if (settings.learnClassPriors) maceLearnClassPriors(model);
  const { nWorkers, K, knowing, spamming, strategy, knowCount, spamCount, strategyCount } = model;
  const { priorKnowing, priorSpamming, priorStrategy, smoothing } = settings;
  for (let w = 0; w < nWorkers; w++) {
    let strategyTotal = 0;
    for (let l = 0; l < K; l++) strategyTotal += strategyCount[w * K + l];
    if (settings.method === 'vb') {
      const norm = digamma(knowCount[w] + spamCount[w] + priorKnowing + priorSpamming);
      knowing[w] = Math.exp(digamma(knowCount[w] + priorKnowing) - norm);
      spamming[w] = Math.exp(digamma(spamCount[w] + priorSpamming) - norm);
      const strategyNorm = digamma(strategyTotal + K * priorStrategy);
      for (let l = 0; l < K; l++) {
        strategy[w * K + l] = Math.exp(
          digamma(strategyCount[w * K + l] + priorStrategy) - strategyNorm,
        );
      }
    } else {
      const total = knowCount[w] + spamCount[w] + 2 * smoothing;
      knowing[w] = (knowCount[w] + smoothing) / total;
      spamming[w] = (spamCount[w] + smoothing) / total;
      for (let l = 0; l < K; l++) {
        strategy[w * K + l] =
          (strategyCount[w * K + l] + smoothing) / (strategyTotal + K * smoothing);
      }
    }
  }
}

/** `classPriors: 'learned'`: p[k] = (Σ_t T[t][k] + 1) / (answered tasks + K), as logs. */
function maceLearnClassPriors(model: MaceModel): void {
  const { nTasks, K, posterior, logClassPriors } = model;
  const { taskStart } = model.responses;
  let answered = 0;
  logClassPriors.fill(1); // add-one smoothing: no class prior collapses to zero
  for (let t = 0; t < nTasks; t++) {
    if (taskStart[t] === taskStart[t + 1]) continue;
    answered++;
    for (let k = 0; k < K; k++) logClassPriors[k] += posterior[t * K + k];
  }
  for (let k = 0; k < K; k++) logClassPriors[k] = Math.log(logClassPriors[k] / (answered + K));
}

/**
 * Parameters re-estimated from expected counts, as the next M-step would (for 'vb', the
 * posterior means of q(θ) and q(ξ) rather than its geometric-mean weights).
 */
function maceReportedParameters(
  knows: Float64Array,
  spams: Float64Array,
  strategyCounts: Float64Array,
  K: number,
  settings: MaceSettings,
): { competence: Float64Array; strategies: Float64Array } {
  const nWorkers = knows.length;
  const vb = settings.method === 'vb';
  const know = vb ? settings.priorKnowing : settings.smoothing;
  const spam = vb ? settings.priorSpamming : settings.smoothing;
  const pseudo = vb ? settings.priorStrategy : settings.smoothing;
  const competence = new Float64Array(nWorkers);
  const strategies = new Float64Array(nWorkers * K);
  for (let w = 0; w < nWorkers; w++) {
    competence[w] = (knows[w] + know) / (knows[w] + spams[w] + know + spam);
    let total = K * pseudo;
    for (let l = 0; l < K; l++) total += strategyCounts[w * K + l];
    for (let l = 0; l < K; l++)
      strategies[w * K + l] = (strategyCounts[w * K + l] + pseudo) / total;
  }
  return { competence, strategies };
}

function lastOf(values: number[]): number {
  return values[values.length - 1];
}
