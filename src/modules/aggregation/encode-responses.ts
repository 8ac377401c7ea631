/**
 * Answers with string ids ↔ the dense indexes the aggregation algorithms work on (STYLE.md 5.9).
 * Pure: no database, no Node modules. The product's aggregation service and the `quorum aggregate`
 * CLI both encode through this file, so both apply the same rules:
 *
 * - **Repeated answers: the latest one counts.** When a worker answered the same task more than
 *   once, the answer added last (the later CSV row, the later submission when the service passes
 *   rows in submission order) replaces the earlier ones. Each (worker, task) pair appears at most
 *   once in the matrix, so no worker gets two votes on one task. (`keepRepeats` turns this off
 *   and counts every answer, as crowd-kit does; for reproducing published benchmarks only.)
 * - **Label order**: the explicit `labelSet` when given (the project's label schema); otherwise
 *   the unique labels of the answers and of the gold labels of answered tasks, sorted: numerically
 *   when every label is a decimal number (so '2' < '10', as pandas would read them), else by
 *   UTF-16 code units (plain `<`, independent of locale). Every aggregator breaks ties towards the
 *   lowest label index, which therefore means the first label of the schema, or the smallest label.
 * - **Task and worker order**: order of first appearance (tasks listed in `knownTasks` first, in
 *   that order). Tasks in `knownTasks` without answers get an index and no responses.
 * - **Response order**: grouped by task index, and within a task in order of arrival. Grouping
 *   by task lets the parallel Dawid–Skene runner split the E-step into contiguous task ranges
 *   without an extra index.
 * - **Gold** for a task that is not in the matrix is ignored (counted in `ignoredGold`): accuracy
 *   is measured on gold tasks with at least one answer.
 *
 * Memory is linear in the number of answers: the encoder grows three Int32Arrays, and `finish`
 * regroups them once with a counting sort (O(answers + tasks + workers)).
 */
import { Interner } from './interner';
import type { GoldLabels, ResponseMatrix } from './algorithms/response-matrix';

/** One answer as it comes from the database or a CSV row. */
export interface ResponseRow {
  readonly worker: string;
  readonly task: string;
  readonly label: string;
}

/** Gold labels by task id: a Map, or any iterable of [task, label] pairs (later pairs win). */
export type GoldByTask = ReadonlyMap<string, string> | Iterable<readonly [string, string]>;

/** Options of `encodeResponses` and `ResponseEncoder`. */
export interface EncodeResponsesOptions {
  /**
   * The allowed labels, in index order (the project's label schema). An answer or gold label
   * outside it is rejected with a RangeError. When omitted, labels are inferred and sorted.
   */
  readonly labelSet?: readonly string[];
  /** Task ids that get indexes first, in this order, even without answers. */
  readonly knownTasks?: Iterable<string>;
  /**
   * Count every answer, repeats included (crowd-kit's behaviour), instead of only each worker's
   * latest answer to a task. Default false. For comparisons with published figures only.
   */
  readonly keepRepeats?: boolean;
}

/** A ResponseMatrix plus the maps back to the caller's ids. */
export interface EncodedResponses {
  readonly matrix: ResponseMatrix;
  /** `taskIds[t]` is the id of task index t. */
  readonly taskIds: readonly string[];
  /** `workerIds[w]` is the id of worker index w. */
  readonly workerIds: readonly string[];
  /** `labelKeys[k]` is the label string of label index k. */
  readonly labelKeys: readonly string[];
  /** Gold label index per task (-1 = not gold); present only when gold was given. */
  readonly gold?: GoldLabels;
  /** Number of gold tasks that have at least one answer (the accuracy denominator). */
  readonly goldCount: number;
  /** Gold entries dropped because their task is not in the matrix. */
  readonly ignoredGold: number;
  /** Answers dropped because a later answer of the same worker to the same task replaced them. */
  readonly replacedAnswers: number;
}

/**
 * Encodes answers in one call. For streams (CSV files, large result sets) use `ResponseEncoder`
 * and call `add` per row, which avoids materialising row objects.
 *
 * @example
 * const encoded = encodeResponses(rows, { labelSet: project.labelSet }, goldByTask);
 * const result = aggregators['dawid-skene'](encoded.matrix, { gold: encoded.gold });
 * const labelOfFirstTask = encoded.labelKeys[result.labels[0]];
 */
export function encodeResponses(
  rows: Iterable<ResponseRow>,
  options: EncodeResponsesOptions = {},
  gold?: GoldByTask,
): EncodedResponses {
  const encoder = new ResponseEncoder(options);
  for (const row of rows) encoder.add(row.worker, row.task, row.label);
  return encoder.finish(gold);
}

/**
 * Incremental form of `encodeResponses`: `add` answers one at a time (in arrival order), then
 * `finish` once. The rules are those of this file's header.
 */
export class ResponseEncoder {
  private readonly tasks = new Interner();
  private readonly workers = new Interner();
  /** Label → provisional index (schema index when a label set is given, else first seen). */
  private readonly labelIndexByKey = new Map<string, number>();
  private readonly labelsSeen: string[] = [];
  private readonly fixedLabels: boolean;
  private readonly keepRepeats: boolean;
  private task = new Int32Array(1024);
  private worker = new Int32Array(1024);
  private label = new Int32Array(1024);
  private count = 0;
  private finished = false;

  constructor(options: EncodeResponsesOptions = {}) {
    this.fixedLabels = options.labelSet !== undefined;
    this.keepRepeats = options.keepRepeats ?? false;
    if (options.labelSet) {
      for (const key of options.labelSet) {
        if (this.labelIndexByKey.has(key)) throw new RangeError(`label set repeats "${key}"`);
        this.labelIndexByKey.set(key, this.labelsSeen.length);
        this.labelsSeen.push(key);
      }
    }
    if (options.knownTasks) for (const id of options.knownTasks) this.taskIndex(id);
  }

  /** Number of answers added so far (before replacing repeated ones). */
  get size(): number {
    return this.count;
  }

  /** Records one answer. Throws a RangeError for a label outside the given label set. */
  add(worker: string, task: string, label: string): void {
    const labelIndex = this.labelIndex(label);
    this.addIndexes(this.workerIndex(worker), this.taskIndex(task), labelIndex);
  }

  /**
   * Records one answer by the encoder's own indexes, as returned by `workerIndex`, `taskIndex`
   * and `labelIndex`: for readers that cache them per distinct id (the CLI's CSV reader) and so
   * skip three string lookups per answer. The rules are the same as `add`'s.
   */
  addIndexes(worker: number, task: number, label: number): void {
    if (this.finished) throw new Error('ResponseEncoder.add called after finish');
    if (
      !(worker >= 0 && worker < this.workers.ids.length) ||
      !(task >= 0 && task < this.tasks.ids.length) ||
      !(label >= 0 && label < this.labelsSeen.length)
    ) {
      throw new RangeError(
        `indexes (${worker}, ${task}, ${label}) were not issued by this encoder`,
      );
    }
    if (this.count === this.task.length) this.grow();
    const r = this.count++;
    this.task[r] = task;
    this.worker[r] = worker;
    this.label[r] = label;
  }

  /** The task's index (assigned on first sight, in order of first appearance). */
  taskIndex(id: string): number {
    return this.tasks.of(id);
  }

  /** The worker's index (assigned on first sight, in order of first appearance). */
  workerIndex(id: string): number {
    return this.workers.of(id);
  }

  /**
   * The label's provisional index, for `addIndexes` only: with an inferred label set, `finish`
   * renumbers labels into sorted order. Throws a RangeError for a label outside the label set.
   */
  labelIndex(key: string): number {
    let k = this.labelIndexByKey.get(key);
    if (k === undefined) {
      if (this.fixedLabels) {
        throw new RangeError(
          `label "${key}" is not in the label set [${this.labelsSeen.join(', ')}]`,
        );
      }
      k = this.labelsSeen.length;
      this.labelIndexByKey.set(key, k);
      this.labelsSeen.push(key);
    }
    return k;
  }

  /** Builds the matrix. The encoder cannot be used afterwards (its buffers are released). */
  finish(gold?: GoldByTask): EncodedResponses {
    if (this.finished) throw new Error('ResponseEncoder.finish called twice');
    this.finished = true;
    const nTasks = this.tasks.ids.length;
    const nWorkers = this.workers.ids.length;

    // Gold first: with inferred labels, gold labels of answered tasks join the label set.
    let goldPairs: Array<[number, string]> | undefined;
    let ignoredGold = 0;
    if (gold) {
      const latestByTask = new Map<number, string>();
      for (const [taskId, goldLabel] of gold) {
        const t = this.tasks.find(taskId);
        if (t === undefined) ignoredGold++;
        else latestByTask.set(t, goldLabel);
      }
      goldPairs = [...latestByTask];
      for (const [, goldLabel] of goldPairs) this.labelIndex(goldLabel);
    }

    const { labelKeys, remap } = this.finalLabelOrder();
    const grouped = groupByTaskKeepingLatest(
      this.task.subarray(0, this.count),
      this.worker.subarray(0, this.count),
      this.label.subarray(0, this.count),
      nTasks,
      nWorkers,
      remap,
      this.keepRepeats,
    );
    // Release the growth buffers before the caller allocates the algorithm's arrays.
    this.task = this.worker = this.label = new Int32Array(0);

    let goldLabels: Int32Array | undefined;
    let goldCount = 0;
    if (goldPairs) {
      goldLabels = new Int32Array(nTasks).fill(-1);
      const hasAnswer = new Uint8Array(nTasks);
      for (let r = 0; r < grouped.task.length; r++) hasAnswer[grouped.task[r]] = 1;
      for (const [t, goldLabel] of goldPairs) {
        goldLabels[t] = remap[this.labelIndexByKey.get(goldLabel)!];
        goldCount += hasAnswer[t];
      }
    }

    return {
      matrix: {
        nTasks,
        nWorkers,
        nLabels: labelKeys.length,
        task: grouped.task,
        worker: grouped.worker,
        label: grouped.label,
      },
      taskIds: this.tasks.ids,
      workerIds: this.workers.ids,
      labelKeys,
      gold: goldLabels,
      goldCount,
      ignoredGold,
      replacedAnswers: this.count - grouped.task.length,
    };
  }

  /** Label keys in final index order, and provisional index → final index. */
  private finalLabelOrder(): { labelKeys: string[]; remap: Int32Array } {
    const keys = this.labelsSeen;
    const remap = new Int32Array(keys.length);
    if (this.fixedLabels) {
      for (let k = 0; k < keys.length; k++) remap[k] = k;
      return { labelKeys: keys.slice(), remap };
    }
    const labelKeys = sortLabels(keys);
    labelKeys.forEach((key, k) => (remap[this.labelIndexByKey.get(key)!] = k));
    return { labelKeys, remap };
  }

  private grow(): void {
    const size = this.task.length * 2;
    for (const name of ['task', 'worker', 'label'] as const) {
      const bigger = new Int32Array(size);
      bigger.set(this[name]);
      this[name] = bigger;
    }
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The inferred label order: numeric when every label is a decimal number (ties between equal
 * numbers such as '1' and '1.0' broken by code units), otherwise UTF-16 code-unit order.
 */
export function sortLabels(labels: readonly string[]): string[] {
  const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  if (labels.length > 0 && labels.every(label => DECIMAL.test(label))) {
    return [...labels].sort((a, b) => Number(a) - Number(b) || byCodeUnits(a, b));
  }
  return [...labels].sort(byCodeUnits);
}

/**
 * Counting sort by task (stable, so arrival order is kept within a task), then (unless
 * `keepRepeats`) one pass per task that keeps each worker's latest answer in the slot of their
 * first one.
 */
function groupByTaskKeepingLatest(
  task: Int32Array,
  worker: Int32Array,
  label: Int32Array,
  nTasks: number,
  nWorkers: number,
  labelRemap: Int32Array,
  keepRepeats: boolean,
): { task: Int32Array; worker: Int32Array; label: Int32Array } {
  const n = task.length;
  const start = new Int32Array(nTasks + 1);
  for (let r = 0; r < n; r++) start[task[r] + 1]++;
  for (let t = 0; t < nTasks; t++) start[t + 1] += start[t];

  const next = start.slice(0, nTasks);
  const groupedWorker = new Int32Array(n);
  const groupedLabel = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const position = next[task[r]]++;
    groupedWorker[position] = worker[r];
    groupedLabel[position] = labelRemap[label[r]];
  }

  const groupedTask = new Int32Array(n);
  if (keepRepeats) {
    for (let t = 0; t < nTasks; t++) groupedTask.fill(t, start[t], start[t + 1]);
    return { task: groupedTask, worker: groupedWorker, label: groupedLabel };
  }
  // Compact in place: `kept` never passes `position`, so nothing unread is overwritten.
  const lastTaskOfWorker = new Int32Array(nWorkers).fill(-1);
  const slotOfWorker = new Int32Array(nWorkers);
  let kept = 0;
  for (let t = 0; t < nTasks; t++) {
    for (let position = start[t]; position < start[t + 1]; position++) {
      const w = groupedWorker[position];
      if (lastTaskOfWorker[w] === t) {
        groupedLabel[slotOfWorker[w]] = groupedLabel[position];
        continue;
      }
      lastTaskOfWorker[w] = t;
      slotOfWorker[w] = kept;
      groupedTask[kept] = t;
      groupedWorker[kept] = w;
      groupedLabel[kept] = groupedLabel[position];
      kept++;
    }
  }
  if (kept === n) return { task: groupedTask, worker: groupedWorker, label: groupedLabel };
  return {
    task: groupedTask.slice(0, kept),
    worker: groupedWorker.slice(0, kept),
    label: groupedLabel.slice(0, kept),
  };
}
