/**
 * Ratings on an ordinal scale 0 … K−1 with a learned bias and noise per worker: an ordered-probit
 * worker model (the ordinal analogue of Dawid–Skene's confusion matrix, 2 parameters per worker
 * instead of K²) used as the prior of each worker's confusion matrix.
 *
 * Model: task t has a true grade z_t ∈ {0 … K−1} with prior p[k]. Worker w perceives
 * z_t + b_w + ε, ε ~ N(0, σ_w²), and answers the grade whose cell contains it, the cells being
 * bounded by cutpoints c_0 < … < c_{K−2} shared by all workers (started at l + ½):
 *
 *   Ψ_w[k][l] = Φ((c_l − k − b_w) / σ_w) − Φ((c_{l−1} − k − b_w) / σ_w)   (c_{−1} = −∞, c_{K−1} = ∞)
 *
 * b_w > 0 is a lenient worker, b_w < 0 a strict one; σ_w is how noisy they are. The worker's
 * actual confusion is π_w[k][l] ∝ N_w[k][l] + S·Ψ_w[k][l], their soft answer counts plus S = 5
 * pseudo-answers per true grade spread as their own probit cells: a worker with few answers is
 * described by (b_w, σ_w) alone, one with many keeps the asymmetries the probit cannot express
 * (on trec_rf10_graded, "highly relevant" pages are mostly rated "relevant"). Used alone, the
 * probit model let EM drain the extreme grades into the middle one (accuracy 0.27).
 *
 * EM:
 *   E-step  q_t[k] ∝ p[k] Π_{answers r of t} π_{w_r}[k][y_r]   (gold tasks clamped to one-hot)
 *   M-step  N_w[k][l] = Σ q_t[k] over w's answers l (the M-step then never touches the answers);
 *           p[k] = mean of q (plus one pseudo-task per grade); the cutpoints maximise
 *           Σ_w Σ N_w log Ψ_w one at a time (kept 0.05 apart); each (b_w, log σ_w) maximises
 *           Σ N_w log Ψ_w − b_w² / (2·0.5²) − (log σ_w − log 0.7)² / (2·0.5²), a Gaussian prior
 *           that pulls workers with few answers toward an unbiased, moderately noisy worker and
 *           pins the scale's origin against the cutpoints. Both by 3 damped Newton steps with
 *           finite-difference derivatives per iteration (warm-started, so they accumulate).
 * Started from majority-vote shares, b = 0, σ = 1. Stops when no q changes by more than
 * `tolerance` (1e-4) or after `maxIterations` (50).
 *
 * Decision: `label` is the posterior median (the grade minimising the expected absolute error,
 * the measure ordinal labels are judged by; the lowest grade whose cumulative mass reaches ½),
 * `confidence` its posterior probability.
 *
 * Related: ordered-probit annotator models (e.g. Lakshminarayanan & Teh, "Inferring ground truth
 * from multi-annotator ordinal data: a probabilistic approach", arXiv:1305.0015, 2013);
 * Dawid & Skene, JRSS C 28(1), 1979.
 */
import { GoldLabels, ResponseMatrix, validateResponseMatrix } from '../response-matrix';

/** Options of `ordinalRating`. */
export interface OrdinalRatingOptions {
  /** Default 50. */
  readonly maxIterations?: number;
  /** Default 1e-4. */
  readonly tolerance?: number;
  /** Known grades (-1 = not gold). */
  readonly gold?: GoldLabels;
}

/** Learned parameters (enough for `ratingTaskPosterior`). */
export interface OrdinalRatingModel {
  readonly K: number;
  readonly prior: Float64Array;
  /** K − 1 cell boundaries on the latent scale, shared by all workers (start: l + ½). */
  readonly cutpoints: Float64Array;
  readonly bias: Float64Array;
  readonly noise: Float64Array;
  /** nWorkers × K × K: P(l | k, w), the soft counts smoothed by the probit prior. */
  readonly confusion: Float64Array;
}

/** Result of `ordinalRating`. */
export interface OrdinalRatingResult {
  /** Posterior median grade per task; -1 for a task with no answers. */
  readonly labels: Int32Array;
  /** Posterior probability of `labels[t]` (0 with no answers). */
  readonly confidence: Float64Array;
  /** nTasks × K posteriors. */
  readonly probabilities: Float64Array;
  readonly model: OrdinalRatingModel;
  readonly iterations: number;
}

const PRIOR_SD = 0.5;
const PRIOR_NOISE = 0.7;
/** Newton steps per M-step; warm-started from the previous iteration, so they accumulate. */
const NEWTON_STEPS = 3;
const CONFUSION_PRIOR_STRENGTH = 5;
const scratchCells = new Float64Array(64);

/** Ordered-probit bias-and-noise aggregation (see the header). Empty input → empty result. */
export function ordinalRating(
  m: ResponseMatrix,
  options: OrdinalRatingOptions = {},
): OrdinalRatingResult {
  validateResponseMatrix(m, options.gold);
  const K = m.nLabels;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-4;
  let model: OrdinalRatingModel = {
    K,
    prior: new Float64Array(K).fill(1 / Math.max(1, K)),
    cutpoints: Float64Array.from({ length: Math.max(0, K - 1) }, (_, l) => l + 0.5),
    bias: new Float64Array(m.nWorkers),
    noise: new Float64Array(m.nWorkers).fill(1),
    confusion: new Float64Array(m.nWorkers * K * K),
  };
  let q = voteShares(m, options.gold);
  let iterations = 0;
  for (; iterations < maxIterations && m.task.length > 0; iterations++) {
    model = maximize(m, q, model);
    const next = expect(m, model, options.gold);
    let change = 0;
    for (let j = 0; j < q.length; j++) change = Math.max(change, Math.abs(next[j] - q[j]));
    q = next;
    if (change < tolerance) {
      iterations++;
      break;
    }
  }
  const { labels, confidence } = medianDecision(q, m.nTasks, K);
  return { labels, confidence, probabilities: q, model, iterations };
}

/** P(y = l | z = k) for one worker, into out[k * K + l]. */
export function answerProbabilities(
  K: number,
  bias: number,
  noise: number,
  cutpoints: Float64Array,
  out: Float64Array,
): Float64Array {
  for (let k = 0; k < K; k++) {
    let below = 0;
    for (let l = 0; l < K; l++) {
      const above = l === K - 1 ? 1 : normalCdf((cutpoints[l] - k - bias) / noise);
      out[k * K + l] = Math.max(above - below, 1e-12);
      below = above;
    }
  }
  return out;
}

/** Φ(x), the standard normal CDF (Abramowitz & Stegun 7.1.26 on erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Majority-vote shares as the starting posterior (gold clamped). */
function voteShares(m: ResponseMatrix, gold?: GoldLabels): Float64Array {
  const K = m.nLabels;
  const q = new Float64Array(m.nTasks * K);
  for (let r = 0; r < m.task.length; r++) q[m.task[r] * K + m.label[r]] += 1;
  normalizeRows(q, K);
  clampGold(q, K, gold);
  return q;
}

function normalizeRows(q: Float64Array, K: number): void {
  for (let t = 0; t < q.length; t += K) {
    let total = 0;
    for (let k = 0; k < K; k++) total += q[t + k];
    if (total > 0) for (let k = 0; k < K; k++) q[t + k] /= total;
  }
}

function clampGold(q: Float64Array, K: number, gold?: GoldLabels): void {
  if (!gold) return;
  for (let t = 0; t < gold.length; t++) {
    if (gold[t] < 0) continue;
    q.fill(0, t * K, (t + 1) * K);
    q[t * K + gold[t]] = 1;
  }
}

/** E-step: posteriors of every task under `model`. */
function expect(m: ResponseMatrix, model: OrdinalRatingModel, gold?: GoldLabels): Float64Array {
  const K = model.K;
  const logs = new Float64Array(m.nTasks * K);
  const answered = new Uint8Array(m.nTasks);
  const table = workerTables(model, m.nWorkers);
  for (let r = 0; r < m.task.length; r++) {
    const base = m.worker[r] * K * K;
    answered[m.task[r]] = 1;
    for (let k = 0; k < K; k++) logs[m.task[r] * K + k] += table[base + k * K + m.label[r]];
  }
  const q = new Float64Array(m.nTasks * K);
  for (let t = 0; t < m.nTasks; t++) {
    if (answered[t]) softmaxInto(logs, model.prior, t * K, K, q);
  }
  clampGold(q, K, gold);
  return q;
}

/** log P(l | k, w) for every worker: [(w * K + k) * K + l]. */
function workerTables(model: OrdinalRatingModel, nWorkers: number): Float64Array {
  const table = new Float64Array(nWorkers * model.K * model.K);
  for (let j = 0; j < table.length; j++) table[j] = Math.log(model.confusion[j]);
  return table;
}

/**
 * Each worker's confusion: their soft counts plus `CONFUSION_PRIOR_STRENGTH` pseudo-answers per
 * true grade spread as their own ordered-probit cells, normalised per row.
 */
function smoothedConfusion(
  counts: Float64Array,
  K: number,
  bias: Float64Array,
  noise: Float64Array,
  cutpoints: Float64Array,
): Float64Array {
  const confusion = new Float64Array(counts.length);
  const cells = new Float64Array(K * K);
  for (let w = 0; w < bias.length; w++) {
    answerProbabilities(K, bias[w], noise[w], cutpoints, cells);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let l = 0; l < K; l++) {
        const j = (w * K + k) * K + l;
        confusion[j] = counts[j] + CONFUSION_PRIOR_STRENGTH * cells[k * K + l];
        total += confusion[j];
      }
      for (let l = 0; l < K; l++) confusion[(w * K + k) * K + l] /= total;
    }
  }
  return confusion;
}

/** q[at + k] = softmax(logs[at + k] + log prior[k]). */
function softmaxInto(
  logs: Float64Array,
  prior: Float64Array,
  at: number,
  K: number,
  q: Float64Array,
): void {
  let top = -Infinity;
  for (let k = 0; k < K; k++) top = Math.max(top, logs[at + k] + Math.log(prior[k]));
  let total = 0;
  for (let k = 0; k < K; k++)
    total += q[at + k] = Math.exp(logs[at + k] + Math.log(prior[k]) - top);
  for (let k = 0; k < K; k++) q[at + k] /= total;
}

/** M-step: class prior, the shared cutpoints, then every worker's (bias, noise). */
function maximize(
  m: ResponseMatrix,
  q: Float64Array,
  previous: OrdinalRatingModel,
): OrdinalRatingModel {
  const K = previous.K;
  const counts = new Float64Array(m.nWorkers * K * K);
  for (let r = 0; r < m.task.length; r++) {
    const base = m.worker[r] * K * K;
    for (let k = 0; k < K; k++) counts[base + k * K + m.label[r]] += q[m.task[r] * K + k];
  }
  const prior = new Float64Array(K).fill(1);
  for (let t = 0; t < m.nTasks; t++) for (let k = 0; k < K; k++) prior[k] += q[t * K + k];
  const total = prior.reduce((a, b) => a + b, 0);
  for (let k = 0; k < K; k++) prior[k] /= total;
  const cutpoints = fitCutpoints(counts, previous, m.nWorkers);
  const bias = new Float64Array(m.nWorkers);
  const noise = new Float64Array(m.nWorkers);
  for (let w = 0; w < m.nWorkers; w++) {
    const own = counts.subarray(w * K * K, (w + 1) * K * K);
    const objective = ([b, s]: number[]) =>
      countsLogLikelihood(own, K, b, Math.exp(s), cutpoints) - workerPenalty(b, s);
    const [b, s] = newtonMaximize(objective, [previous.bias[w], Math.log(previous.noise[w])]);
    bias[w] = b;
    noise[w] = Math.exp(Math.max(-5, Math.min(3, s)));
  }
  const confusion = smoothedConfusion(counts, K, bias, noise, cutpoints);
  return { K, prior, cutpoints, bias, noise, confusion };
}

/** Σ N[k][l] log P(l | k) for one worker's soft counts. */
function countsLogLikelihood(
  counts: Float64Array,
  K: number,
  bias: number,
  noise: number,
  cutpoints: Float64Array,
): number {
  const probabilities = answerProbabilities(
    K,
    bias,
    noise,
    cutpoints,
    K * K <= scratchCells.length ? scratchCells : new Float64Array(K * K),
  );
  let value = 0;
  for (let j = 0; j < K * K; j++)
    if (counts[j] > 0) value += counts[j] * Math.log(probabilities[j]);
  return value;
}

/**
 * The Gaussian prior on a worker: bias ~ N(0, 0.5²) (which also pins the scale's origin against
 * the cutpoints), log noise ~ N(log 0.7, 0.5²).
 */
function workerPenalty(bias: number, logNoise: number): number {
  const v = PRIOR_SD * PRIOR_SD;
  return (bias * bias + (logNoise - Math.log(PRIOR_NOISE)) ** 2) / (2 * v);
}

/** Cutpoints maximising the summed likelihood of all workers, one at a time, kept ordered. */
function fitCutpoints(
  counts: Float64Array,
  previous: OrdinalRatingModel,
  nWorkers: number,
): Float64Array {
  const K = previous.K;
  const cutpoints = Float64Array.from(previous.cutpoints);
  for (let l = 0; l < K - 1; l++) {
    const objective = ([c]: number[]) => {
      const lower = l > 0 ? cutpoints[l - 1] : -Infinity;
      const upper = l < K - 2 ? cutpoints[l + 1] : Infinity;
      if (!(c > lower + 0.05 && c < upper - 0.05)) return -Infinity;
      const trial = Float64Array.from(cutpoints);
      trial[l] = c;
      let value = 0;
      for (let w = 0; w < nWorkers; w++) {
        value += countsLogLikelihood(
          counts.subarray(w * K * K, (w + 1) * K * K),
          K,
          previous.bias[w],
          previous.noise[w],
          trial,
        );
      }
      return value;
    };
    cutpoints[l] = newtonMaximize(objective, [cutpoints[l]])[0];
  }
  return cutpoints;
}

/**
 * A few damped Newton steps (1 or 2 parameters) with central finite-difference derivatives;
 * falls back to a small gradient step where the Hessian is not negative definite, and halves a
 * step until the objective does not fall, so it never returns a worse point than `start`.
 */
export function newtonMaximize(f: (x: number[]) => number, start: number[]): number[] {
  const h = 1e-4;
  const d = start.length;
  let x = [...start];
  let fx = f(x);
  const shifted = (i: number, di: number, j = 0, dj = 0) =>
    f(x.map((v, k) => v + (k === i ? di : 0) + (k === j && d > 1 ? dj : 0)));
  for (let step = 0; step < NEWTON_STEPS; step++) {
    const g = x.map((_, i) => (shifted(i, h) - shifted(i, -h)) / (2 * h));
    const hd = x.map((_, i) => (shifted(i, h) - 2 * fx + shifted(i, -h)) / (h * h));
    let delta: number[];
    if (d === 1) delta = hd[0] < 0 ? [-g[0] / hd[0]] : [0.1 * g[0]];
    else {
      const hx =
        (shifted(0, h, 1, h) -
          shifted(0, h, 1, -h) -
          shifted(0, -h, 1, h) +
          shifted(0, -h, 1, -h)) /
        (4 * h * h);
      const det = hd[0] * hd[1] - hx * hx;
      delta =
        hd[0] < 0 && det > 0
          ? [-(hd[1] * g[0] - hx * g[1]) / det, -(hd[0] * g[1] - hx * g[0]) / det]
          : [0.1 * g[0], 0.1 * g[1]];
    }
    for (let halvings = 0; halvings < 10; halvings++) {
      const candidate = x.map((v, i) => v + delta[i]);
      const fc = f(candidate);
      if (fc >= fx) {
        x = candidate;
        fx = fc;
        break;
      }
      delta = delta.map(v => v / 2);
    }
  }
  return x;
}

/** Posterior median per task (lowest grade when the mass reaches exactly ½) and its mass. */
function medianDecision(
  q: Float64Array,
  nTasks: number,
  K: number,
): { labels: Int32Array; confidence: Float64Array } {
  const labels = new Int32Array(nTasks).fill(-1);
  const confidence = new Float64Array(nTasks);
  for (let t = 0; t < nTasks; t++) {
    let cumulative = 0;
    for (let k = 0; k < K; k++) {
      cumulative += q[t * K + k];
      if (cumulative >= 0.5 - 1e-12) {
        labels[t] = k;
        confidence[t] = q[t * K + k];
        break;
      }
    }
  }
  return { labels, confidence };
}

/**
 * Online posterior of one task from its current answers (`workers[i]` answered `grades[i]`)
 * under a learned model: the median grade, its probability and the whole posterior.
 */
export function ratingTaskPosterior(
  model: OrdinalRatingModel,
  workers: ArrayLike<number>,
  grades: ArrayLike<number>,
): { label: number; confidence: number; posterior: Float64Array } {
  const K = model.K;
  const logs = new Float64Array(K);
  for (let i = 0; i < workers.length; i++) {
    for (let k = 0; k < K; k++)
      logs[k] += Math.log(model.confusion[(workers[i] * K + k) * K + grades[i]]);
  }
  const posterior = new Float64Array(K);
  if (workers.length === 0) return { label: -1, confidence: 0, posterior };
  softmaxInto(logs, model.prior, 0, K, posterior);
  const { labels, confidence } = medianDecision(posterior, 1, K);
  return { label: labels[0], confidence: confidence[0], posterior };
}
