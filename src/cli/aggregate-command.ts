/**
 * `quorum aggregate`: crowd answers in a `worker,task,label` CSV → one label and confidence per
 * task, with the same encoder and algorithms as the product (repeated answers: the latest counts).
 *
 * Gold (`--gold task,label`) is used to score the result (accuracy printed on stderr, over gold
 * tasks with at least one answer); with `--fit-gold` the method also learns from it, and the
 * printed accuracy is then measured on labels the method was shown.
 *
 * Output goes to stdout unless `--output` names a file; everything else (progress, accuracy,
 * summary) goes to stderr, so `quorum aggregate ... > results.csv` stays clean. The progress bar
 * appears only when stderr is a terminal.
 */
import { availableParallelism } from 'node:os';
import { closeSync, openSync, writeSync } from 'node:fs';

import {
  AGGREGATOR_NAMES,
  AggregatorName,
  AggregatorOutput,
  DEFAULT_AGGREGATOR,
  aggregators,
  accuracyFromConfusion,
  isAggregatorName,
} from '../modules/aggregation/algorithms';
import { applyAbstention } from '../modules/aggregation/algorithms/abstention';
import { maxRows } from '../modules/aggregation/algorithms/math';
import { EncodedResponses } from '../modules/aggregation/encode-responses';
import { goldAccuracy } from '../modules/aggregation/gold-accuracy';
import { parallelDawidSkene } from '../modules/aggregation/parallel/parallel-dawid-skene';
import { CliError } from './cli-error';
import { parseFlags } from './commands/command-args';
import { csvField } from './csv';
import { ProgressBar } from './progress-bar';
import { readAnswerFiles } from './read-answers';

/** `quorum aggregate --help`. */
export const AGGREGATE_USAGE = `Usage: quorum aggregate --input labels.csv [options]

Infers one label per task from crowd answers.

Input CSV (header required, any column order, extra columns ignored):
  worker,task,label      one answer per row; ids and labels are any strings (RFC 4180 quoting)
  A worker's repeated answers to one task: the latest row counts.

Options:
  -i, --input FILE         answers CSV (required)
  -m, --method NAME        ${AGGREGATOR_NAMES.join(', ')}
                           (default ${DEFAULT_AGGREGATOR})
  -g, --gold FILE          task,label CSV of known labels: prints accuracy to stderr
      --fit-gold           also let the method learn from the gold labels (weighted-majority-vote
                           needs it; the printed accuracy is then optimistic)
  -o, --output FILE        write task,label,confidence here instead of stdout
  -w, --workers FILE       write per-worker quality: worker,answers,agreement,skill
                           (+ recall_<label> columns for confusion-matrix methods)
      --abstain-below P    leave the label empty when the top probability is below P (0..1)
      --labels A,B,...     the label set in index order (ties go to the first); default: the
                           labels seen, sorted (numerically when all are numbers)
      --keep-repeats       count every answer, as crowd-kit does (default: a worker's latest
                           answer to a task replaces their earlier ones)
      --threads N          worker threads for dawid-skene (default: all cores on large inputs)
      --max-iterations N   iteration cap for iterative methods
  -h, --help               this text

Output: task,label,confidence (tasks in order of first appearance). Labels are sorted
numerically when all are numbers, otherwise by character code; ties go to the smallest.
Exit codes: 0 ok, 2 bad arguments or malformed input, 1 unexpected error.
`;

/** Parsed `quorum aggregate` arguments. */
export interface AggregateCommandOptions {
  readonly input: string;
  readonly method: AggregatorName;
  readonly gold?: string;
  readonly fitGold: boolean;
  readonly output?: string;
  readonly workers?: string;
  readonly abstainBelow?: number;
  readonly labelSet?: readonly string[];
  readonly keepRepeats: boolean;
  readonly threads?: number;
  readonly maxIterations?: number;
}

/** Answers from which Dawid–Skene runs on worker threads by default (below, start-up dominates). */
const PARALLEL_MIN_ANSWERS = 1_000_000;

/** Parses argv (after `aggregate`); throws CliError on bad usage. */
export function parseAggregateArgs(argv: readonly string[]): AggregateCommandOptions {
  const parsed = parseFlags(
    argv,
    {
      input: { type: 'string', short: 'i' },
      method: { type: 'string', short: 'm' },
      gold: { type: 'string', short: 'g' },
      'fit-gold': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      workers: { type: 'string', short: 'w' },
      'abstain-below': { type: 'string' },
      labels: { type: 'string' },
      'keep-repeats': { type: 'boolean' },
      threads: { type: 'string' },
      'max-iterations': { type: 'string' },
    },
    AGGREGATE_USAGE,
  );
  if (!parsed.input) throw new CliError(`--input is required\n\n${AGGREGATE_USAGE}`);
  const method = parsed.method ?? DEFAULT_AGGREGATOR;
  if (!isAggregatorName(method)) {
    throw new CliError(`unknown method "${method}"; choose one of ${AGGREGATOR_NAMES.join(', ')}`);
  }
  const abstainBelow = optionalNumber(parsed['abstain-below'], '--abstain-below');
  if (abstainBelow !== undefined && !(abstainBelow >= 0 && abstainBelow <= 1)) {
    throw new CliError(`--abstain-below must be between 0 and 1, got ${parsed['abstain-below']}`);
  }
  const threads = optionalNumber(parsed.threads, '--threads');
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new CliError(`--threads must be a positive integer, got ${parsed.threads}`);
  }
  const maxIterations = optionalNumber(parsed['max-iterations'], '--max-iterations');
  if (maxIterations !== undefined && !(Number.isInteger(maxIterations) && maxIterations >= 0)) {
    throw new CliError(`--max-iterations must be a non-negative integer`);
  }
  if (parsed['fit-gold'] && !parsed.gold) throw new CliError('--fit-gold needs --gold');
  return {
    input: parsed.input,
    method,
    gold: parsed.gold,
    fitGold: parsed['fit-gold'] ?? false,
    output: parsed.output,
    workers: parsed.workers,
    abstainBelow,
    labelSet: parsed.labels === undefined ? undefined : parsed.labels.split(','),
    keepRepeats: parsed['keep-repeats'] ?? false,
    threads,
    maxIterations,
  };
}

function optionalNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) {
    throw new CliError(`${flag} expects a number, got "${value}"`);
  }
  return number;
}

/** Runs `quorum aggregate` with its argv; throws CliError for user errors. */
export async function runAggregateCommand(argv: readonly string[]): Promise<void> {
  const options = parseAggregateArgs(argv);
  const progress = new ProgressBar();
  const encoded = readAnswerFiles(options, (path, done, total) =>
    progress.update(`reading ${path}`, done, total),
  );
  const { matrix, gold } = encoded;
  if (gold && encoded.goldCount === 0) {
    process.stderr.write('quorum: warning: no gold task has an answer; accuracy is not measured\n');
  }

  progress.status(`aggregating ${matrix.task.length} answers with ${options.method}`);
  const result = await aggregate(encoded, options);
  progress.clear();

  const { labels, confidence } =
    options.abstainBelow === undefined
      ? { labels: result.labels, confidence: maxRows(result.probabilities, matrix.nLabels) }
      : applyAbstention(result, options.abstainBelow);

  writeOutput(options.output, taskLines(encoded, labels, confidence));
  if (options.workers) writeOutput(options.workers, workerLines(encoded, result));

  const summary = [
    `${matrix.task.length} answers, ${matrix.nTasks} tasks, ${matrix.nWorkers} workers, ` +
      `${matrix.nLabels} labels, method ${options.method}`,
  ];
  if (encoded.replacedAnswers > 0) {
    summary.push(`${encoded.replacedAnswers} repeated answers replaced by the worker's latest`);
  }
  if (result.iterations !== undefined) {
    summary.push(
      `${result.iterations} iterations${result.converged === false ? ' (not converged)' : ''}`,
    );
  }
  if (options.abstainBelow !== undefined) {
    let abstained = 0;
    for (let t = 0; t < labels.length; t++) if (labels[t] === -1) abstained++;
    summary.push(`${abstained} tasks left unlabeled (confidence below ${options.abstainBelow})`);
  }
  if (gold && encoded.goldCount > 0) {
    // Unlabeled (abstained) gold tasks count as wrong: the denominator is every answered gold task.
    const { correct, total, accuracy } = goldAccuracy(matrix, labels, gold);
    summary.push(
      `accuracy ${accuracy.toFixed(4)} (${correct}/${total} gold tasks with answers` +
        `${options.fitGold ? ', gold used for fitting' : ''})`,
    );
  }
  process.stderr.write(summary.join('; ') + '\n');
}

async function aggregate(
  encoded: EncodedResponses,
  options: AggregateCommandOptions,
): Promise<AggregatorOutput> {
  const { matrix } = encoded;
  const gold = options.fitGold ? encoded.gold : undefined;
  const methodOptions = { gold, maxIterations: options.maxIterations };
  if (options.method === 'dawid-skene') {
    const threads =
      options.threads ?? (matrix.task.length >= PARALLEL_MIN_ANSWERS ? availableParallelism() : 1);
    if (threads > 1) {
      const result = await parallelDawidSkene(matrix, { ...methodOptions, threads });
      return {
        ...result,
        workerSkill: accuracyFromConfusion(result.confusion, result.priors, matrix.nWorkers),
      };
    }
  }
  try {
    return aggregators[options.method](matrix, methodOptions);
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(error.message);
    throw error;
  }
}

/** `task,label,confidence` lines, in chunks so a 10M-task output never becomes one huge string. */
function* taskLines(
  encoded: EncodedResponses,
  labels: Int32Array,
  confidence: Float64Array,
): Generator<string> {
  const labelFields = encoded.labelKeys.map(csvField);
  let chunk = 'task,label,confidence\n';
  for (let t = 0; t < labels.length; t++) {
    const label = labels[t] >= 0 ? labelFields[labels[t]] : '';
    chunk += `${csvField(encoded.taskIds[t])},${label},${formatProbability(confidence[t])}\n`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

function* workerLines(encoded: EncodedResponses, result: AggregatorOutput): Generator<string> {
  const { matrix, workerIds, labelKeys } = encoded;
  const K = matrix.nLabels;
  const answers = new Int32Array(matrix.nWorkers);
  const agreeing = new Int32Array(matrix.nWorkers);
  for (let r = 0; r < matrix.task.length; r++) {
    const w = matrix.worker[r];
    answers[w]++;
    if (result.labels[matrix.task[r]] === matrix.label[r]) agreeing[w]++;
  }
  const confusion = result.confusion;
  let header = 'worker,answers,agreement,skill';
  if (confusion) header += labelKeys.map(key => ',' + csvField(`recall_${key}`)).join('');
  let chunk = header + '\n';
  for (let w = 0; w < matrix.nWorkers; w++) {
    const skill = result.workerSkill ? formatProbability(result.workerSkill[w]) : '';
    chunk += `${csvField(workerIds[w])},${answers[w]},${formatProbability(agreeing[w] / answers[w])},${skill}`;
    if (confusion) {
      for (let k = 0; k < K; k++) chunk += ',' + formatProbability(confusion[(w * K + k) * K + k]);
    }
    chunk += '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

/** Six decimals: enough for a confidence, and stable across platforms. */
function formatProbability(p: number): string {
  return String(Math.round(p * 1e6) / 1e6);
}

/** Writes chunks to a file, or to stdout when `path` is undefined. */
export function writeOutput(path: string | undefined, chunks: Iterable<string>): void {
  const fd = path === undefined ? 1 : openOutput(path);
  try {
    for (const chunk of chunks) writeFully(fd, chunk);
  } finally {
    if (path !== undefined) closeSync(fd);
  }
}

function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** writeSync to a file or to stdout; a non-blocking stdout pipe may need a retry (EAGAIN). */
function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
