/**
 * JSON Lines for the structured task kinds (`quorum aggregate --kind spans|boxes`): one JSON
 * object per line, blank lines skipped. Files of these kinds are small next to the CSVs of
 * classification (tens of thousands of lines), so a whole-file read is fine. Every problem is a
 * CliError naming the file and the 1-based line.
 */
import { Interner } from '../modules/aggregation/interner';
import { readFileSync } from 'node:fs';

import { CliError } from './cli-error';

/** A parsed line with where it came from, for error messages. */
export interface JsonLine {
  readonly line: number;
  readonly value: Record<string, unknown>;
}

/** Reads every non-blank line of a JSONL file as an object. */
export function readJsonLines(path: string): JsonLine[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const lines: JsonLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new CliError(`${path}: line ${index + 1}: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CliError(`${path}: line ${index + 1}: expected a JSON object`);
    }
    lines.push({ line: index + 1, value: value as Record<string, unknown> });
  });
  return lines;
}

/** Field readers that fail with the file and line. */
export class LineReader {
  constructor(private readonly path: string) {}

  /** A non-empty string field (numbers are accepted and kept as their text, as ids). */
  id(line: JsonLine, field: string): string {
    const value = line.value[field];
    if ((typeof value === 'string' && value !== '') || typeof value === 'number')
      return String(value);
    throw this.error(line, `"${field}" must be a non-empty string`);
  }

  /** A finite number field. */
  number(line: JsonLine, field: string, from: Record<string, unknown> = line.value): number {
    const value = from[field];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw this.error(line, `"${field}" must be a finite number`);
  }

  /** An integer field. */
  integer(line: JsonLine, field: string, from: Record<string, unknown> = line.value): number {
    const value = this.number(line, field, from);
    if (Number.isInteger(value)) return value;
    throw this.error(line, `"${field}" must be an integer`);
  }

  /** A string field of a nested object. */
  text(line: JsonLine, field: string, from: Record<string, unknown>): string {
    const value = from[field];
    if (typeof value === 'string' && value !== '') return value;
    throw this.error(line, `"${field}" must be a non-empty string`);
  }

  /** An array of objects. */
  objects(line: JsonLine, field: string): Array<Record<string, unknown>> {
    const value = line.value[field];
    if (!Array.isArray(value)) throw this.error(line, `"${field}" must be an array`);
    for (const item of value) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw this.error(line, `"${field}" must hold objects`);
      }
    }
    return value as Array<Record<string, unknown>>;
  }

  /** A CliError for this file and line. */
  error(line: JsonLine, message: string): CliError {
    return new CliError(`${this.path}: line ${line.line}: ${message}`);
  }
}

/** What `readTaskAnswerFiles` reads per line: a task's own data, an answer's items. */
export interface TaskAnswerReaders<TaskInfo, Item> {
  /** Reads a tasks-file line's data (besides "task"). */
  readonly task: (reader: LineReader, line: JsonLine) => TaskInfo;
  /** Reads the items of an answer or gold line of a task. */
  readonly items: (reader: LineReader, line: JsonLine, task: TaskInfo) => Item[];
}

/** Tasks, answers (a worker's latest line per task) and optional gold of a JSONL dataset. */
export interface TaskAnswerFiles<TaskInfo, Item> {
  readonly tasks: Interner;
  readonly taskInfo: TaskInfo[];
  readonly workers: Interner;
  /** In order of each (worker, task)'s latest line. */
  readonly answers: Array<{ task: number; worker: number; items: Item[] }>;
  readonly gold?: Array<Item[] | undefined>;
}

/** A kind's dataset in dense form: its crowd arrays, the ids behind the indexes, gold per task. */
export interface KindFiles<Crowd, GoldItem> {
  readonly crowd: Crowd;
  readonly taskIds: readonly string[];
  readonly workerIds: readonly string[];
  /** Gold items per task index (undefined = not gold). */
  readonly gold?: ReadonlyArray<readonly GoldItem[] | undefined>;
}

/**
 * Reads `tasks` (`{task, …}`, ids unique), `input` (`{worker, task, …}`; a worker's repeated
 * answer to a task: the latest line counts) and optional `gold` (`{task, …}`) JSONL files.
 */
export function readTaskAnswerFiles<TaskInfo, Item>(
  files: { tasks: string; input: string; gold?: string },
  readers: TaskAnswerReaders<TaskInfo, Item>,
): TaskAnswerFiles<TaskInfo, Item> {
  const taskReader = new LineReader(files.tasks);
  const tasks = new Interner();
  const taskInfo: TaskInfo[] = [];
  for (const line of readJsonLines(files.tasks)) {
    const id = taskReader.id(line, 'task');
    if (tasks.find(id) !== undefined) throw taskReader.error(line, `task "${id}" repeated`);
    tasks.of(id);
    taskInfo.push(readers.task(taskReader, line));
  }
  const taskOf = (reader: LineReader, line: JsonLine): number => {
    const id = reader.id(line, 'task');
    const task = tasks.find(id);
    if (task === undefined) throw reader.error(line, `task "${id}" is not in the tasks file`);
    return task;
  };
  const workers = new Interner();
  const latest = new Map<string, { task: number; worker: number; items: Item[] }>();
  const inputReader = new LineReader(files.input);
  for (const line of readJsonLines(files.input)) {
    const worker = workers.of(inputReader.id(line, 'worker'));
    const task = taskOf(inputReader, line);
    const items = readers.items(inputReader, line, taskInfo[task]);
    latest.delete(`${worker}\u0000${task}`); // re-insert: the latest line keeps its place last
    latest.set(`${worker}\u0000${task}`, { task, worker, items });
  }
  if (latest.size === 0) throw new CliError(`${files.input}: no answers`);
  let gold: Array<Item[] | undefined> | undefined;
  if (files.gold !== undefined) {
    const goldReader = new LineReader(files.gold);
    gold = new Array<Item[] | undefined>(tasks.size).fill(undefined);
    for (const line of readJsonLines(files.gold)) {
      const task = taskOf(goldReader, line);
      gold[task] = readers.items(goldReader, line, taskInfo[task]);
    }
  }
  return { tasks, taskInfo, workers, answers: [...latest.values()], gold };
}

/** Names sorted by character code, and their indexes. */
export function sortedNames(names: Iterable<string>): {
  names: string[];
  index: Map<string, number>;
} {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { names: sorted, index: new Map(sorted.map((name, i) => [name, i])) };
}
