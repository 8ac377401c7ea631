/**
 * One aggregation run of a project, from encoded answers to everything the service stores: per
 * task the consensus, its confidence and the posterior over the schema's label keys; per worker
 * the method's skill estimate, confusion matrix, and answer / gold / agreement counts. Pure (no
 * database, no Node modules), so it runs unchanged on the request thread, in a worker thread
 * (parallel/aggregation.worker.ts) or in a batch engine.
 *
 * SINGLE_CHOICE: the registry method runs once on the matrix; label index k is schema key k.
 * Soft answers (`soft`: a response given as a probability vector, e.g. a pre-label model's) are
 * read as such by the methods in `SOFT_ANSWER_METHODS` (Dawid–Skene): the method sees the
 * matrix without those responses plus the vectors. Every other method, and every count below
 * (answers, agreement, gold), reads the response's label in the matrix, the vector's argmax.
 *
 *   consensus_t  = labels[t]  (the method's argmax; ties go to the lowest schema index)
 *   confidence_t = P(z_t = consensus_t)
 *
 * MULTI_LABEL: binary relevance. An answer is a set of keys; each key k becomes its own binary
 * question "is k in the task's true set?", answered 1 by a worker who included k and 0 by one who
 * answered the task without it. The method runs once per key on that 0/1 matrix (gold: 1 when k
 * is in the gold set), so every key gets its own worker reliabilities:
 *
 *   posterior[t][k] = P_k(k ∈ Y_t)           (marginal, not a distribution over keys)
 *   k ∈ consensus_t ⇔ labels_k[t] = 1         (P > 1/2; an exact tie leaves k out)
 *   confidence_t    = Π_k P_k(consensus decision on k)   (the whole set is right, keys independent)
 *
 * The consensus set may be empty (no key reached a majority). Keys are independent in this model:
 * it ignores co-occurrence, as binary relevance does (Tsoumakas & Katakis, "Multi-Label
 * Classification: An Overview", IJDWM 3(3), 2007). Per-key outputs combine as: skill = mean of
 * the per-key skills; iterations = the largest per-key count; converged = every key converged;
 * logLikelihood[i] = Σ_k LL_k[min(i, last_k)], the joint log-likelihood of independent keys (a key
 * that stopped early keeps its final value).
 *
 * Layouts (K = number of schema keys, W = workers):
 *   posterior[t * K + k], chosen[t * K + k]
 *   confusion, SINGLE_CHOICE: [((w * K) + k) * K + l] = P(w answers l | true k)
 *   confusion, MULTI_LABEL:   [((w * K + k) * 2 + a) * 2 + b] = P(w's answer has k = b | truth has k = a)
 */
import {
  aggregators,
  type AggregatorName,
  type AggregatorOutput,
  SOFT_ANSWER_METHODS,
} from './algorithms';
import type { SoftResponses } from './algorithms/dawid-skene';
import type { ResponseMatrix } from './algorithms/response-matrix';

/** The schema kinds aggregation knows (the values of `LabelSchemaKind`). */
export type AggregationKind = 'SINGLE_CHOICE' | 'MULTI_LABEL';

/** Answer sets of a MULTI_LABEL matrix in CSR form: set s is keys[offsets[s] .. offsets[s + 1]). */
export interface AnswerSets {
  readonly offsets: Int32Array;
  readonly keys: Int32Array;
}

/**
 * Responses of a SINGLE_CHOICE matrix that were given as probability vectors: response
 * `response[i]` (its `label` is the vector's argmax) is `probabilities[i·K .. i·K + K)` over the
 * schema's keys. Distinct indexes, each vector non-negative and not all zero.
 */
export interface SoftAnswers {
  readonly response: Int32Array;
  readonly probabilities: Float64Array;
}

/** What a run needs, all dense indexes (see `encodeProjectAnswers`). */
export interface AggregationProblem {
  readonly method: AggregatorName;
  readonly kind: AggregationKind;
  /** K: number of label keys in the project's schema. */
  readonly nKeys: number;
  /**
   * SINGLE_CHOICE: `label[r]` is a schema key index (nLabels = K). MULTI_LABEL: `label[r]` is an
   * answer-set index into `answerSets` (nLabels = number of distinct sets).
   */
  readonly matrix: ResponseMatrix;
  /** Per task: gold label (or gold set) index in the same space as `matrix.label`; −1 = not gold. */
  readonly gold?: Int32Array;
  /** MULTI_LABEL only. */
  readonly answerSets?: AnswerSets;
  /** SINGLE_CHOICE only (ignored otherwise); see the file header. */
  readonly soft?: SoftAnswers;
  /** Passed to the method (each method's default when omitted). */
  readonly maxIterations?: number;
}

/** Everything a run produces, by task and worker index. */
export interface AggregationSolution {
  readonly nTasks: number;
  readonly nWorkers: number;
  readonly nKeys: number;
  /** nTasks × K; all zeros for a task without answers. See the file header for the meaning. */
  readonly posterior: Float64Array;
  /** nTasks × K: 1 where the key is in the task's consensus. */
  readonly chosen: Uint8Array;
  /** Per task: probability that the consensus is right; NaN for a task without answers. */
  readonly confidence: Float64Array;
  /** Per task: answers used. */
  readonly taskAnswers: Int32Array;
  /** Per worker: answers used. */
  readonly workerAnswers: Int32Array;
  /** Per worker: answers to gold tasks, and how many of them equal the gold answer exactly. */
  readonly workerGoldAnswers: Int32Array;
  readonly workerGoldCorrect: Int32Array;
  /** Per worker: answers equal to the task's consensus (the whole set, for MULTI_LABEL). */
  readonly workerAgreeing: Int32Array;
  /** Per worker: the method's skill (see algorithms/index.ts for each method's scale); absent for plain majority vote. */
  readonly workerSkill?: Float64Array;
  /** See the layouts in the file header; absent for methods without confusion matrices. */
  readonly confusion?: Float64Array;
  readonly iterations?: number;
  readonly converged?: boolean;
  /** The method's objective per iteration (natural log); empty for non-iterative methods. */
  readonly logLikelihood: number[];
}

/** Runs the problem's method and summarises the result: the whole run, on the calling thread. */
export function computeAggregation(problem: AggregationProblem): AggregationSolution {
  return problem.kind === 'SINGLE_CHOICE'
    ? summarizeSingleChoice(problem, runSingleChoice(problem))
    : computeMultiLabel(problem);
}

/** The method on a SINGLE_CHOICE problem, with its soft answers where the method reads them. */
function runSingleChoice(problem: AggregationProblem): AggregatorOutput {
  const { method, matrix, soft } = problem;
  if (!soft || soft.response.length === 0 || !SOFT_ANSWER_METHODS.has(method)) {
    return runMethod(method, matrix, problem);
  }
  const split = splitSoftAnswers(matrix, soft);
  return runMethod(method, split.hard, problem, split.soft);
}

/**
 * The matrix without the soft answers' responses, and those responses as `SoftResponses` (same
 * task and worker indexes). Throws a RangeError for an index out of range or repeated, or
 * vectors of the wrong length.
 */
export function splitSoftAnswers(
  m: ResponseMatrix,
  soft: SoftAnswers,
): { hard: ResponseMatrix; soft: SoftResponses } {
  const R = m.task.length;
  const n = soft.response.length;
  if (soft.probabilities.length !== n * m.nLabels) {
    throw new RangeError(
      `soft answers hold ${soft.probabilities.length} probabilities, not ${n} × ${m.nLabels}`,
    );
  }
  const isSoft = new Uint8Array(R);
  const task = new Int32Array(n);
  const worker = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = soft.response[i];
    if (!(r >= 0 && r < R) || isSoft[r]) {
      throw new RangeError(`soft answer ${i}: response ${r} out of range or repeated`);
    }
    isSoft[r] = 1;
    task[i] = m.task[r];
    worker[i] = m.worker[r];
  }
  const hard = {
    ...m,
    task: new Int32Array(R - n),
    worker: new Int32Array(R - n),
    label: new Int32Array(R - n),
  };
  let kept = 0;
  for (let r = 0; r < R; r++) {
    if (isSoft[r]) continue;
    hard.task[kept] = m.task[r];
    hard.worker[kept] = m.worker[r];
    hard.label[kept] = m.label[r];
    kept++;
  }
  return { hard, soft: { task, worker, probabilities: soft.probabilities } };
}

/**
 * The SINGLE_CHOICE summary of a method's output computed elsewhere (e.g. by the parallel
 * Dawid–Skene runner), so every path stores the same fields.
 */
export function summarizeSingleChoice(
  problem: AggregationProblem,
  output: AggregatorOutput,
): AggregationSolution {
  const m = problem.matrix;
  const K = problem.nKeys;
  if (m.nLabels !== K) throw new RangeError(`matrix has ${m.nLabels} labels, schema has ${K}`);
  const posterior = Float64Array.from(output.probabilities);
  const chosen = new Uint8Array(m.nTasks * K);
  const confidence = new Float64Array(m.nTasks).fill(NaN);
  const taskAnswers = countPerTask(m);
  for (let t = 0; t < m.nTasks; t++) {
    const label = output.labels[t];
    if (taskAnswers[t] === 0 || label < 0) continue;
    chosen[t * K + label] = 1;
    confidence[t] = posterior[t * K + label];
  }
  return solutionOf(
    problem,
    { posterior, chosen, confidence, taskAnswers },
    (r, t) => m.label[r] === output.labels[t],
    {
      workerSkill: output.workerSkill,
      confusion: output.confusion,
      iterations: output.iterations,
      converged: output.converged,
      logLikelihood: [...(output.logLikelihood ?? [])],
    },
  );
}

function computeMultiLabel(problem: AggregationProblem): AggregationSolution {
  const { matrix: m, gold, answerSets } = problem;
  const K = problem.nKeys;
  if (!answerSets) throw new RangeError('a MULTI_LABEL problem needs answerSets');
  if (answerSets.offsets.length !== m.nLabels + 1) {
    throw new RangeError(
      `answerSets describe ${answerSets.offsets.length - 1} sets, matrix has ${m.nLabels}`,
    );
  }
  // membership[s * K + k] = 1 when answer set s contains key k.
  const membership = new Uint8Array(m.nLabels * K);
  for (let s = 0; s < m.nLabels; s++) {
    for (let i = answerSets.offsets[s]; i < answerSets.offsets[s + 1]; i++) {
      const k = answerSets.keys[i];
      if (!(k >= 0 && k < K))
        throw new RangeError(`answer set ${s} holds key ${k} outside 0..${K - 1}`);
      membership[s * K + k] = 1;
    }
  }

  const R = m.task.length;
  const posterior = new Float64Array(m.nTasks * K);
  const chosen = new Uint8Array(m.nTasks * K);
  const confidence = new Float64Array(m.nTasks).fill(1);
  const taskAnswers = countPerTask(m);
  const skillSum = new Float64Array(m.nWorkers);
  let hasSkill = K > 0;
  let confusion: Float64Array | undefined = new Float64Array(m.nWorkers * K * 4);
  let iterations: number | undefined;
  let converged: boolean | undefined;
  const traces: number[][] = [];

  const binaryLabel = new Int32Array(R);
  const binaryMatrix: ResponseMatrix = { ...m, nLabels: 2, label: binaryLabel };
  const binaryGold = gold ? new Int32Array(m.nTasks) : undefined;
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < R; r++) binaryLabel[r] = membership[m.label[r] * K + k];
    if (gold && binaryGold) {
      for (let t = 0; t < m.nTasks; t++)
        binaryGold[t] = gold[t] < 0 ? -1 : membership[gold[t] * K + k];
    }
    const output = runMethod(problem.method, binaryMatrix, { ...problem, gold: binaryGold });
    for (let t = 0; t < m.nTasks; t++) {
      if (taskAnswers[t] === 0) continue;
      const decision = output.labels[t] === 1 ? 1 : 0;
      posterior[t * K + k] = output.probabilities[t * 2 + 1];
      chosen[t * K + k] = decision;
      confidence[t] *= output.probabilities[t * 2 + decision];
    }
    if (output.workerSkill)
      for (let w = 0; w < m.nWorkers; w++) skillSum[w] += output.workerSkill[w];
    else hasSkill = false;
    if (output.confusion && confusion) {
      for (let w = 0; w < m.nWorkers; w++) {
        for (let cell = 0; cell < 4; cell++)
          confusion[(w * K + k) * 4 + cell] = output.confusion[w * 4 + cell];
      }
    } else {
      confusion = undefined;
    }
    if (output.iterations !== undefined) iterations = Math.max(iterations ?? 0, output.iterations);
    if (output.converged !== undefined) converged = (converged ?? true) && output.converged;
    traces.push([...(output.logLikelihood ?? [])]);
  }
  for (let t = 0; t < m.nTasks; t++) if (taskAnswers[t] === 0) confidence[t] = NaN;

  const agrees = (r: number, t: number): boolean => {
    const s = m.label[r];
    for (let k = 0; k < K; k++) if (membership[s * K + k] !== chosen[t * K + k]) return false;
    return true;
  };
  return solutionOf(problem, { posterior, chosen, confidence, taskAnswers }, agrees, {
    workerSkill: hasSkill ? skillSum.map(sum => sum / K) : undefined,
    confusion,
    iterations,
    converged,
    logLikelihood: jointTrace(traces),
  });
}

/**
 * A solution from its per-task decision and the method's fit, with the sizes and the per-worker
 * counts every path computes the same way (`agrees`: does response r match task t's consensus).
 */
function solutionOf(
  problem: AggregationProblem,
  decision: Pick<AggregationSolution, 'posterior' | 'chosen' | 'confidence' | 'taskAnswers'>,
  agrees: (response: number, task: number) => boolean,
  fit: Pick<
    AggregationSolution,
    'workerSkill' | 'confusion' | 'iterations' | 'converged' | 'logLikelihood'
  >,
): AggregationSolution {
  const m = problem.matrix;
  return {
    nTasks: m.nTasks,
    nWorkers: m.nWorkers,
    nKeys: problem.nKeys,
    ...decision,
    ...workerCounts(m, problem.gold, agrees),
    ...fit,
  };
}

function runMethod(
  method: AggregatorName,
  matrix: ResponseMatrix,
  options: Pick<AggregationProblem, 'gold' | 'maxIterations'>,
  soft?: SoftResponses,
): AggregatorOutput {
  const aggregator = aggregators[method];
  if (!aggregator) throw new RangeError(`unknown aggregation method ${String(method)}`);
  return aggregator(matrix, {
    gold: options.gold,
    maxIterations: options.maxIterations,
    soft,
  });
}

/** Σ_k trace_k[min(i, last)] for i up to the longest trace. */
function jointTrace(traces: number[][]): number[] {
  const length = Math.max(0, ...traces.map(trace => trace.length));
  const joint: number[] = [];
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const trace of traces) if (trace.length > 0) sum += trace[Math.min(i, trace.length - 1)];
    joint.push(sum);
  }
  return joint;
}

function countPerTask(m: ResponseMatrix): Int32Array {
  const counts = new Int32Array(m.nTasks);
  for (let r = 0; r < m.task.length; r++) counts[m.task[r]]++;
  return counts;
}

/** Per-worker answers, gold answers, exact gold matches, and answers agreeing with consensus. */
function workerCounts(
  m: ResponseMatrix,
  gold: Int32Array | undefined,
  agrees: (response: number, task: number) => boolean,
): Pick<
  AggregationSolution,
  'workerAnswers' | 'workerGoldAnswers' | 'workerGoldCorrect' | 'workerAgreeing'
> {
  const workerAnswers = new Int32Array(m.nWorkers);
  const workerGoldAnswers = new Int32Array(m.nWorkers);
  const workerGoldCorrect = new Int32Array(m.nWorkers);
  const workerAgreeing = new Int32Array(m.nWorkers);
  for (let r = 0; r < m.task.length; r++) {
    const w = m.worker[r];
    const t = m.task[r];
    workerAnswers[w]++;
    if (agrees(r, t)) workerAgreeing[w]++;
    if (gold && gold[t] >= 0) {
      workerGoldAnswers[w]++;
      // Same index space: equal indexes are equal labels (or equal answer sets).
      if (m.label[r] === gold[t]) workerGoldCorrect[w]++;
    }
  }
  return { workerAnswers, workerGoldAnswers, workerGoldCorrect, workerAgreeing };
}

/** The typed arrays of a solution, for a zero-copy `postMessage` transfer list. */
export function solutionBuffers(solution: AggregationSolution): ArrayBuffer[] {
  const arrays = [
    solution.posterior,
    solution.chosen,
    solution.confidence,
    solution.taskAnswers,
    solution.workerAnswers,
    solution.workerGoldAnswers,
    solution.workerGoldCorrect,
    solution.workerAgreeing,
    solution.workerSkill,
    solution.confusion,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  }
  return [...buffers];
}
