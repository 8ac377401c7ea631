import { argmaxRows } from './math';

/**
 * Crowd responses in coordinate form: response r says worker `worker[r]` gave label `label[r]`
 * to task `task[r]`. Indexes are dense (0 ≤ task[r] < nTasks, 0 ≤ worker[r] < nWorkers,
 * 0 ≤ label[r] < nLabels). Built by `encodeResponses`; algorithms never see database ids.
 *
 * Memory is linear in the number of responses: three Int32Arrays of length R.
 */
export interface ResponseMatrix {
  readonly nTasks: number;
  readonly nWorkers: number;
  readonly nLabels: number;
  readonly task: Int32Array;
  readonly worker: Int32Array;
  readonly label: Int32Array;
}

/** Output shared by every classification aggregator. */
export interface AggregationResult {
  /** Row-major nTasks × nLabels. Each row sums to 1, or is all zeros if the task has no responses. */
  readonly probabilities: Float64Array;
  /**
   * Most probable label per task; -1 when the task has no responses (or abstains, see
   * `applyAbstention`). Ties go to the lowest label index.
   */
  readonly labels: Int32Array;
}

/** Known true labels: `gold[t]` is a label index, or -1 when task t is not gold. */
export type GoldLabels = Int32Array;

/**
 * Checks lengths and index ranges once, at the door. Throws a plain `RangeError`: pure code
 * knows nothing of GraphQL; the service turns it into BAD_USER_INPUT when it comes from users.
 */
export function validateResponseMatrix(m: ResponseMatrix, gold?: GoldLabels): void {
  const n = m.task.length;
  if (m.worker.length !== n || m.label.length !== n) {
    throw new RangeError(
      `response arrays differ in length: task ${n}, worker ${m.worker.length}, label ${m.label.length}`,
    );
  }
  if (!(m.nTasks >= 0 && m.nWorkers >= 0 && m.nLabels >= 0)) {
    throw new RangeError('nTasks, nWorkers and nLabels must be non-negative');
  }
  for (let r = 0; r < n; r++) {
    const t = m.task[r];
    const w = m.worker[r];
    const l = m.label[r];
    if (t < 0 || t >= m.nTasks) throw new RangeError(`response ${r}: task ${t} out of range`);
    if (w < 0 || w >= m.nWorkers) throw new RangeError(`response ${r}: worker ${w} out of range`);
    if (l < 0 || l >= m.nLabels) throw new RangeError(`response ${r}: label ${l} out of range`);
  }
  if (gold) {
    if (gold.length !== m.nTasks) {
      throw new RangeError(`gold has length ${gold.length}, expected nTasks = ${m.nTasks}`);
    }
    for (let t = 0; t < gold.length; t++) {
      if (gold[t] < -1 || gold[t] >= m.nLabels) {
        throw new RangeError(`gold label ${gold[t]} of task ${t} out of range`);
      }
    }
  }
}

/** A matrix with no responses, for empty-input paths. */
export function emptyResult(m: Pick<ResponseMatrix, 'nTasks' | 'nLabels'>): AggregationResult {
  return {
    probabilities: new Float64Array(m.nTasks * m.nLabels),
    labels: new Int32Array(m.nTasks).fill(-1),
  };
}

/**
 * With a single label (K = 1) there is nothing to learn: every answered task gets label 0 with
 * probability 1, unanswered ones stay at -1.
 */
export function singleLabelResult(m: ResponseMatrix): AggregationResult {
  const probabilities = new Float64Array(m.nTasks);
  for (let r = 0; r < m.task.length; r++) probabilities[m.task[r]] = 1;
  return { probabilities, labels: argmaxRows(probabilities, 1) };
}
