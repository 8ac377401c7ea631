/**
 * Benchmark of the structured task kinds (a script, not a test: goals live here, never in timed
 * tests).
 *
 *   npm run bench:kinds [-- FOLDER]          (default ../shared/datasets from the repo root)
 *
 * Goal table (issue 17), each figure next to its anchor with the ratio and MET / NOT MET:
 * - spans, FOLDER/conll_mturk_val, entity exact match F1 of the default (hmm-crowd-typed:
 *   HMM-crowd, then its spans re-typed by span-level Dawid–Skene with word evidence; plain
 *   hmm-crowd printed beside it) against
 *   token-level majority vote (ties to O, lenient IOB reading, measured here) and the published
 *   figures of the other half of the data (Simpson & Gurevych 2019: DS over tokens 0.744,
 *   HMM-crowd 0.742, BSC-seq 0.774);
 * - boxes, FOLDER/ped_boxes_even at IoU 0.5: precision ≥ 0.98, recall ≥ 0.90;
 * - rating, FOLDER/trec_rf10_graded: MAE below majority vote's and the rounded mean's (measured
 *   here on the same input, every answer kept as in the dataset README), accuracy above MV's;
 * - pairwise, a seeded synthetic set (200 items, 100 workers, 20,000 comparisons, bench/
 *   kinds-synthetic.ts): Kendall's τ of noisy BT ≥ the τ of a re-implementation of crowd-kit's
 *   NoisyBT (bench/noisy_bt_reference.py, run with python3 + numpy + scipy on the same CSV), and
 *   ≥ 30× faster: the median CPU time of 5 fits of ours (the first, with JIT warm-up, included
 *   among them) against the median of 3 fits of the reference in its own process, so one fit
 *   slowed by other jobs on the machine moves neither side; the first call's ratio is printed
 *   too.
 * Then each aggregator on 1M seeded synthetic answers (token tags for spans, boxes for boxes,
 * ratings, comparisons): CPU seconds of the call (user + system of this process; everything
 * here runs on one thread) and wall seconds.
 * Files are read exactly as `quorum aggregate --kind` reads them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { readAnswerFiles } from '../src/cli/read-answers';
import { spansOfTask, tagsToSpans } from '../src/modules/aggregation/algorithms/kinds/bio-tags';
import { fuseBoxes } from '../src/modules/aggregation/algorithms/kinds/box-fusion';
import { boxScore } from '../src/modules/aggregation/algorithms/kinds/box-metrics';
import { hmmCrowd } from '../src/modules/aggregation/algorithms/kinds/hmm-crowd';
import { ordinalRating } from '../src/modules/aggregation/algorithms/kinds/ordinal-rating';
import { hmmCrowdTyped } from '../src/modules/aggregation/algorithms/kinds/span-type-dawid-skene';
import {
  PairwiseMatrix,
  bradleyTerry,
  kendallTau,
  noisyBradleyTerry,
} from '../src/modules/aggregation/algorithms/kinds/pairwise';
import {
  ratingScore,
  roundedMeanRating,
} from '../src/modules/aggregation/algorithms/kinds/rating-baselines';
import {
  tokenDawidSkene,
  tokenResponses,
} from '../src/modules/aggregation/algorithms/kinds/token-dawid-skene';
import { majorityVote } from '../src/modules/aggregation/algorithms/majority-vote';
import { conllFiles, pedBoxFiles, spanF1 } from './kinds-data';
import {
  syntheticBoxes,
  syntheticPairwise,
  syntheticRatings,
  syntheticSpans,
} from './kinds-synthetic';

interface Goal {
  readonly goal: string;
  readonly figure: number;
  readonly anchor: number;
  /** true: the figure must be ≥ the anchor (or >); false: ≤ (or <). */
  readonly higherIsBetter: boolean;
  readonly strict?: boolean;
}

const goals: Goal[] = [];

/** CPU and wall seconds of a call. */
function timed<T>(work: () => T): { value: T; cpu: number; wall: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = work();
  const cpu = process.cpuUsage(cpu0);
  return { value, cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - wall0) / 1000 };
}

function spansGoals(folder: string): void {
  const files = conllFiles(folder);
  const { crowd } = files;
  const gold = files.gold!;
  // Token majority vote, ties to the lowest tag index = O, read leniently (as the dataset README).
  const vote = majorityVote(tokenResponses(crowd)).labels;
  const mv = spanF1(
    crowd,
    t => tagsToSpans(vote, crowd.tokenOffset[t], crowd.tokenOffset[t + 1]),
    gold,
  );
  const ds = tokenDawidSkene(crowd);
  const dsF1 = spanF1(crowd, t => spansOfTask(crowd, ds.tags, t), gold);
  const hmm = hmmCrowd(crowd);
  const hmmF1 = spanF1(crowd, t => spansOfTask(crowd, hmm.tags, t), gold).f1;
  const typed = hmmCrowdTyped(crowd);
  const typedScore = spanF1(crowd, t => spansOfTask(crowd, typed.tags, t), gold);
  console.log(
    `spans: token MV (ties to O) F1 ${mv.f1.toFixed(4)}; token DS F1 ${dsF1.f1.toFixed(4)}; hmm-crowd F1 ${hmmF1.toFixed(4)}; ` +
      `hmm-crowd-typed (default) P ${typedScore.precision.toFixed(4)} R ${typedScore.recall.toFixed(4)} F1 ${typedScore.f1.toFixed(4)}`,
  );
  // The two halves of the sentences (even and odd task index) scored apart: the default's
  // hyper-parameters were picked on the even half, so the odd half is the held-out figure.
  const half = (parity: number) =>
    spanF1(
      crowd,
      t => spansOfTask(crowd, typed.tags, t),
      gold.map((g, t) => (t % 2 === parity ? g : undefined)),
    );
  console.log(
    `spans: hmm-crowd-typed (default) F1 on even sentences ${half(0).f1.toFixed(4)}, on odd sentences ${half(1).f1.toFixed(4)} ` +
      "(HMM-crowd's diagonal prior and pool strength and the word weight and prior of the re-typing were picked on the even half: bench/kinds-studies.ts)",
  );
  const f1 = typedScore.f1;
  goals.push(
    {
      goal: 'spans F1 (default) > token MV, ties to O (measured)',
      figure: f1,
      anchor: mv.f1,
      higherIsBetter: true,
      strict: true,
    },
    {
      goal: 'spans F1 (default) ≥ DS over tokens, published 0.744',
      figure: f1,
      anchor: 0.744,
      higherIsBetter: true,
    },
    {
      goal: 'spans F1 (default) ≥ HMM-crowd, published 0.742',
      figure: f1,
      anchor: 0.742,
      higherIsBetter: true,
    },
    {
      goal: 'spans F1 (default) ≥ BSC-seq, published 0.774',
      figure: f1,
      anchor: 0.774,
      higherIsBetter: true,
    },
    {
      goal: 'spans F1 (default), held-out odd half ≥ BSC-seq 0.774',
      figure: half(1).f1,
      anchor: 0.774,
      higherIsBetter: true,
    },
  );
}

function boxesGoals(folder: string): void {
  const files = pedBoxFiles(folder);
  const result = fuseBoxes(files.crowd);
  const byTask = new Map<number, typeof result.objects>();
  for (const o of result.objects) byTask.set(o.task, [...(byTask.get(o.task) ?? []), o]);
  const images = files.gold!.flatMap((g, t) => (g ? [[byTask.get(t) ?? [], g] as const] : []));
  const s = boxScore(images, 0.5);
  console.log(
    `boxes: P ${s.precision.toFixed(4)} R ${s.recall.toFixed(4)} F1 ${s.f1.toFixed(4)} (${s.truePositives}/${s.predicted} predicted, ${s.actual} gold)`,
  );
  goals.push(
    {
      goal: 'boxes precision @ IoU 0.5 ≥ 0.98',
      figure: s.precision,
      anchor: 0.98,
      higherIsBetter: true,
    },
    { goal: 'boxes recall @ IoU 0.5 ≥ 0.90', figure: s.recall, anchor: 0.9, higherIsBetter: true },
  );
}

function ratingGoals(folder: string): void {
  const dir = join(folder, 'trec_rf10_graded');
  const files = { input: join(dir, 'labels.csv'), gold: join(dir, 'gold.csv') };
  const latest = readAnswerFiles(files); // the CLI's input: a worker's latest answer counts
  const every = readAnswerFiles({ ...files, keepRepeats: true }); // the README baselines' input
  const gold = latest.gold!;
  const mv = ratingScore(majorityVote(every.matrix).labels, every.gold!);
  const mean = ratingScore(roundedMeanRating(every.matrix), every.gold!);
  const ours = ratingScore(ordinalRating(latest.matrix).labels, gold);
  console.log(
    `rating: MV acc ${mv.accuracy.toFixed(4)} MAE ${mv.meanAbsoluteError.toFixed(4)}; rounded mean acc ${mean.accuracy.toFixed(4)} ` +
      `MAE ${mean.meanAbsoluteError.toFixed(4)}; ordinal (default) acc ${ours.accuracy.toFixed(4)} MAE ${ours.meanAbsoluteError.toFixed(4)}`,
  );
  goals.push(
    {
      goal: 'rating MAE < majority vote (measured)',
      figure: ours.meanAbsoluteError,
      anchor: mv.meanAbsoluteError,
      higherIsBetter: false,
      strict: true,
    },
    {
      goal: 'rating MAE < rounded mean (measured)',
      figure: ours.meanAbsoluteError,
      anchor: mean.meanAbsoluteError,
      higherIsBetter: false,
      strict: true,
    },
    {
      goal: 'rating accuracy > majority vote (measured)',
      figure: ours.accuracy,
      anchor: mv.accuracy,
      higherIsBetter: true,
      strict: true,
    },
  );
}

function pairwiseCsv(m: PairwiseMatrix): string {
  let csv = 'worker,left,right,label\n';
  for (let r = 0; r < m.worker.length; r++) {
    const winner = m.leftWins[r] ? m.left[r] : m.right[r];
    csv += `w${m.worker[r]},i${m.left[r]},i${m.right[r]},i${winner}\n`;
  }
  return csv;
}

/** Fits of ours and of the reference timed for the pairwise speed-up (medians). */
const OUR_FITS = 5;
const REFERENCE_FITS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function pairwiseGoals(): void {
  const { matrix, truth } = syntheticPairwise(200, 100, 20_000, 1);
  const fits = Array.from({ length: OUR_FITS }, () => timed(() => noisyBradleyTerry(matrix)));
  const ours = { value: fits[0].value, first: fits[0].cpu, cpu: median(fits.map(f => f.cpu)) };
  const tau = kendallTau(ours.value.scores, truth);
  const btTau = kendallTau(bradleyTerry(matrix).scores, truth);
  const dir = mkdtempSync(join(tmpdir(), 'bench-kinds-'));
  try {
    writeFileSync(join(dir, 'labels.csv'), pairwiseCsv(matrix));
    const seconds = Number(
      execFileSync(
        'python3',
        [
          join(__dirname, 'noisy_bt_reference.py'),
          join(dir, 'labels.csv'),
          join(dir, 'scores.csv'),
          String(REFERENCE_FITS),
        ],
        { encoding: 'utf8' },
      ).trim(),
    );
    const scores = new Map(
      readFileSync(join(dir, 'scores.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map(line => {
          const [item, score] = line.split(',');
          return [item, Number(score)] as const;
        }),
    );
    const referenceTau = kendallTau(
      Float64Array.from(truth, (_, i) => scores.get(`i${i}`)!),
      truth,
    );
    console.log(
      `pairwise: noisy BT τ ${tau.toFixed(4)} in ${ours.cpu.toFixed(3)} s CPU (median of ${OUR_FITS} fits; first fit ${ours.first.toFixed(3)} s, ` +
        `${(seconds / ours.first).toFixed(1)}× on its own); BT τ ${btTau.toFixed(4)}; ` +
        `crowd-kit NoisyBT (re-implementation) τ ${referenceTau.toFixed(4)} in ${seconds.toFixed(3)} s CPU (median of ${REFERENCE_FITS} fits)`,
    );
    goals.push(
      {
        goal: "pairwise Kendall's τ ≥ NoisyBT (re-impl., same file)",
        figure: tau,
        anchor: referenceTau,
        higherIsBetter: true,
      },
      {
        goal: 'pairwise speed-up over NoisyBT ≥ 30× (median fits)',
        figure: seconds / ours.cpu,
        anchor: 30,
        higherIsBetter: true,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printGoals(): void {
  console.log('\n| goal | figure | anchor | ratio | |\n| --- | ---: | ---: | ---: | --- |');
  for (const g of goals) {
    const met = g.higherIsBetter
      ? g.strict
        ? g.figure > g.anchor
        : g.figure >= g.anchor
      : g.strict
        ? g.figure < g.anchor
        : g.figure <= g.anchor;
    console.log(
      `| ${g.goal} | ${g.figure.toFixed(4)} | ${g.anchor.toFixed(4)} | ${(g.figure / g.anchor).toFixed(3)} | ${met ? 'MET' : 'NOT MET'} |`,
    );
  }
}

function scale(): void {
  console.log(
    '\n| aggregator | input (seeded synthetic) | answers | CPU s | wall s |\n| --- | --- | ---: | ---: | ---: |',
  );
  const row = (name: string, input: string, answers: number, run: () => unknown) => {
    const { cpu, wall } = timed(run);
    console.log(
      `| ${name} | ${input} | ${answers.toLocaleString('en-US')} | ${cpu.toFixed(2)} | ${wall.toFixed(2)} |`,
    );
  };
  const spans = syntheticSpans(20_000, 200, 2);
  row(
    'spans hmm-crowd-typed (default)',
    '20,000 sentences × 10 tokens × 5 workers',
    spans.tags.length,
    () => hmmCrowdTyped(spans),
  );
  row('spans hmm-crowd', 'same', spans.tags.length, () => hmmCrowd(spans));
  row('spans token-dawid-skene', 'same', spans.tags.length, () => tokenDawidSkene(spans));
  const ratings = syntheticRatings(200_000, 2000, 4);
  row('rating ordinal (default)', '200,000 tasks × 5 answers', ratings.matrix.task.length, () =>
    ordinalRating(ratings.matrix),
  );
  const pairs = syntheticPairwise(1000, 2000, 1_000_000, 5);
  row('pairwise noisy-bt (default)', '1,000 items, 2,000 workers', pairs.matrix.worker.length, () =>
    noisyBradleyTerry(pairs.matrix),
  );
  row('pairwise bt', 'same', pairs.matrix.worker.length, () => bradleyTerry(pairs.matrix));
  const boxes = syntheticBoxes(110_000, 300, 3);
  row('boxes box-fusion', '110,000 images × 7 workers (answers = boxes)', boxes.x.length, () =>
    fuseBoxes(boxes),
  );
}

function main(): void {
  const folder = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'datasets'));
  console.log(`bench:kinds — datasets ${folder}, Node ${process.version}`);
  spansGoals(folder);
  boxesGoals(folder);
  ratingGoals(folder);
  pairwiseGoals();
  printGoals();
  scale();
}

main();
