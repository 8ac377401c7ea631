/**
 * Loads a dataset folder in the shared benchmark format (`labels.csv`: worker,task,label with a
 * header; `gold.csv`: task,label) into a dense `ResponseMatrix` for tests.
 *
 * - Tasks and workers are numbered in order of first appearance in labels.csv.
 * - Labels are the union of the labels answered and the gold labels of answered tasks, sorted
 *   numerically when all are numbers, else as strings, so label indexes (and the lowest-index
 *   tie rule) are the same on every run.
 * - Repeated (worker, task) answers: the LATEST row in file order wins, earlier ones are dropped
 *   (the project rule: a worker's answer to a task is their last word). The number dropped is
 *   reported in `duplicatesDropped`.
 * - Gold rows for tasks nobody answered are ignored (accuracy is measured on answered gold tasks).
 *
 * Ids are plain strings without quoting (the shared datasets contain no commas inside fields).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ResponseMatrix } from '../../src/modules/aggregation/algorithms/response-matrix';

export interface LoadedDataset {
  readonly matrix: ResponseMatrix;
  /** gold[t] = label index, or -1 when task t has no gold label. */
  readonly gold: Int32Array;
  readonly taskIds: string[];
  readonly workerIds: string[];
  readonly labelValues: string[];
  readonly duplicatesDropped: number;
}

export interface LoadDatasetOptions {
  /** Keep every row, repeated (worker, task) answers included, as crowd-kit does. Default false. */
  readonly keepRepeatedAnswers?: boolean;
}

export function loadDataset(folder: string, options: LoadDatasetOptions = {}): LoadedDataset {
  const answers = readCsv(join(folder, 'labels.csv'), ['worker', 'task', 'label']);
  const goldRows = readCsv(join(folder, 'gold.csv'), ['task', 'label']);

  const taskIndex = new Map<string, number>();
  const workerIndex = new Map<string, number>();
  for (const [worker, task] of answers) {
    if (!taskIndex.has(task)) taskIndex.set(task, taskIndex.size);
    if (!workerIndex.has(worker)) workerIndex.set(worker, workerIndex.size);
  }

  // Latest row wins: remember the last row number of every (worker, task) pair.
  const lastRow = new Map<string, number>();
  answers.forEach(([worker, task], row) => lastRow.set(`${worker}\u0000${task}`, row));
  const kept = options.keepRepeatedAnswers
    ? answers
    : answers.filter(([worker, task], row) => lastRow.get(`${worker}\u0000${task}`) === row);

  const answeredGold = goldRows.filter(([task]) => taskIndex.has(task));
  const labelSet = new Set<string>([
    ...kept.map(row => row[2]),
    ...answeredGold.map(row => row[1]),
  ]);
  const labelValues = [...labelSet];
  const numeric = labelValues.every(v => v.trim() !== '' && Number.isFinite(Number(v)));
  labelValues.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const labelIndex = new Map(labelValues.map((v, i) => [v, i]));

  const n = kept.length;
  const task = new Int32Array(n);
  const worker = new Int32Array(n);
  const label = new Int32Array(n);
  kept.forEach(([w, t, l], r) => {
    worker[r] = workerIndex.get(w)!;
    task[r] = taskIndex.get(t)!;
    label[r] = labelIndex.get(l)!;
  });

  const gold = new Int32Array(taskIndex.size).fill(-1);
  for (const [t, l] of answeredGold) gold[taskIndex.get(t)!] = labelIndex.get(l)!;

  return {
    matrix: {
      nTasks: taskIndex.size,
      nWorkers: workerIndex.size,
      nLabels: labelValues.length,
      task,
      worker,
      label,
    },
    gold,
    taskIds: [...taskIndex.keys()],
    workerIds: [...workerIndex.keys()],
    labelValues,
    duplicatesDropped: answers.length - n,
  };
}

/** Share of gold tasks (gold ≥ 0) whose predicted label equals the gold label. */
export function goldAccuracy(labels: Int32Array, gold: Int32Array): number {
  let scored = 0;
  let correct = 0;
  for (let t = 0; t < gold.length; t++) {
    if (gold[t] < 0) continue;
    scored++;
    if (labels[t] === gold[t]) correct++;
  }
  return scored === 0 ? NaN : correct / scored;
}

function readCsv(path: string, header: string[]): string[][] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter(line => line.length > 0);
  const found = lines[0]?.split(',').map(s => s.trim());
  if (!found || found.join(',') !== header.join(',')) {
    throw new Error(`${path}: expected header ${header.join(',')}, found ${lines[0]}`);
  }
  return lines.slice(1).map((line, i) => {
    const fields = line.split(',').map(s => s.trim());
    if (fields.length !== header.length)
      throw new Error(`${path}:${i + 2}: expected ${header.length} fields`);
    return fields;
  });
}
