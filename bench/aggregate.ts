/**
 * Aggregation benchmark (a script, not a test: speed goals live here, never in timed tests).
 *
 *   npm run bench:aggregate [-- FOLDER] [--methods a,b] [--repeat N]
 *   npm run bench:aggregate -- --synthetic 100000000 [--threads N] [--workers 1000] [--seed 1]
 *
 * Real data: every registered method on every dataset folder of FOLDER (default
 * ../shared/datasets from the repo root; each folder has labels.csv and gold.csv). Files are read
 * exactly as `quorum aggregate` reads them (read-answers.ts: latest repeated answer counts,
 * labels sorted numerically). Accuracy is gold tasks predicted right / gold tasks with at least
 * one answer. Crowd-kit's reference accuracies and fit times are parsed from FOLDER/README.md's
 * tables, so the comparison always uses the figures shipped with the data. Fit time is the time of
 * the method call alone (no file reading), in this process, first call per (method, dataset)
 * unless --repeat N (then the median of N); crowd-kit's are fit-only too. The speed goal is
 * judged on the CPU time of the fit (user + system of this process): every method here runs on
 * one thread, so on an idle machine it equals wall time, and on a machine shared with other
 * jobs it is not inflated by waiting for a core. Wall time is printed next to it.
 *
 * Goals checked:
 *   1. Dawid–Skene accuracy ≥ crowd-kit's DS − 0.002 on every dataset, judged on crowd-kit's
 *      input: crowd-kit counts every row, while Quorum counts only a worker's latest answer to a
 *      task, so datasets with repeated answers are also scored with every answer kept
 *      (`keepRepeats`), and both are printed.
 *   2. The default method (DEFAULT_AGGREGATOR) is never below majority vote (ours, same tie rule
 *      as crowd-kit's: smallest label) on any dataset, under Quorum's rule.
 *   3. Every fit crowd-kit timed is at least 30× faster here.
 *
 * Synthetic (--synthetic R): R answers = R/10 binary items × 10 answers, in the shape of
 * spark-crowd's benchmark (Rodrigo et al.: 10M items × 10 answers for R = 100M). Generated
 * straight into the shared-memory CSR index of the parallel runner, with no strings and no
 * ResponseMatrix (generation is not timed). Seeded (mulberry32). Each of `--workers` workers
 * (default 1000) has a planted 2 × 2 confusion matrix: 70% are honest, with sensitivity and
 * specificity drawn independently from U(0.75, 0.95); 15% are spammers who answer 1 with a fixed
 * probability from U(0, 1) whatever the truth; 15% are adversarial, with sensitivity and
 * specificity from U(0.05, 0.3). The mix was chosen so that majority vote is about as accurate
 * as on spark-crowd's binary sets (0.936 there, about 0.92 here), i.e. the data is at least as
 * hard as theirs; DS accuracy is then measured, not tuned. Each item's true class is 1 with
 * probability 0.3; its 10 workers are distinct and drawn uniformly. Runs parallelDawidSkene on
 * all cores and prints fit time (thread start-up included), peak resident memory of the process
 * (process.resourceUsage().maxRSS, worker threads included) and accuracy against the planted
 * truth. Goals: fit under 10 s, peak RSS under 1.5 GB, accuracy ≥ 0.99.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { readAnswerFiles } from '../src/cli/read-answers';
import {
  AGGREGATOR_NAMES,
  AggregatorName,
  DEFAULT_AGGREGATOR,
  aggregators,
} from '../src/modules/aggregation/algorithms';
import { DawidSkeneIndex } from '../src/modules/aggregation/algorithms/dawid-skene';
import { EncodedResponses } from '../src/modules/aggregation/encode-responses';
import { mulberry32 } from '../src/modules/aggregation/algorithms/rng';
import { goldAccuracy } from '../src/modules/aggregation/gold-accuracy';
import {
  allocateSharedIndex,
  parallelDawidSkeneOnIndex,
} from '../src/modules/aggregation/parallel/parallel-dawid-skene';

/** crowd-kit's column names in the datasets README → our method names. */
const CROWD_KIT_COLUMNS: Record<string, AggregatorName> = {
  MV: 'majority-vote',
  Wawa: 'wawa',
  DS: 'dawid-skene',
  'one-coin DS': 'one-coin-dawid-skene',
  GLAD: 'glad',
  MACE: 'mace',
  ZBS: 'zero-based-skill',
};

const SHORT_NAMES: Record<AggregatorName, string> = {
  'majority-vote': 'MV',
  'weighted-majority-vote': 'WMV',
  wawa: 'Wawa',
  'zero-based-skill': 'ZBS',
  'one-coin-dawid-skene': '1coinDS',
  'dawid-skene': 'DS',
  'pooled-dawid-skene': 'poolDS',
  glad: 'GLAD',
  mace: 'MACE',
};

const DS_ACCURACY_SLACK = 0.002;
const SPEED_GOAL = 30;

interface Reference {
  /** dataset → method → accuracy */
  readonly accuracy: Map<string, Map<AggregatorName, number>>;
  /** dataset → method → fit seconds */
  readonly seconds: Map<string, Map<AggregatorName, number>>;
}

/** Markdown tables of README.md whose first header cell is "dataset". */
export function parseReference(readme: string): Reference {
  const accuracy = new Map<string, Map<AggregatorName, number>>();
  const seconds = new Map<string, Map<AggregatorName, number>>();
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const header = tableCells(lines[i]);
    if (!header || header[0] !== 'dataset') continue;
    const isTimes = header.includes('answers');
    const target = isTimes ? seconds : accuracy;
    let j = i + 2; // skip the |---| row
    for (; j < lines.length; j++) {
      const cells = tableCells(lines[j]);
      if (!cells) break;
      const byMethod = target.get(cells[0]) ?? new Map<AggregatorName, number>();
      header.forEach((column, c) => {
        const method = CROWD_KIT_COLUMNS[column];
        const value = Number(cells[c]?.replace(/,/g, ''));
        if (method && cells[c] !== '' && Number.isFinite(value)) byMethod.set(method, value);
      });
      target.set(cells[0], byMethod);
    }
    i = j;
  }
  return { accuracy, seconds };
}

function tableCells(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return undefined;
  return trimmed
    .slice(1, trimmed.endsWith('|') ? -1 : undefined)
    .split('|')
    .map(cell => cell.trim());
}

interface Row {
  readonly dataset: string;
  readonly answers: number;
  readonly accuracy: Map<AggregatorName, number>;
  /** Wall-clock fit time. */
  readonly milliseconds: Map<AggregatorName, number>;
  /** CPU time of this process during the fit (user + system). */
  readonly cpuMilliseconds: Map<AggregatorName, number>;
  /** Repeated (worker, task) answers the product rule replaced (0: both inputs are the same). */
  readonly replaced: number;
  /** Accuracy with every answer kept, as crowd-kit read the file; only when `replaced` > 0. */
  readonly accuracyAllAnswers?: Map<AggregatorName, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs each method `repeat` times on one encoded dataset: accuracy and median fit times. */
function evaluate(
  encoded: EncodedResponses,
  methods: AggregatorName[],
  repeat: number,
): Pick<Row, 'accuracy' | 'milliseconds' | 'cpuMilliseconds'> {
  const accuracy = new Map<AggregatorName, number>();
  const milliseconds = new Map<AggregatorName, number>();
  const cpuMilliseconds = new Map<AggregatorName, number>();
  for (const method of methods) {
    const times: number[] = [];
    const cpuTimes: number[] = [];
    let labels: Int32Array | undefined;
    for (let run = 0; run < repeat; run++) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      labels = aggregators[method](encoded.matrix).labels;
      times.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
    milliseconds.set(method, median(times));
    cpuMilliseconds.set(method, median(cpuTimes));
    if (encoded.gold) {
      accuracy.set(method, goldAccuracy(encoded.matrix, labels!, encoded.gold).accuracy);
    }
    process.stderr.write('.');
  }
  return { accuracy, milliseconds, cpuMilliseconds };
}

function runDatasets(folder: string, methods: AggregatorName[], repeat: number): void {
  const reference = existsSync(join(folder, 'README.md'))
    ? parseReference(readFileSync(join(folder, 'README.md'), 'utf8'))
    : { accuracy: new Map(), seconds: new Map() };
  const order = [...reference.accuracy.keys()];
  const datasets = readdirSync(folder, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && existsSync(join(folder, entry.name, 'labels.csv')))
    .map(entry => entry.name)
    .sort((a, b) => {
      // The README's order (small to large) when it lists them, then by name.
      const ia = order.indexOf(a);
      const ib = order.indexOf(b);
      return (ia === -1 ? 1e9 : ia) - (ib === -1 ? 1e9 : ib) || a.localeCompare(b);
    });
  if (datasets.length === 0) throw new Error(`no dataset folders with labels.csv in ${folder}`);

  const rows: Row[] = [];
  for (const dataset of datasets) {
    const goldPath = join(folder, dataset, 'gold.csv');
    const files = {
      input: join(folder, dataset, 'labels.csv'),
      gold: existsSync(goldPath) ? goldPath : undefined,
    };
    const encoded = readAnswerFiles(files);
    const { accuracy, milliseconds, cpuMilliseconds } = evaluate(encoded, methods, repeat);
    const replaced = encoded.replacedAnswers;
    const accuracyAllAnswers =
      replaced > 0
        ? evaluate(readAnswerFiles({ ...files, keepRepeats: true }), methods, 1).accuracy
        : undefined;
    process.stderr.write(` ${dataset}\n`);
    rows.push({
      dataset,
      answers: encoded.matrix.task.length,
      accuracy,
      milliseconds,
      cpuMilliseconds,
      replaced,
      accuracyAllAnswers,
    });
  }

  printAccuracy(rows, methods, reference);
  printTimes(rows, methods, reference, repeat);
  printGoals(rows, methods, reference);
}

function printAccuracy(rows: Row[], methods: AggregatorName[], reference: Reference): void {
  const table = (pick: (row: Row) => Map<AggregatorName, number> | undefined) => {
    console.log(`| dataset | ${methods.map(m => SHORT_NAMES[m]).join(' | ')} |`);
    console.log(`| --- |${methods.map(() => ' ---: |').join('')}`);
    for (const row of rows) {
      const accuracy = pick(row);
      if (!accuracy) continue;
      const cells = methods.map(method => {
        const ours = accuracy.get(method);
        const theirs = reference.accuracy.get(row.dataset)?.get(method);
        const text = ours === undefined ? 'n/a' : ours.toFixed(4);
        return theirs === undefined ? text : `${text} (${theirs.toFixed(4)})`;
      });
      console.log(`| ${row.dataset} | ${cells.join(' | ')} |`);
    }
  };
  console.log(
    "\nAccuracy on gold, Quorum's rule (a worker's latest answer to a task counts): ours " +
      '(crowd-kit 1.4.1, from the datasets README)\n',
  );
  table(row => row.accuracy);
  const withRepeats = rows.filter(row => row.replaced > 0);
  if (withRepeats.length > 0) {
    console.log(
      `\nDatasets with repeated answers (${withRepeats
        .map(row => `${row.dataset}: ${row.replaced}`)
        .join(', ')} replaced above), scored again with every answer kept, ` +
        "as crowd-kit read them (the same input as crowd-kit's figures):\n",
    );
    table(row => row.accuracyAllAnswers);
  }
}

function printTimes(
  rows: Row[],
  methods: AggregatorName[],
  reference: Reference,
  repeat: number,
): void {
  console.log(
    `\nFit time in ms (${repeat > 1 ? `median of ${repeat}` : 'first call'}): CPU time of the fit ` +
      '(user + system; equals wall time on an idle machine, as every method here runs on one ' +
      'thread) and, in brackets, wall time. Where crowd-kit timed the dataset: ' +
      'ours / crowd-kit = speed-up, on CPU time.\n',
  );
  console.log(`| dataset | answers | ${methods.map(m => SHORT_NAMES[m]).join(' | ')} |`);
  console.log(`| --- | ---: |${methods.map(() => ' ---: |').join('')}`);
  const format = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
  for (const row of rows) {
    const cells = methods.map(method => {
      const cpu = row.cpuMilliseconds.get(method)!;
      const wall = `[${format(row.milliseconds.get(method)!)}]`;
      const theirs = reference.seconds.get(row.dataset)?.get(method);
      return theirs === undefined
        ? `${format(cpu)} ${wall}`
        : `${format(cpu)} / ${(theirs * 1000).toFixed(0)} = ${((theirs * 1000) / cpu).toFixed(0)}× ${wall}`;
    });
    console.log(`| ${row.dataset} | ${row.answers.toLocaleString('en')} | ${cells.join(' | ')} |`);
  }
}

function printGoals(rows: Row[], methods: AggregatorName[], reference: Reference): void {
  const verdict = (met: boolean) => (met ? 'MET    ' : 'NOT MET');
  console.log('\nGoals\n');

  if (methods.includes('dawid-skene')) {
    // Judged on crowd-kit's own input: where repeats were replaced, on the all-answers run.
    const gapOf = (row: Row, sameInput: boolean) =>
      (sameInput ? (row.accuracyAllAnswers ?? row.accuracy) : row.accuracy).get('dawid-skene')! -
      reference.accuracy.get(row.dataset)!.get('dawid-skene')!;
    const scored = rows.filter(row => reference.accuracy.get(row.dataset)?.has('dawid-skene'));
    const worstOf = (sameInput: boolean) =>
      scored
        .map(row => ({ dataset: row.dataset, gap: gapOf(row, sameInput) }))
        .reduce((a, b) => (b.gap < a.gap ? b : a));
    if (scored.length > 0) {
      const same = worstOf(true);
      const product = worstOf(false);
      console.log(
        `${verdict(same.gap >= -DS_ACCURACY_SLACK - 1e-12)} DS accuracy ≥ crowd-kit DS − ` +
          `${DS_ACCURACY_SLACK} on all ${scored.length} datasets, on crowd-kit's input ` +
          `(worst: ${same.dataset} ${signed(same.gap)}); with Quorum's latest-answer rule the ` +
          `worst is ${product.dataset} ${signed(product.gap)}`,
      );
    }
  }

  if (methods.includes(DEFAULT_AGGREGATOR) && methods.includes('majority-vote')) {
    const belowMajority = (method: AggregatorName, sameInputAsCrowdKit: boolean) =>
      rows
        .map(row => {
          const accuracy = sameInputAsCrowdKit
            ? (row.accuracyAllAnswers ?? row.accuracy)
            : row.accuracy;
          return {
            dataset: row.dataset,
            margin: accuracy.get(method)! - accuracy.get('majority-vote')!,
          };
        })
        .filter(entry => entry.margin < 0);
    const describe = (entries: Array<{ dataset: string; margin: number }>) =>
      entries.length === 0
        ? 'never'
        : entries.map(entry => `${entry.dataset} ${signed(entry.margin)}`).join(', ');
    const productMisses = belowMajority(DEFAULT_AGGREGATOR, false);
    console.log(
      `${verdict(productMisses.length === 0)} default method (${DEFAULT_AGGREGATOR}) never below ` +
        `majority vote; below: ${describe(productMisses)}` +
        ` (on crowd-kit's input: ${describe(belowMajority(DEFAULT_AGGREGATOR, true))})`,
    );
    for (const method of methods) {
      if (method === 'majority-vote') continue;
      console.log(
        `        ${SHORT_NAMES[method].padEnd(8)} below MV: ${describe(belowMajority(method, false))}`,
      );
    }
  }

  const speedups: Array<{ dataset: string; method: AggregatorName; speedup: number }> = [];
  for (const row of rows) {
    for (const method of methods) {
      const theirs = reference.seconds.get(row.dataset)?.get(method);
      if (theirs !== undefined) {
        speedups.push({
          dataset: row.dataset,
          method,
          speedup: (theirs * 1000) / row.cpuMilliseconds.get(method)!,
        });
      }
    }
  }
  if (speedups.length > 0) {
    const slowest = speedups.reduce((a, b) => (b.speedup < a.speedup ? b : a));
    const misses = speedups.filter(s => s.speedup < SPEED_GOAL);
    console.log(
      `${verdict(misses.length === 0)} every fit ≥ ${SPEED_GOAL}× faster than crowd-kit's (CPU time) ` +
        `(${speedups.length} timed fits; slowest: ${SHORT_NAMES[slowest.method]} on ` +
        `${slowest.dataset} ${slowest.speedup.toFixed(0)}×)` +
        (misses.length
          ? `; below goal: ${misses.map(s => `${SHORT_NAMES[s.method]}/${s.dataset} ${s.speedup.toFixed(0)}×`).join(', ')}`
          : ''),
    );
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

/** See the file header for the generative model. */
function generateSynthetic(
  answers: number,
  nWorkers: number,
  seed: number,
): { index: DawidSkeneIndex; truth: Uint8Array } {
  const perItem = 10;
  const nItems = Math.floor(answers / perItem);
  const rng = mulberry32(seed);
  // P(answer 1 | truth 0) and P(answer 1 | truth 1) per worker.
  const saysOneIfZero = new Float64Array(nWorkers);
  const saysOneIfOne = new Float64Array(nWorkers);
  for (let w = 0; w < nWorkers; w++) {
    const kind = rng();
    if (kind < 0.7) {
      // Honest: sensitivity and specificity each from U(0.75, 0.95).
      saysOneIfOne[w] = 0.75 + 0.2 * rng();
      saysOneIfZero[w] = 1 - (0.75 + 0.2 * rng());
    } else if (kind < 0.85) {
      // Spammer: answers 1 with a fixed probability, whatever the truth.
      saysOneIfOne[w] = saysOneIfZero[w] = rng();
    } else {
      // Adversarial (or misunderstood the instructions): sensitivity, specificity from U(0.05, 0.3).
      saysOneIfOne[w] = 0.05 + 0.25 * rng();
      saysOneIfZero[w] = 1 - (0.05 + 0.25 * rng());
    }
  }
  const index = allocateSharedIndex(nItems, nWorkers, 2, nItems * perItem);
  const { taskOffsets, cells } = index;
  const truth = new Uint8Array(nItems);
  const picked = new Int32Array(perItem);
  for (let t = 0; t < nItems; t++) {
    const isOne = rng() < 0.3 ? 1 : 0;
    truth[t] = isOne;
    const base = t * perItem;
    taskOffsets[t + 1] = base + perItem;
    for (let a = 0; a < perItem; a++) {
      let w: number;
      draw: for (;;) {
        w = Math.floor(rng() * nWorkers);
        for (let b = 0; b < a; b++) if (picked[b] === w) continue draw;
        break;
      }
      picked[a] = w;
      const label = rng() < (isOne ? saysOneIfOne[w] : saysOneIfZero[w]) ? 1 : 0;
      // Insertion into the sorted run: cells within a task ascending, as buildDawidSkeneIndex has.
      const cell = w * 2 + label;
      let p = base + a - 1;
      while (p >= base && cells[p] > cell) {
        cells[p + 1] = cells[p];
        p--;
      }
      cells[p + 1] = cell;
    }
  }
  return { index, truth };
}

async function runSynthetic(answers: number, nWorkers: number, seed: number, threads: number) {
  const generationStart = performance.now();
  const { index, truth } = generateSynthetic(answers, nWorkers, seed);
  const generationSeconds = (performance.now() - generationStart) / 1000;
  const R = index.cells.length;
  console.log(
    `synthetic: ${index.nTasks.toLocaleString('en')} binary items × 10 answers = ` +
      `${R.toLocaleString('en')} answers from ${nWorkers} workers (seed ${seed}), ` +
      `generated in ${generationSeconds.toFixed(1)} s`,
  );

  // Majority vote straight from the index, for context (ties → 0, the smaller label).
  let majorityCorrect = 0;
  for (let t = 0; t < index.nTasks; t++) {
    let ones = 0;
    for (let p = index.taskOffsets[t]; p < index.taskOffsets[t + 1]; p++)
      ones += index.cells[p] & 1;
    const size = index.taskOffsets[t + 1] - index.taskOffsets[t];
    if ((2 * ones > size ? 1 : 0) === truth[t]) majorityCorrect++;
  }

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await parallelDawidSkeneOnIndex(index, { threads });
  const fitSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  let correct = 0;
  for (let t = 0; t < index.nTasks; t++) if (result.labels[t] === truth[t]) correct++;
  const accuracy = correct / index.nTasks;
  const peakBytes = process.resourceUsage().maxRSS * 1024;

  console.log(
    `parallel Dawid–Skene on ${threads} threads: ${result.iterations} iterations` +
      `${result.converged ? '' : ' (not converged)'}, fit ${fitSeconds.toFixed(2)} s ` +
      `(${((fitSeconds / result.iterations) * 1000).toFixed(0)} ms per iteration incl. start-up); ` +
      `CPU time ${cpuSeconds.toFixed(2)} s over all threads (with perfect scaling on ${threads} idle ` +
      `cores: about ${(cpuSeconds / threads).toFixed(2)} s wall)`,
  );
  console.log(
    `accuracy ${accuracy.toFixed(4)} (majority vote ${(majorityCorrect / index.nTasks).toFixed(4)}); ` +
      `peak RSS ${(peakBytes / 2 ** 30).toFixed(2)} GiB (${(peakBytes / 1e9).toFixed(2)} GB)`,
  );
  const verdict = (met: boolean) => (met ? 'MET    ' : 'NOT MET');
  console.log('\nGoals\n');
  console.log(`${verdict(fitSeconds < 10)} fit under 10 s (${fitSeconds.toFixed(2)} s)`);
  console.log(
    `${verdict(peakBytes < 1.5e9)} peak RSS under 1.5 GB (${(peakBytes / 1e9).toFixed(2)} GB)`,
  );
  console.log(`${verdict(accuracy >= 0.99)} accuracy ≥ 0.99 (${accuracy.toFixed(4)})`);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      methods: { type: 'string' },
      repeat: { type: 'string' },
      synthetic: { type: 'string' },
      workers: { type: 'string' },
      threads: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (values.synthetic !== undefined) {
    const answers = Number(values.synthetic);
    if (!(Number.isInteger(answers) && answers >= 10))
      throw new Error('--synthetic expects an answer count ≥ 10');
    await runSynthetic(
      answers,
      Number(values.workers ?? 1000),
      Number(values.seed ?? 1),
      Number(values.threads ?? availableParallelism()),
    );
    return;
  }
  const folder = resolve(positionals[0] ?? join(__dirname, '..', '..', 'shared', 'datasets'));
  // Weighted majority vote learns its weights from gold; scored on that same gold it would be
  // meaningless, and without gold it is plain majority vote: left out unless asked for.
  const methods = (values.methods?.split(',') ??
    AGGREGATOR_NAMES.filter(name => name !== 'weighted-majority-vote')) as AggregatorName[];
  for (const method of methods) {
    if (!AGGREGATOR_NAMES.includes(method)) throw new Error(`unknown method ${method}`);
  }
  runDatasets(folder, methods, Number(values.repeat ?? 1));
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
