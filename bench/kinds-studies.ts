/**
 * The studies behind two defaults of bench:kinds, printed so the README's figures have a command
 * (a script, not a test; about a minute of CPU):
 *
 *   node -r ./bin/register-swc.js bench/kinds-studies.ts [FOLDER]   (default ../shared/datasets)
 *
 * - Boxes, FOLDER/ped_boxes_even: precision and recall at IoU 0.5 for several matching
 *   thresholds of box fusion (everything else at its default), and the default's false boxes
 *   that overlap a gold box at IoU 0.4–0.5 (objects found but boxed unlike the expert).
 * - Spans, FOLDER/conll_mturk_val: split-half choice of hmm-crowd's diagonal prior and pool
 *   strength. The fits use no gold; sentences with an even task index pick the setting, those
 *   with an odd index report it. Then, the same way, the word weight λ and word prior α of the
 *   span re-typing that follows it (span-type-dawid-skene.ts; λ = 0: span-level Dawid–Skene
 *   alone). Also: the gold entities the default misses that no worker marked exactly.
 */
import { join, resolve } from 'node:path';

import {
  SpanCrowd,
  TokenSpan,
  spansOfTask,
  tagsToSpans,
} from '../src/modules/aggregation/algorithms/kinds/bio-tags';
import {
  DEFAULT_MATCH_IOU,
  fuseBoxes,
} from '../src/modules/aggregation/algorithms/kinds/box-fusion';
import { Box, boxIou } from '../src/modules/aggregation/algorithms/kinds/box-geometry';
import { boxScore, matchedBoxes } from '../src/modules/aggregation/algorithms/kinds/box-metrics';
import {
  DEFAULT_DIAGONAL_PRIOR,
  DEFAULT_POOL_STRENGTH,
  hmmCrowd,
} from '../src/modules/aggregation/algorithms/kinds/hmm-crowd';
import {
  DEFAULT_WORD_PRIOR,
  DEFAULT_WORD_WEIGHT,
  hmmCrowdTyped,
  retypeSpans,
} from '../src/modules/aggregation/algorithms/kinds/span-type-dawid-skene';
import { conllFiles, pedBoxFiles, spanF1 } from './kinds-data';

function boxStudy(folder: string): void {
  const files = pedBoxFiles(folder);
  const gold = files.gold!;
  const run = (matchIou: number) => {
    const byTask = new Map<number, Box[]>();
    for (const o of fuseBoxes(files.crowd, { matchIou }).objects) {
      byTask.set(o.task, [...(byTask.get(o.task) ?? []), o]);
    }
    return gold.flatMap((g, t) => (g ? [[byTask.get(t) ?? [], g] as const] : []));
  };
  for (const matchIou of [0.5, 0.35, DEFAULT_MATCH_IOU, 0.3, 0.25]) {
    const s = boxScore(run(matchIou), 0.5);
    console.log(
      `boxes, matching IoU ${matchIou.toFixed(3)}: P ${s.precision.toFixed(4)} R ${s.recall.toFixed(4)} (${s.truePositives}/${s.predicted} predicted, ${s.actual} gold)`,
    );
  }
  let falseBoxes = 0;
  let near = 0;
  for (const [predicted, truth] of run(DEFAULT_MATCH_IOU)) {
    // A predicted box is false when removing it leaves the matches unchanged.
    predicted.forEach((p, i) => {
      const without = predicted.filter((_, j) => j !== i);
      if (matchedBoxes(without, truth) < matchedBoxes(predicted, truth)) return;
      falseBoxes++;
      const best = Math.max(0, ...truth.map(g => boxIou(p, g)));
      if (best >= 0.4) near++;
    });
  }
  console.log(
    `boxes, default: ${falseBoxes} false boxes, ${near} of them at IoU 0.4–0.5 with a gold box`,
  );
}

function spanStudy(folder: string): void {
  const files = conllFiles(folder);
  const { crowd } = files;
  const gold = files.gold!;
  const f1 = (tags: Int32Array, parity: number) =>
    spanF1(
      crowd,
      t => spansOfTask(crowd, tags, t),
      gold.map((g, t) => (t % 2 === parity ? g : undefined)),
    ).f1;
  const rows: Array<{ setting: string; even: number; odd: number }> = [];
  for (const diagonalPrior of [2, 5, 10, 20]) {
    for (const poolStrength of [0.2, 1, 5, 20]) {
      const { tags } = hmmCrowd(crowd, { diagonalPrior, poolStrength });
      const isDefault =
        diagonalPrior === DEFAULT_DIAGONAL_PRIOR && poolStrength === DEFAULT_POOL_STRENGTH;
      const setting = `diagonal prior ${diagonalPrior}, pool strength ${poolStrength}${isDefault ? ' (default)' : ''}`;
      rows.push({ setting, even: f1(tags, 0), odd: f1(tags, 1) });
      console.log(`spans, ${setting}: F1 even ${rows.at(-1)!.even.toFixed(4)}, odd ${rows.at(-1)!.odd.toFixed(4)}`); // prettier-ignore
    }
  }
  const best = Math.max(...rows.map(r => r.even));
  for (const r of rows.filter(row => row.even === best)) {
    console.log(`spans, picked on even sentences: ${r.setting}; reported on odd: F1 ${r.odd.toFixed(4)}`); // prettier-ignore
  }
  const base = hmmCrowd(crowd);
  const typedRows: Array<{ setting: string; even: number; odd: number }> = [];
  for (const wordWeight of [0, 0.25, 0.5, 1, 2]) {
    for (const wordPrior of [0.5, 2]) {
      const { tags } = retypeSpans(crowd, base, { wordWeight, wordPrior });
      const isDefault = wordWeight === DEFAULT_WORD_WEIGHT && wordPrior === DEFAULT_WORD_PRIOR;
      const setting = `re-typing word weight ${wordWeight}, word prior ${wordPrior}${isDefault ? ' (default)' : ''}`;
      typedRows.push({ setting, even: f1(tags, 0), odd: f1(tags, 1) });
      console.log(`spans, ${setting}: F1 even ${typedRows.at(-1)!.even.toFixed(4)}, odd ${typedRows.at(-1)!.odd.toFixed(4)}`); // prettier-ignore
    }
  }
  const bestTyped = Math.max(...typedRows.map(r => r.even));
  for (const r of typedRows.filter(row => row.even === bestTyped)) {
    console.log(`spans, picked on even sentences: ${r.setting}; reported on odd: F1 ${r.odd.toFixed(4)}`); // prettier-ignore
  }
  console.log(`spans, unmarked misses: ${unmarkedMisses(files.crowd, gold)} gold entities missed by the default that no worker marked exactly`); // prettier-ignore
}

/** Gold entities the default misses that no annotation of their sentence has exactly. */
function unmarkedMisses(
  crowd: SpanCrowd,
  gold: ReadonlyArray<readonly TokenSpan[] | undefined>,
): number {
  const { tags } = hmmCrowdTyped(crowd);
  const key = (s: TokenSpan) => `${s.start} ${s.end} ${s.type}`;
  const marked = gold.map(() => new Set<string>());
  const answered = new Uint8Array(gold.length);
  for (let a = 0; a < crowd.annotationTask.length; a++) {
    answered[crowd.annotationTask[a]] = 1;
    const column = crowd.tags.subarray(crowd.tagOffset[a], crowd.tagOffset[a + 1]);
    for (const s of tagsToSpans(column)) marked[crowd.annotationTask[a]].add(key(s));
  }
  let count = 0;
  gold.forEach((g, t) => {
    if (!g || !answered[t]) return;
    const found = new Set(spansOfTask(crowd, tags, t).map(key));
    for (const s of g) if (!found.has(key(s)) && !marked[t].has(key(s))) count++;
  });
  return count;
}

const folder = resolve(process.argv[2] ?? join(__dirname, '..', '..', 'shared', 'datasets'));
boxStudy(folder);
spanStudy(folder);
