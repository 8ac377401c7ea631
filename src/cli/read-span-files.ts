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
  wordIds,
} from '../modules/aggregation/algorithms/kinds/bio-tags';
import { JsonLine, KindFiles, LineReader, readTaskAnswerFiles, sortedNames } from './read-jsonl';

/** A spans dataset in dense form; entity types by index. */
export interface SpanFiles extends KindFiles<SpanCrowd, TokenSpan> {
  readonly typeNames: readonly string[];
}

interface RawSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** Reads the three files; throws CliError naming file and line on malformed input. */
export function readSpanFiles(files: { tasks: string; input: string; gold?: string }): SpanFiles {
  const types = new Set<string>();
  const sentences: string[][] = [];
  const read = readTaskAnswerFiles<number, RawSpan>(files, {
    task: (reader, line) => {
      const tokens = line.value.tokens;
      if (!Array.isArray(tokens)) throw reader.error(line, '"tokens" must be an array');
      sentences.push(tokens.map(token => String(token)));
      return tokens.length;
    },
    items: (reader, line, length) => readSpans(reader, line, length, types),
  });
  const { names: typeNames, index } = sortedNames(types);
  const toSpans = (spans: RawSpan[]): TokenSpan[] =>
    spans.map(span => ({ start: span.start, end: span.end, type: index.get(span.label)! }));
  const annotations: SpanAnnotation[] = read.answers.map(a => ({
    task: a.task,
    worker: a.worker,
    spans: toSpans(a.items),
  }));
  return {
    crowd: buildSpanCrowd(
      read.taskInfo,
      annotations,
      typeNames.length,
      read.workers.size,
      wordIds(sentences),
    ),
    taskIds: read.tasks.ids,
    workerIds: read.workers.ids,
    typeNames,
    gold: read.gold?.map(spans => (spans ? toSpans(spans) : undefined)),
  };
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
