/**
 * Reads a spans dataset (`tasks.jsonl` `{task, tokens}`, `labels.jsonl` `{worker, task, spans}`,
 * optional `gold.jsonl` `{task, spans}`; spans `{start, end, label}` over token indexes, end
 * exclusive) into `SpanCrowd` arrays. Entity types are the labels seen in labels and gold,
 * sorted by character code. A worker's repeated annotation of a task: the latest line counts (as
 * for classification). Overlapping spans of one worker are cut as bio-tags.ts documents.
 */
import {
  SpanAnnotation,
  SpanCrowd,
  TokenSpan,
  buildSpanCrowd,
} from '../modules/aggregation/algorithms/kinds/bio-tags';
import { CliError } from './cli-error';
import { IdIndex, JsonLine, LineReader, readJsonLines } from './read-jsonl';

/** A spans dataset in dense form. */
export interface SpanFiles {
  readonly crowd: SpanCrowd;
  readonly taskIds: readonly string[];
  readonly workerIds: readonly string[];
  readonly typeNames: readonly string[];
  /** Gold spans per task index (undefined = not gold). */
  readonly gold?: ReadonlyArray<readonly TokenSpan[] | undefined>;
}

interface RawSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Reads the three files; throws CliError naming file and line on malformed input. */
export function readSpanFiles(files: { tasks: string; input: string; gold?: string }): SpanFiles {
  const taskReader = new LineReader(files.tasks);
  const tasks = new IdIndex();
  const lengths: number[] = [];
  for (const line of readJsonLines(files.tasks)) {
    const id = taskReader.id(line, 'task');
    const tokens = line.value.tokens;
    if (!Array.isArray(tokens)) throw taskReader.error(line, '"tokens" must be an array');
    if (tasks.get(id) !== undefined) throw taskReader.error(line, `task "${id}" repeated`);
    tasks.add(id);
    lengths.push(tokens.length);
  }
  const types = new Set<string>();
  const workers = new IdIndex();
  const latest = new Map<string, { task: number; worker: number; spans: RawSpan[] }>();
  const inputReader = new LineReader(files.input);
  for (const line of readJsonLines(files.input)) {
    const worker = workers.add(inputReader.id(line, 'worker'));
    const task = taskOf(inputReader, line, tasks);
    const spans = readSpans(inputReader, line, lengths[task], types);
    latest.delete(`${worker}\u0000${task}`); // re-insert: the latest line keeps its place last
    latest.set(`${worker}\u0000${task}`, { task, worker, spans });
  }
  if (latest.size === 0) throw new CliError(`${files.input}: no annotations`);
  let goldRaw: Array<RawSpan[] | undefined> | undefined;
  if (files.gold !== undefined) {
    const goldReader = new LineReader(files.gold);
    goldRaw = new Array<RawSpan[] | undefined>(tasks.size).fill(undefined);
    for (const line of readJsonLines(files.gold)) {
      const task = taskOf(goldReader, line, tasks);
      goldRaw[task] = readSpans(goldReader, line, lengths[task], types);
    }
  }
  const typeNames = [...types].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const typeIndex = new Map(typeNames.map((name, i) => [name, i]));
  const toSpans = (spans: RawSpan[]): TokenSpan[] =>
    spans.map(span => ({ start: span.start, end: span.end, type: typeIndex.get(span.label)! }));
  const annotations: SpanAnnotation[] = [...latest.values()].map(a => ({
    task: a.task,
    worker: a.worker,
    spans: toSpans(a.spans),
  }));
  return {
    crowd: buildSpanCrowd(lengths, annotations, typeNames.length, workers.size),
    taskIds: tasks.ids,
    workerIds: workers.ids,
    typeNames,
    gold: goldRaw?.map(spans => (spans ? toSpans(spans) : undefined)),
  };
}

function taskOf(reader: LineReader, line: JsonLine, tasks: IdIndex): number {
  const id = reader.id(line, 'task');
  const task = tasks.get(id);
  if (task === undefined) throw reader.error(line, `task "${id}" is not in the tasks file`);
  return task;
}

function readSpans(
  reader: LineReader,
  line: JsonLine,
  length: number,
  types: Set<string>,
): RawSpan[] {
  return reader.objects(line, 'spans').map(object => {
    const start = reader.integer(line, 'start', object);
    const end = reader.integer(line, 'end', object);
    const label = reader.text(line, 'label', object);
    if (!(start >= 0 && end > start && end <= length)) {
      throw reader.error(line, `span [${start}, ${end}) outside the task's ${length} tokens`);
    }
    types.add(label);
    return { start, end, label };
  });
}
