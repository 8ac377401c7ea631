/**
 * Sequence-aware span aggregation: a hidden Markov model over the true BIO tags whose
 * observations are the workers' tags, as in HMM-crowd (Nguyen, Wallace, Li, Nenkova & Lease,
 * "Aggregating and Predicting Sequence Labels from Crowd Annotations", ACL 2017; here without
 * word features), with by default the sequential worker model of BSC-seq (Simpson & Gurevych,
 * "A Bayesian Approach for Sequence Tagging with Crowds", EMNLP 2019): a worker's tag depends on
 * the true tag and on the worker's own previous tag, which captures span-boundary habits
 * (starting a span one token early, never using I-). Fitted by EM to the MAP estimate under
 * Dirichlet priors rather than by BSC's variational Bayes.
 *
 * Model, per sentence of n tokens with true tags z_1..z_n (T tags) and annotations a:
 *
 *   P(z_1 = k) = ι[k],   P(z_i = k | z_{i−1} = j) = A[j][k]   (0 for moves BIO forbids)
 *   P(y_{a,i} = l | z_i = k, y_{a,i−1} = c) = π_{w(a)}[k][c][l]  (sequential; c = O at i = 1)
 *   P(y_{a,i} = l | z_i = k) = π_{w(a)}[k][l]                  (`sequential: false`: HMM-crowd)
 *
 * The worker's previous tag is observed, so the model is still an HMM in z and forward–backward
 * applies unchanged, with the emission below.
 *
 * EM (Baum–Welch with the crowd as emission):
 *   E-step  forward–backward per sentence on the emission e_i[k] = Π_a π_{w(a)}[k][y_{a,i}]
 *           (computed in log space, shifted by the row maximum, scaled forward pass), giving the
 *           marginals γ_i[k] and the expected transitions ξ_i[j][k].
 *   M-step  π_w[k][c][l] ∝ Σ γ_i[k] [y_{a,i} = l, y_{a,i−1} = c] + s + β·π̄[k][c][l] + d·[k = l]
 *           (π̄: the pooled confusion of all workers, so a worker with few tokens is pulled toward
 *           the crowd, not toward uniform; β = `poolStrength` = 0.2; s = 0.01 keeps every cell
 *           positive; d = `diagonalPrior` = 10 pseudo-tokens saying a worker usually agrees with
 *           the truth, the informative prior BSC also puts on its confusion matrices: without it
 *           EM drifts toward solutions where O absorbs entity tokens and F1 falls with every
 *           iteration; β and d were picked by split-half on conll_mturk_val, best entity F1 on the
 *           even sentences over d ∈ {2, 5, 10, 20} × β ∈ {0.2, 1, 5, 20}, reported on the odd
 *           ones: bench/kinds-studies.ts),
 *           A[j][k] ∝ Σ ξ_i[j][k] + 1 over allowed moves, ι[k] ∝ Σ γ_1[k] + 1 over allowed starts.
 * Initialisation: the token-level Dawid–Skene posteriors (token-dawid-skene.ts) as γ, and
 * transitions counted from their well-formed decoding. Stops when the log-likelihood gains less
 * than `tolerance` per token, or after `maxIterations`.
 *
 * Decoding: Viterbi under the learned transitions (forbidden moves have probability 0, so the
 * result is well-formed by construction; bio-tags.ts `decodeWellFormed`). Task confidence: the
 * smallest marginal γ_i of a decoded tag.
 *
 * Layouts: confusion[((w * T + k) * C + c) * T + l] with C = T contexts (sequential) or 1;
 * transition[j * T + k]; marginals[token * T + k].
 * Deterministic: sentences are processed in task order, annotations in input order; sums within
 * a token are over annotations in input order, and shuffling annotations changes results only
 * by floating-point rounding of those sums.
 */
import {
  SpanAggregation,
  SpanCrowd,
  annotatedTasks,
  decodeWellFormed,
  isAllowedTransition,
  tagCount,
  validateSpanCrowd,
} from './bio-tags';
import { tokenDawidSkene } from './token-dawid-skene';

/** Options of `hmmCrowd`. */
export interface HmmCrowdOptions {
  /** Default 50. */
  readonly maxIterations?: number;
  /** Stop when the log-likelihood per token gains less than this. Default 1e-6. */
  readonly tolerance?: number;
  /** Pseudo-tokens per true tag pulling each worker toward the pooled confusion. Default 0.2. */
  readonly poolStrength?: number;
  /** Worker model: BSC-seq's, conditioned on the worker's previous tag (default true). */
  readonly sequential?: boolean;
  /** Pseudo-tokens on the diagonal of every confusion row (workers beat chance). Default 10. */
  readonly diagonalPrior?: number;
}

/** Learned parameters (enough to score new answers online, `hmmCrowdTaskPosterior`). */
export interface HmmCrowdParameters {
  readonly T: number;
  /** True: confusion is conditioned on the worker's previous tag (layout of `cell`). */
  readonly sequential: boolean;
  readonly initial: Float64Array;
  readonly transition: Float64Array;
  readonly confusion: Float64Array;
}

/** Result of `hmmCrowd`. */
export interface HmmCrowdResult extends SpanAggregation {
  readonly parameters: HmmCrowdParameters;
  /** Per iteration: log-likelihood of all annotations. */
  readonly logLikelihood: number[];
}

const SMOOTHING = 0.01;
/** β and d of the header (split-half choice, bench/kinds-studies.ts). */
export const DEFAULT_POOL_STRENGTH = 0.2;
export const DEFAULT_DIAGONAL_PRIOR = 10;

/** Expected counts of one EM pass. */
interface Counts {
  readonly confusion: Float64Array;
  readonly transition: Float64Array;
  readonly initial: Float64Array;
}

/** HMM-crowd (see the header). Empty input → all-O tags, confidence 0. */
export function hmmCrowd(crowd: SpanCrowd, options: HmmCrowdOptions = {}): HmmCrowdResult {
  validateSpanCrowd(crowd);
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-6;
  const poolStrength = options.poolStrength ?? DEFAULT_POOL_STRENGTH;
  const sequential = options.sequential ?? true;
  const T = tagCount(crowd.nTypes);
  const nTokens = crowd.tokenOffset[crowd.tokenOffset.length - 1];
  const annotated = annotatedTasks(crowd);
  const byTask = annotationsByTask(crowd);
  const start = tokenDawidSkene(crowd);
  const diagonalPrior = options.diagonalPrior ?? DEFAULT_DIAGONAL_PRIOR;
  const shape = { T, C: sequential ? T : 1, sequential, poolStrength, diagonalPrior };
  let parameters = maximize(
    crowd,
    initialCounts(crowd, shape, start.marginals, start.tags, annotated),
    shape,
  );
  const marginals = new Float64Array(nTokens * T);
  const logLikelihood: number[] = [];
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const counts = emptyCounts(crowd.nWorkers, shape);
    let ll = 0;
    for (let t = 0; t < byTask.length; t++) {
      if (byTask[t].length > 0)
        ll += expectTask(crowd, parameters, t, byTask[t], marginals, counts);
    }
    logLikelihood.push(ll);
    parameters = maximize(crowd, counts, shape);
    const gain =
      iteration > 0 ? (ll - logLikelihood[iteration - 1]) / Math.max(1, nTokens) : Infinity;
    if (gain < tolerance) break;
  }
  const tags = viterbiTasks(crowd, parameters, byTask);
  const taskConfidence = new Float64Array(byTask.length);
  for (let t = 0; t < byTask.length; t++) {
    let confidence = byTask[t].length > 0 ? 1 : 0;
    for (let i = crowd.tokenOffset[t]; i < crowd.tokenOffset[t + 1]; i++) {
      confidence = Math.min(confidence, marginals[i * T + tags[i]]);
    }
    taskConfidence[t] = confidence;
  }
  return {
    tags,
    marginals,
    taskConfidence,
    confusion: contextFreeConfusion(parameters, crowd.nWorkers),
    iterations: logLikelihood.length,
    parameters,
    logLikelihood,
  };
}

/** Annotation indexes per task, in input order. */
function annotationsByTask(crowd: SpanCrowd): number[][] {
  const byTask: number[][] = Array.from({ length: crowd.tokenOffset.length - 1 }, () => []);
  for (let a = 0; a < crowd.annotationTask.length; a++) byTask[crowd.annotationTask[a]].push(a);
  return byTask;
}

/** Sizes and priors of the model. */
interface Shape {
  readonly T: number;
  /** Contexts of the worker model: 1, or T (the worker's previous tag). */
  readonly C: number;
  readonly sequential: boolean;
  readonly poolStrength: number;
  readonly diagonalPrior: number;
}

function emptyCounts(nWorkers: number, { T, C }: Shape): Counts {
  return {
    confusion: new Float64Array(nWorkers * T * C * T),
    transition: new Float64Array(T * T),
    initial: new Float64Array(T),
  };
}

/** Counts from initial marginals (confusion) and an initial decoding (transitions). */
function initialCounts(
  crowd: SpanCrowd,
  shape: Shape,
  marginals: Float64Array,
  tags: Int32Array,
  annotated: Uint8Array,
): Counts {
  const T = shape.T;
  const counts = emptyCounts(crowd.nWorkers, shape);
  for (let a = 0; a < crowd.annotationTask.length; a++) {
    const first = crowd.tokenOffset[crowd.annotationTask[a]];
    const gamma = marginals.subarray(first * T);
    addConfusionCounts(crowd, a, gamma, shape, counts.confusion);
  }
  for (let t = 0; t < annotated.length; t++) {
    if (!annotated[t]) continue;
    const from = crowd.tokenOffset[t];
    const to = crowd.tokenOffset[t + 1];
    if (to > from) counts.initial[tags[from]] += 1;
    for (let i = from + 1; i < to; i++) counts.transition[tags[i - 1] * T + tags[i]] += 1;
  }
  return counts;
}

/** Adds annotation a's tags, weighted by the marginals γ of its task, to confusion counts. */
function addConfusionCounts(
  crowd: SpanCrowd,
  a: number,
  gamma: Float64Array,
  { T, C }: Shape,
  confusion: Float64Array,
): void {
  const w = crowd.annotationWorker[a];
  const first = crowd.tagOffset[a];
  for (let i = 0; i < crowd.tagOffset[a + 1] - first; i++) {
    const label = crowd.tags[first + i];
    const context = C === 1 || i === 0 ? 0 : crowd.tags[first + i - 1];
    for (let k = 0; k < T; k++) confusion[cell(w, k, context, label, T, C)] += gamma[i * T + k];
  }
}

/** M-step: normalised counts with the smoothing and pooling of the header. */
function maximize(crowd: SpanCrowd, counts: Counts, shape: Shape): HmmCrowdParameters {
  const { T, C, poolStrength, sequential } = shape;
  const size = T * C * T;
  const pooled = new Float64Array(size);
  for (let w = 0; w < crowd.nWorkers; w++) {
    for (let j = 0; j < size; j++) pooled[j] += counts.confusion[w * size + j];
  }
  normalizeRowsWith(pooled, T, SMOOTHING);
  const confusion = new Float64Array(crowd.nWorkers * size);
  for (let w = 0; w < crowd.nWorkers; w++) {
    for (let j = 0; j < size; j++) {
      confusion[w * size + j] = counts.confusion[w * size + j] + poolStrength * pooled[j];
    }
    for (let k = 0; k < T; k++) {
      for (let c = 0; c < C; c++) confusion[cell(w, k, c, k, T, C)] += shape.diagonalPrior;
    }
  }
  normalizeRowsWith(confusion, T, SMOOTHING);
  const transition = new Float64Array(T * T);
  const initial = new Float64Array(T);
  for (let j = 0; j < T; j++) {
    for (let k = 0; k < T; k++) {
      if (isAllowedTransition(j, k)) transition[j * T + k] = counts.transition[j * T + k] + 1;
    }
    if (isAllowedTransition(-1, j)) initial[j] = counts.initial[j] + 1;
  }
  normalizeRowsWith(transition, T, 0);
  normalizeRowsWith(initial, T, 0);
  return { T, sequential, initial, transition, confusion };
}

/** Adds `smoothing` to every cell and normalises each row of `width` to sum 1. */
function normalizeRowsWith(matrix: Float64Array, width: number, smoothing: number): void {
  for (let start = 0; start < matrix.length; start += width) {
    let total = 0;
    for (let j = start; j < start + width; j++) total += matrix[j] + smoothing;
    for (let j = start; j < start + width; j++) matrix[j] = (matrix[j] + smoothing) / total;
  }
}

/**
 * log e_i[k] for the tokens of one task given the annotations `as` (n × T, row-major). Shared
 * by the E-step, Viterbi and the online posterior.
 */
export function emissionLogs(
  parameters: HmmCrowdParameters,
  n: number,
  annotations: ReadonlyArray<{ readonly worker: number; readonly tags: ArrayLike<number> }>,
): Float64Array {
  const { T, confusion } = parameters;
  const C = parameters.sequential ? T : 1;
  const logs = new Float64Array(n * T);
  for (const { worker, tags } of annotations) {
    for (let i = 0; i < n; i++) {
      const context = C === 1 || i === 0 ? 0 : tags[i - 1];
      for (let k = 0; k < T; k++) {
        logs[i * T + k] += Math.log(confusion[cell(worker, k, context, tags[i], T, C)]);
      }
    }
  }
  return logs;
}

/** Index of π_w[k][context][l] in the confusion array (C contexts: 1, or T previous tags). */
function cell(w: number, k: number, context: number, l: number, T: number, C: number): number {
  return ((w * T + k) * C + context) * T + l;
}

function taskAnnotations(crowd: SpanCrowd, as: readonly number[]) {
  return as.map(a => ({
    worker: crowd.annotationWorker[a],
    tags: crowd.tags.subarray(crowd.tagOffset[a], crowd.tagOffset[a + 1]),
  }));
}

/**
 * Forward–backward on one sentence. Writes γ into `gamma` (n × T), adds ξ into
 * `transitionCounts` when given, returns the sentence's log-likelihood.
 */
export function forwardBackward(
  parameters: HmmCrowdParameters,
  logEmission: Float64Array,
  n: number,
  gamma: Float64Array,
  transitionCounts?: Float64Array,
): number {
  const { T, initial, transition } = parameters;
  const emission = new Float64Array(n * T);
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let top = -Infinity;
    for (let k = 0; k < T; k++) top = Math.max(top, logEmission[i * T + k]);
    for (let k = 0; k < T; k++) emission[i * T + k] = Math.exp(logEmission[i * T + k] - top);
    ll += top;
  }
  const alpha = new Float64Array(n * T);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < T; k++) {
      let into = 0;
      if (i === 0) into = initial[k];
      else for (let j = 0; j < T; j++) into += alpha[(i - 1) * T + j] * transition[j * T + k];
      alpha[i * T + k] = into * emission[i * T + k];
      total += alpha[i * T + k];
    }
    scale[i] = total;
    for (let k = 0; k < T; k++) alpha[i * T + k] /= total;
    ll += Math.log(total);
  }
  const beta = new Float64Array(n * T).fill(1);
  for (let i = n - 2; i >= 0; i--) {
    for (let j = 0; j < T; j++) {
      let out = 0;
      for (let k = 0; k < T; k++) {
        out += transition[j * T + k] * emission[(i + 1) * T + k] * beta[(i + 1) * T + k];
      }
      beta[i * T + j] = out / scale[i + 1];
    }
  }
  for (let i = 0; i < n * T; i++) gamma[i] = alpha[i] * beta[i];
  if (transitionCounts) {
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < T; j++) {
        const from = alpha[(i - 1) * T + j] / scale[i];
        for (let k = 0; k < T; k++) {
          transitionCounts[j * T + k] +=
            from * transition[j * T + k] * emission[i * T + k] * beta[i * T + k];
        }
      }
    }
  }
  return ll;
}

/** E-step of one task: marginals into `marginals`, expected counts into `counts`. */
function expectTask(
  crowd: SpanCrowd,
  parameters: HmmCrowdParameters,
  t: number,
  as: readonly number[],
  marginals: Float64Array,
  counts: Counts,
): number {
  const T = parameters.T;
  const from = crowd.tokenOffset[t];
  const n = crowd.tokenOffset[t + 1] - from;
  if (n === 0) return 0;
  const logs = emissionLogs(parameters, n, taskAnnotations(crowd, as));
  const gamma = marginals.subarray(from * T, (from + n) * T);
  const ll = forwardBackward(parameters, logs, n, gamma, counts.transition);
  for (let k = 0; k < T; k++) counts.initial[k] += gamma[k];
  const shape = {
    T,
    C: parameters.sequential ? T : 1,
    sequential: parameters.sequential,
    poolStrength: 0,
    diagonalPrior: 0,
  };
  for (const a of as) addConfusionCounts(crowd, a, gamma, shape, counts.confusion);
  return ll;
}

/** Viterbi decoding of every annotated task under the learned model. */
function viterbiTasks(
  crowd: SpanCrowd,
  parameters: HmmCrowdParameters,
  byTask: readonly number[][],
): Int32Array {
  const T = parameters.T;
  const logTransition = parameters.transition.map(Math.log);
  const logInitial = parameters.initial.map(Math.log);
  const tags = new Int32Array(crowd.tokenOffset[crowd.tokenOffset.length - 1]);
  for (let t = 0; t < byTask.length; t++) {
    if (byTask[t].length === 0) continue;
    const from = crowd.tokenOffset[t];
    const n = crowd.tokenOffset[t + 1] - from;
    const logs = emissionLogs(parameters, n, taskAnnotations(crowd, byTask[t]));
    decodeWellFormed(logs, n, T, tags.subarray(from, from + n), logTransition, logInitial);
  }
  return tags;
}

/**
 * Online posterior of one task from its current annotations and learned parameters: the
 * Viterbi tags, the marginals and the confidence (smallest marginal of a decoded tag; 0 with no
 * annotation). For dynamic overlap and the review queue, after every answer.
 */
export function hmmCrowdTaskPosterior(
  parameters: HmmCrowdParameters,
  n: number,
  annotations: ReadonlyArray<{ readonly worker: number; readonly tags: ArrayLike<number> }>,
): { tags: Int32Array; marginals: Float64Array; confidence: number } {
  const T = parameters.T;
  const tags = new Int32Array(n);
  const marginals = new Float64Array(n * T);
  if (annotations.length === 0 || n === 0) return { tags, marginals, confidence: 0 };
  const logs = emissionLogs(parameters, n, annotations);
  forwardBackward(parameters, logs, n, marginals);
  decodeWellFormed(
    logs,
    n,
    T,
    tags,
    parameters.transition.map(Math.log),
    parameters.initial.map(Math.log),
  );
  let confidence = 1;
  for (let i = 0; i < n; i++) confidence = Math.min(confidence, marginals[i * T + tags[i]]);
  return { tags, marginals, confidence };
}

/**
 * Per-worker T × T confusion P(tag l | true k) for reports: for the sequential model, the
 * context rows averaged with equal weight (a summary; the model itself keeps the contexts).
 */
function contextFreeConfusion(parameters: HmmCrowdParameters, nWorkers: number): Float64Array {
  const { T, sequential, confusion } = parameters;
  if (!sequential) return confusion;
  const out = new Float64Array(nWorkers * T * T);
  for (let w = 0; w < nWorkers; w++) {
    for (let k = 0; k < T; k++) {
      for (let c = 0; c < T; c++) {
        for (let l = 0; l < T; l++)
          out[(w * T + k) * T + l] += confusion[cell(w, k, c, l, T, T)] / T;
      }
    }
  }
  return out;
}
