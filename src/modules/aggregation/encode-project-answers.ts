/**
 * A project's stored answers → an `AggregationProblem` (compute-aggregation.ts). Pure. Built on
 * `ResponseEncoder`, so the product applies the rules of encode-responses.ts, the same as the
 * `quorum aggregate` CLI: a worker's latest answer to a task counts (rows must arrive in
 * submission order), tasks and workers are indexed in order of first appearance.
 *
 * - SINGLE_CHOICE: the label index is the key's position in the project's schema, so ties go to
 *   the schema's first label. Gold: the task's one gold key.
 * - MULTI_LABEL: each distinct answer set becomes one "label" of the encoder, written as the
 *   sorted schema indexes of its keys ("0,2"); `answerSets` maps those back to key indexes.
 *   Gold sets are encoded the same way, so a gold answer is correct exactly when it is the same set.
 * - An answer the schema cannot read (a key not in the schema, no key, or several keys under
 *   SINGLE_CHOICE) is skipped and counted in `ignoredAnswers`; it cannot happen through the API,
 *   which validates answers, but a run never fails on one stored row. An unreadable gold answer
 *   leaves the task out of gold.
 * - Soft answers (SINGLE_CHOICE; a model's prediction): a row may carry `probabilities` over the
 *   schema's keys. The row is still an answer with its label (the argmax) in the matrix, and the
 *   vector is passed on as `soft` for the methods that read it, only when it fits the schema as it
 *   is now: K values, non-negative, finite, not all zero, with its first maximum at the row's
 *   label. Anything else (a vector from before the schema changed, say) leaves the plain label.
 *   A later answer of the same worker to the same task replaces the vector with its own (or none).
 */
import type { AnswerSets, AggregationKind, SoftAnswers } from './compute-aggregation';
import type { ResponseMatrix } from './algorithms/response-matrix';
import { ResponseEncoder } from './encode-responses';

/** One stored answer, with its task's gold answer (null when the task is not gold). */
export interface ProjectAnswerRow {
  readonly workerId: string;
  readonly taskId: string;
  readonly answerLabels: readonly string[];
  readonly goldLabels: readonly string[] | null;
  /**
   * SINGLE_CHOICE only, optional: the answer as a probability vector over the schema's keys, in
   * schema order, whose argmax is `answerLabels[0]` (see the file header for when it is used).
   */
  readonly probabilities?: readonly number[];
}

/** The encoded project: the problem's inputs and the maps back to ids. */
export interface EncodedProjectAnswers {
  readonly kind: AggregationKind;
  /** The schema's keys, in schema order. */
  readonly keys: readonly string[];
  readonly matrix: ResponseMatrix;
  /** Present when at least one answered task is gold. */
  readonly gold?: Int32Array;
  /** MULTI_LABEL only. */
  readonly answerSets?: AnswerSets;
  /** SINGLE_CHOICE answers given as probability vectors; absent when there are none. */
  readonly soft?: SoftAnswers;
  readonly taskIds: readonly string[];
  readonly workerIds: readonly string[];
  /** Rows skipped because the schema cannot read their answer. */
  readonly ignoredAnswers: number;
  /** Rows replaced by the same worker's later answer to the same task. */
  readonly replacedAnswers: number;
  /** Answered gold tasks. */
  readonly goldTasks: number;
}

/**
 * Streams rows in (`add`, in submission order), then `finish` once.
 *
 * @example
 * const encoder = new ProjectAnswerEncoder('SINGLE_CHOICE', ['cat', 'dog']);
 * for (const row of rows) encoder.add(row);
 * const { matrix, gold, taskIds } = encoder.finish();
 */
export class ProjectAnswerEncoder {
  private readonly keyIndex: Map<string, number>;
  private readonly encoder: ResponseEncoder;
  private readonly goldByTask = new Map<string, string>();
  /** Worker id → task id → the soft answer's vector (only workers that gave one). */
  private readonly softByWorker = new Map<string, Map<string, Float64Array>>();
  private ignored = 0;

  constructor(
    readonly kind: AggregationKind,
    private readonly keys: readonly string[],
  ) {
    this.keyIndex = new Map(keys.map((key, index) => [key, index]));
    if (this.keyIndex.size !== keys.length) throw new RangeError('label keys repeat');
    // Single choice: the schema's keys are the encoder's label set, in schema order.
    // Multi-label: the labels are answer-set codes, whose order does not matter (ties are per key).
    this.encoder = new ResponseEncoder(kind === 'SINGLE_CHOICE' ? { labelSet: keys } : {});
  }

  /** Adds one answer (and remembers its task's gold answer). */
  add(row: ProjectAnswerRow): void {
    const code = this.code(row.answerLabels);
    if (code === null) {
      this.ignored++;
      return;
    }
    this.encoder.add(row.workerId, row.taskId, code);
    // Human rows carry no vector: nothing to do for them until some worker gave one.
    if (row.probabilities !== undefined || this.softByWorker.size > 0) this.noteSoft(row, code);
    if (row.goldLabels && !this.goldByTask.has(row.taskId)) {
      const goldCode = this.code(row.goldLabels);
      if (goldCode !== null) this.goldByTask.set(row.taskId, goldCode);
    }
  }

  finish(): EncodedProjectAnswers {
    const encoded = this.encoder.finish(this.goldByTask.size > 0 ? this.goldByTask : undefined);
    let answerSets: AnswerSets | undefined;
    if (this.kind === 'MULTI_LABEL') {
      const offsets = new Int32Array(encoded.labelKeys.length + 1);
      const members: number[] = [];
      encoded.labelKeys.forEach((code, s) => {
        for (const index of code.split(',')) members.push(Number(index));
        offsets[s + 1] = members.length;
      });
      answerSets = { offsets, keys: Int32Array.from(members) };
    }
    return {
      kind: this.kind,
      keys: this.keys,
      matrix: encoded.matrix,
      gold: encoded.gold && encoded.goldCount > 0 ? encoded.gold : undefined,
      answerSets,
      soft: this.softAnswers(encoded.matrix, encoded.taskIds, encoded.workerIds),
      taskIds: encoded.taskIds,
      workerIds: encoded.workerIds,
      ignoredAnswers: this.ignored,
      replacedAnswers: encoded.replacedAnswers,
      goldTasks: encoded.goldCount,
    };
  }

  /** Remembers (or, for a later answer without one, forgets) the row's soft vector. */
  private noteSoft(row: ProjectAnswerRow, code: string): void {
    const vector = row.probabilities && this.softVector(row.probabilities, code);
    let byTask = this.softByWorker.get(row.workerId);
    if (vector) {
      if (!byTask) this.softByWorker.set(row.workerId, (byTask = new Map()));
      byTask.set(row.taskId, vector);
    } else {
      byTask?.delete(row.taskId);
    }
  }

  /** The vector as a Float64Array when it fits the schema and the label (file header), else null. */
  private softVector(probabilities: readonly number[], code: string): Float64Array | null {
    const K = this.keys.length;
    if (this.kind !== 'SINGLE_CHOICE' || probabilities.length !== K) return null;
    const vector = new Float64Array(K);
    let argmax = 0;
    let mass = 0;
    for (let k = 0; k < K; k++) {
      const value = Number(probabilities[k]);
      if (!(value >= 0 && Number.isFinite(value))) return null;
      vector[k] = value;
      mass += value;
      if (value > vector[argmax]) argmax = k;
    }
    return mass > 0 && argmax === this.keyIndex.get(code) ? vector : null;
  }

  /** The soft answers of the finished matrix, by response index; undefined when none. */
  private softAnswers(
    matrix: ResponseMatrix,
    taskIds: readonly string[],
    workerIds: readonly string[],
  ): SoftAnswers | undefined {
    if (this.softByWorker.size === 0) return undefined;
    const byWorker = workerIds.map(id => this.softByWorker.get(id));
    const responses: number[] = [];
    const vectors: Float64Array[] = [];
    for (let r = 0; r < matrix.task.length; r++) {
      const vector = byWorker[matrix.worker[r]]?.get(taskIds[matrix.task[r]]);
      if (!vector) continue;
      responses.push(r);
      vectors.push(vector);
    }
    if (responses.length === 0) return undefined;
    const K = this.keys.length;
    const probabilities = new Float64Array(responses.length * K);
    vectors.forEach((vector, i) => probabilities.set(vector, i * K));
    return { response: Int32Array.from(responses), probabilities };
  }

  /** The encoder label for an answer, or null when the schema cannot read it. */
  private code(labels: readonly string[]): string | null {
    if (labels.length === 0) return null;
    if (this.kind === 'SINGLE_CHOICE') {
      return labels.length === 1 && this.keyIndex.has(labels[0]) ? labels[0] : null;
    }
    const indexes: number[] = [];
    for (const key of labels) {
      const index = this.keyIndex.get(key);
      if (index === undefined) return null;
      indexes.push(index);
    }
    indexes.sort((a, b) => a - b);
    for (let i = 1; i < indexes.length; i++) if (indexes[i] === indexes[i - 1]) return null;
    return indexes.join(',');
  }
}
