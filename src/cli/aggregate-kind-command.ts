/**
 * `quorum aggregate --kind spans|boxes|rating|pairwise`: crowd answers of the structured task
 * kinds → one result per task (per item for pairwise), with the pure aggregators of
 * src/modules/aggregation/algorithms/kinds. `--gold` prints the kind's metric on stderr.
 * Like `quorum aggregate`, it loads no server code.
 */

import {
  SpanAggregation,
  TokenSpan,
  spansOfTask,
} from '../modules/aggregation/algorithms/kinds/bio-tags';
import { fuseBoxes } from '../modules/aggregation/algorithms/kinds/box-fusion';
import { boxScore } from '../modules/aggregation/algorithms/kinds/box-metrics';
import { hmmCrowd } from '../modules/aggregation/algorithms/kinds/hmm-crowd';
import { hmmCrowdTyped } from '../modules/aggregation/algorithms/kinds/span-type-dawid-skene';
import { ordinalRating } from '../modules/aggregation/algorithms/kinds/ordinal-rating';
import {
  bradleyTerry,
  kendallTau,
  noisyBradleyTerry,
} from '../modules/aggregation/algorithms/kinds/pairwise';
import {
  medianRating,
  ratingScore,
  roundedMeanRating,
} from '../modules/aggregation/algorithms/kinds/rating-baselines';
import { entityScore } from '../modules/aggregation/algorithms/kinds/span-metrics';
import { tokenDawidSkene } from '../modules/aggregation/algorithms/kinds/token-dawid-skene';
import { majorityVote } from '../modules/aggregation/algorithms/majority-vote';
import { writeOutput } from './aggregate-command';
import { CliError } from './cli-error';
import { parseFlags } from './commands/command-args';
import { csvField } from './csv';
import { readAnswerFiles } from './read-answers';
import { readBoxFiles } from './read-box-files';
import { readGoldScores, readPairwiseFile } from './read-pairwise-file';
import { readSpanFiles } from './read-span-files';

/** Methods per kind; the first is the default. */
export const KIND_METHODS = {
  spans: ['hmm-crowd-typed', 'hmm-crowd', 'token-dawid-skene'],
  boxes: ['box-fusion'],
  rating: ['ordinal', 'majority-vote', 'median', 'mean'],
  pairwise: ['noisy-bt', 'bt'],
} as const;

/** A structured task kind of the command line. */
export type KindName = keyof typeof KIND_METHODS;

/** `quorum aggregate --kind … --help`. */
export const AGGREGATE_KIND_USAGE = `Usage: quorum aggregate --kind spans|boxes|rating|pairwise --input FILE [options]

  spans     --input labels.jsonl --tasks tasks.jsonl [--gold gold.jsonl]
            labels: {"worker", "task", "spans": [{"start", "end", "label"}]} (token indexes, end
            exclusive); tasks: {"task", "tokens": [...]}
            output lines: {"task", "spans": [{"start", "end", "label"}]}
            methods: ${KIND_METHODS.spans.join(', ')}; gold: entity exact-match P/R/F1
  boxes     --input labels.jsonl --tasks tasks.jsonl [--gold gold.jsonl]
            labels: {"worker", "task", "boxes": [{"x", "y", "w", "h", "label"}]} in pixels;
            tasks: {"task", "width", "height"}
            output lines: {"task", "boxes": [{"x", "y", "w", "h", "label", "score"}]}
            methods: ${KIND_METHODS.boxes.join(', ')}; gold: box P/R/F1 at IoU 0.5
  rating    --input labels.csv (worker,task,label; integer grades) [--gold gold.csv task,label]
            output: task,label,confidence
            methods: ${KIND_METHODS.rating.join(', ')}; gold: accuracy and mean absolute error
  pairwise  --input labels.csv (worker,left,right,label; label = the preferred item's id)
            [--gold scores.csv item,score]
            output: item,score (higher is better)
            methods: ${KIND_METHODS.pairwise.join(', ')}; gold: Kendall's tau

Options:
  -k, --kind KIND      one of the four above
  -i, --input FILE     the answers (required)
  -t, --tasks FILE     the tasks (spans, boxes)
  -m, --method NAME    default: the first listed for the kind
  -g, --gold FILE      known answers: prints the kind's metric on stderr
  -o, --output FILE    write here instead of stdout
  -h, --help           this text

One line per task with at least one answer (per item for pairwise), in the order of the tasks
file (spans, boxes) or of first appearance. A worker's repeated answer to a task: the latest
counts. Exit codes: 0 ok, 2 bad arguments or malformed input, 1 unexpected error.
`;

/** Parsed arguments. */
export interface AggregateKindOptions {
  readonly kind: KindName;
  readonly method: string;
  readonly input: string;
  readonly tasks?: string;
  readonly gold?: string;
  readonly output?: string;
}

/** Parses argv (after `aggregate`); throws CliError on bad usage. */
export function parseAggregateKindArgs(argv: readonly string[]): AggregateKindOptions {
  const values = parseFlags(
    argv,
    {
      kind: { type: 'string', short: 'k' },
      input: { type: 'string', short: 'i' },
      tasks: { type: 'string', short: 't' },
      method: { type: 'string', short: 'm' },
      gold: { type: 'string', short: 'g' },
      output: { type: 'string', short: 'o' },
    },
    AGGREGATE_KIND_USAGE,
  );
  const kind = values.kind ?? '';
  if (!Object.hasOwn(KIND_METHODS, kind)) {
    throw new CliError(
      `unknown kind "${kind}"; choose one of ${Object.keys(KIND_METHODS).join(', ')}`,
    );
  }
  const methods: readonly string[] = KIND_METHODS[kind as KindName];
  const method = values.method ?? methods[0];
  if (!methods.includes(method)) {
    throw new CliError(
      `unknown method "${method}" for ${kind}; choose one of ${methods.join(', ')}`,
    );
  }
  if (!values.input) throw new CliError(`--input is required\n\n${AGGREGATE_KIND_USAGE}`);
  if ((kind === 'spans' || kind === 'boxes') && !values.tasks) {
    throw new CliError(`--kind ${kind} needs --tasks (the tasks.jsonl file)`);
  }
  return {
    kind: kind as KindName,
    method,
    input: values.input,
    tasks: values.tasks,
    gold: values.gold,
    output: values.output,
  };
}

/** Runs the command; throws CliError for user errors. */
export function runAggregateKindCommand(argv: readonly string[]): void {
  const options = parseAggregateKindArgs(argv);
  const run = { spans: runSpans, boxes: runBoxes, rating: runRating, pairwise: runPairwise }[
    options.kind
  ];
  const summary = run(options);
  process.stderr.write(summary + '\n');
}

function runSpans(options: AggregateKindOptions): string {
  const files = readSpanFiles({ tasks: options.tasks!, input: options.input, gold: options.gold });
  const { crowd } = files;
  const result: SpanAggregation =
    options.method === 'token-dawid-skene'
      ? tokenDawidSkene(crowd)
      : options.method === 'hmm-crowd'
        ? hmmCrowd(crowd)
        : hmmCrowdTyped(crowd);
  const annotated = new Uint8Array(files.taskIds.length);
  for (const t of crowd.annotationTask) annotated[t] = 1;
  const lines: string[] = [];
  const pairs: Array<readonly [readonly TokenSpan[], readonly TokenSpan[]]> = [];
  files.taskIds.forEach((id, t) => {
    if (!annotated[t]) return;
    const spans = spansOfTask(crowd, result.tags, t);
    const out = spans.map(s => ({ start: s.start, end: s.end, label: files.typeNames[s.type] }));
    lines.push(JSON.stringify({ task: id, spans: out }) + '\n');
    const gold = files.gold?.[t];
    if (gold) pairs.push([spans, gold]);
  });
  writeOutput(options.output, lines);
  let summary = `${crowd.annotationTask.length} annotations, ${lines.length} tasks, ${crowd.nWorkers} workers, method ${options.method}, ${result.iterations} iterations`;
  if (options.gold) {
    const s = entityScore(pairs);
    summary += `; entity exact match on ${pairs.length} gold tasks: precision ${s.precision.toFixed(4)} recall ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)}`;
  }
  return summary;
}

/** Pixels to 0.01 px, as the datasets store them. */
const pixels = (value: number) => Math.round(value * 100) / 100;

function runBoxes(options: AggregateKindOptions): string {
  const files = readBoxFiles({ tasks: options.tasks!, input: options.input, gold: options.gold });
  const result = fuseBoxes(files.crowd);
  const byTask = new Map<number, typeof result.objects>();
  for (const object of result.objects)
    byTask.set(object.task, [...(byTask.get(object.task) ?? []), object]);
  const answered = new Uint8Array(files.taskIds.length);
  for (const t of files.crowd.annotationTask) answered[t] = 1;
  const lines: string[] = [];
  const images: Array<
    [typeof result.objects, NonNullable<NonNullable<typeof files.gold>[number]>]
  > = [];
  files.taskIds.forEach((id, t) => {
    if (!answered[t]) return;
    const objects = byTask.get(t) ?? [];
    const boxes = objects.map(o => ({
      x: pixels(o.x),
      y: pixels(o.y),
      w: pixels(o.w),
      h: pixels(o.h),
      label: files.classNames[o.label],
      score: Math.round(o.score * 1e6) / 1e6,
    }));
    lines.push(JSON.stringify({ task: id, boxes }) + '\n');
    const gold = files.gold?.[t];
    if (gold) images.push([objects, gold]);
  });
  writeOutput(options.output, lines);
  let summary = `${files.crowd.annotationTask.length} answers, ${lines.length} images, ${result.objects.length} objects, method ${options.method}`;
  if (options.gold) {
    const s = boxScore(images, 0.5);
    summary += `; boxes at IoU 0.5 on ${images.length} gold images: precision ${s.precision.toFixed(4)} recall ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)}`;
  }
  return summary;
}

function runRating(options: AggregateKindOptions): string {
  const encoded = readRatings(options);
  const { matrix } = encoded;
  let labels: Int32Array;
  let confidence: Float64Array;
  if (options.method === 'ordinal') {
    ({ labels, confidence } = ordinalRating(matrix));
  } else {
    const vote = majorityVote(matrix);
    labels =
      options.method === 'median'
        ? medianRating(matrix)
        : options.method === 'mean'
          ? roundedMeanRating(matrix)
          : vote.labels;
    confidence = Float64Array.from(labels, (label, t) =>
      label >= 0 ? vote.probabilities[t * matrix.nLabels + label] : 0,
    );
  }
  const lines = ['task,label,confidence\n'];
  for (let t = 0; t < matrix.nTasks; t++) {
    const label = labels[t] >= 0 ? csvField(encoded.labelKeys[labels[t]]) : '';
    lines.push(
      `${csvField(encoded.taskIds[t])},${label},${Math.round(confidence[t] * 1e6) / 1e6}\n`,
    );
  }
  writeOutput(options.output, lines);
  let summary = `${matrix.task.length} answers, ${matrix.nTasks} tasks, ${matrix.nWorkers} workers, scale ${encoded.labelKeys[0]}..${encoded.labelKeys[encoded.labelKeys.length - 1]}, method ${options.method}`;
  if (encoded.gold) {
    const s = ratingScore(labels, encoded.gold);
    summary += `; on ${s.scored} gold tasks with answers: accuracy ${s.accuracy.toFixed(4)} mean absolute error ${s.meanAbsoluteError.toFixed(4)}`;
  }
  return summary;
}

/** Integer grades; the scale is every integer from the smallest to the largest seen. */
function readRatings(options: AggregateKindOptions) {
  const first = readAnswerFiles({ input: options.input, gold: options.gold });
  const grades = first.labelKeys.map(Number);
  if (!grades.every(Number.isInteger)) {
    throw new CliError(
      `${options.input}: ratings must be integers (found ${first.labelKeys.join(', ')})`,
    );
  }
  const low = Math.min(...grades);
  const high = Math.max(...grades);
  if (high - low + 1 === grades.length) return first;
  if (high - low > 1000)
    throw new CliError(`${options.input}: the rating scale spans more than 1000 grades`);
  const labelSet = Array.from({ length: high - low + 1 }, (_, i) => String(low + i));
  return readAnswerFiles({ input: options.input, gold: options.gold, labelSet });
}

function runPairwise(options: AggregateKindOptions): string {
  const file = readPairwiseFile(options.input);
  const result =
    options.method === 'bt' ? bradleyTerry(file.matrix) : noisyBradleyTerry(file.matrix);
  const lines = ['item,score\n'];
  file.itemIds.forEach((id, i) =>
    lines.push(`${csvField(id)},${Math.round(result.scores[i] * 1e6) / 1e6}\n`),
  );
  writeOutput(options.output, lines);
  let summary = `${file.matrix.worker.length} comparisons, ${file.itemIds.length} items, ${file.workerIds.length} workers, method ${options.method}, ${result.iterations} iterations`;
  if (options.gold) {
    const gold = readGoldScores(options.gold);
    const scored = file.itemIds
      .map((id, i) => [gold.get(id), result.scores[i]] as const)
      .filter(([g]) => g !== undefined);
    const tau = kendallTau(
      scored.map(([g]) => g!),
      scored.map(([, s]) => s),
    );
    summary += `; Kendall's tau against the gold ranking of ${scored.length} items: ${tau.toFixed(4)}`;
  }
  return summary;
}
