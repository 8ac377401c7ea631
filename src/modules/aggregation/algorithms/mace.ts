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
import { argmaxRows, canonicalResponseOrder, digamma, EPS, finishLogPosteriorRow } from './math';
import {
  AggregationResult,
  emptyResult,
  GoldLabels,
  ResponseMatrix,
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
  const restarts = options.restarts ?? 10;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-7;
  const method = options.method ?? 'vb';
  const smoothing = (options.smoothing ?? 0.01) / Math.max(m.nLabels, 1);
  const noise = options.noise ?? 0.5;
  const learnClassPriors = (options.classPriors ?? 'uniform') === 'learned';
  const priorKnowing = options.priorKnowing ?? 0.5;
  const priorSpamming = options.priorSpamming ?? 0.5;
  const priorStrategy = options.priorStrategy ?? 10;
  const rng = options.rng ?? mulberry32(options.seed ?? 0);
  if (!(Number.isInteger(restarts) && restarts >= 1)) {
    throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  }
  const { nTasks, nWorkers, nLabels: K } = m;
  const R = m.task.length;

  /**
   * Parameters re-estimated from expected counts, as the next M-step would (for 'vb', the
   * posterior means of q(θ) and q(ξ) rather than its geometric-mean weights).
   */
  const reportedParameters = (
    knows: Float64Array,
    spams: Float64Array,
    strategyCounts: Float64Array,
  ): { competence: Float64Array; strategies: Float64Array } => {
    const know = method === 'vb' ? priorKnowing : smoothing;
    const spam = method === 'vb' ? priorSpamming : smoothing;
    const pseudo = method === 'vb' ? priorStrategy : smoothing;
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
  };

  if (R === 0 || K === 1) {
    // Nothing to learn: parameters stay at their priors; with K = 1 every answer is label 0.
    const { probabilities, labels } = emptyResult(m);
    for (let r = 0; r < R; r++) probabilities[m.task[r]] = 1;
    const zeros = new Float64Array(nWorkers * K);
    return {
      probabilities,
      labels: R === 0 ? labels : argmaxRows(probabilities, 1),
      ...reportedParameters(zeros, zeros, zeros),
      logLikelihood: [],
      iterations: 0,
      converged: true,
      restart: 0,
    };
  }

  const order = canonicalResponseOrder(m);
  const rWorker = new Int32Array(R);
  const rLabel = new Int32Array(R);
  const taskStart = new Int32Array(nTasks + 1);
  for (let i = 0; i < R; i++) {
    const r = order[i];
    rWorker[i] = m.worker[r];
    rLabel[i] = m.label[r];
    taskStart[m.task[r] + 1]++;
  }
  for (let t = 0; t < nTasks; t++) taskStart[t + 1] += taskStart[t];
  const gold = options.gold;
  const logK = Math.log(K);

  // Parameters used by the E-step: knowing weight θ_w, spamming weight, strategy ξ_w[l].
  // (With 'vb' these are exp(E[log ·]) and need not sum to one.)
  const knowing = new Float64Array(nWorkers);
  const spamming = new Float64Array(nWorkers);
  const strategy = new Float64Array(nWorkers * K);
  // Per (worker, label) tables rebuilt before each E-step: log a, log b − log a, θ/b.
  const logA = new Float64Array(nWorkers * K);
  const logBOverA = new Float64Array(nWorkers * K);
  const knowShare = new Float64Array(nWorkers * K);
  // Expected counts from the E-step.
  const knowCount = new Float64Array(nWorkers);
  const spamCount = new Float64Array(nWorkers);
  const strategyCount = new Float64Array(nWorkers * K);
  const posterior = new Float64Array(nTasks * K);
  const logClassPriors = new Float64Array(K);

  const eStep = (): number => {
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
  };

  const mStep = (): void => {
    if (learnClassPriors) {
      let answered = 0;
      logClassPriors.fill(1); // add-one smoothing: no class prior collapses to zero
      for (let t = 0; t < nTasks; t++) {
        if (taskStart[t] === taskStart[t + 1]) continue;
        answered++;
        for (let k = 0; k < K; k++) logClassPriors[k] += posterior[t * K + k];
      }
      for (let k = 0; k < K; k++) logClassPriors[k] = Math.log(logClassPriors[k] / (answered + K));
    }
    for (let w = 0; w < nWorkers; w++) {
      let strategyTotal = 0;
      for (let l = 0; l < K; l++) strategyTotal += strategyCount[w * K + l];
      if (method === 'vb') {
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
  };

  const initialise = (): void => {
    logClassPriors.fill(-logK);
    for (let w = 0; w < nWorkers; w++) {
      const spam = 1 + noise * rng();
      const know = 1 + noise * rng();
      spamming[w] = spam / (spam + know);
      knowing[w] = know / (spam + know);
      let sum = 0;
      for (let l = 0; l < K; l++) sum += strategy[w * K + l] = 1 + noise * rng();
      for (let l = 0; l < K; l++) strategy[w * K + l] /= sum;
    }
  };

  let best: {
    logLikelihood: number[];
    iterations: number;
    converged: boolean;
    restart: number;
    posterior: Float64Array;
    knowCount: Float64Array;
    spamCount: Float64Array;
    strategyCount: Float64Array;
  } | null = null;
  for (let restart = 0; restart < restarts; restart++) {
    initialise();
    const trace = [eStep()];
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
      mStep();
      const logLikelihood = eStep();
      iterations++;
      const change = Math.abs(logLikelihood - trace[trace.length - 1]);
      trace.push(logLikelihood);
      if (change < tolerance * R) {
        converged = true;
        break;
      }
    }
    // Strictly greater: on equal likelihood the earliest restart wins, deterministically.
    if (
      best === null ||
      trace[trace.length - 1] > best.logLikelihood[best.logLikelihood.length - 1]
    ) {
      best = {
        logLikelihood: trace,
        iterations,
        converged,
        restart,
        posterior: posterior.slice(),
        knowCount: knowCount.slice(),
        spamCount: spamCount.slice(),
        strategyCount: strategyCount.slice(),
      };
    }
  }
  const winner = best!;
  return {
    probabilities: winner.posterior,
    labels: argmaxRows(winner.posterior, K),
    ...reportedParameters(winner.knowCount, winner.spamCount, winner.strategyCount),
    logLikelihood: winner.logLikelihood,
    iterations: winner.iterations,
    converged: winner.converged,
    restart: winner.restart,
  };
}
