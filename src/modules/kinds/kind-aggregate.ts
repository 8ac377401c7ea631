/**
 * Batch aggregation of the structured kinds in the product: a project's validated answers, per
 * task, → each answered task's consensus answer (in the kind's answer shape) and confidence. The
 * aggregators are those of `quorum aggregate --kind` (src/cli/aggregate-kind-command.ts), fed by
 * the kind's own `encode`: HMM-crowd with its spans re-typed (or plain HMM-crowd, or token
 * Dawid–Skene) for spans, box fusion for boxes, the
 * ordinal model for ratings, noisy Bradley–Terry for pairs. Pure.
 */
import { spansOfTask } from '../aggregation/algorithms/kinds/bio-tags';
import { fuseBoxes } from '../aggregation/algorithms/kinds/box-fusion';
import { hmmCrowd } from '../aggregation/algorithms/kinds/hmm-crowd';
import { ordinalRating } from '../aggregation/algorithms/kinds/ordinal-rating';
import { hmmCrowdTyped } from '../aggregation/algorithms/kinds/span-type-dawid-skene';
import {
  noisyBradleyTerry,
  pairwiseTaskConfidence,
} from '../aggregation/algorithms/kinds/pairwise';
import { tokenDawidSkene } from '../aggregation/algorithms/kinds/token-dawid-skene';
import type { BoxAnswer, BoxSettings } from './boxes-kind';
import { boxesKind } from './boxes-kind';
import type { PairwiseAnswer, PairwiseSettings } from './pairwise-kind';
import { itemsOf, pairwiseKind } from './pairwise-kind';
import type { RatingAnswer, RatingSettings } from './rating-kind';
import { ratingKind } from './rating-kind';
import type { SpanAnswer, SpanSettings } from './spans-kind';
import { spansKind } from './spans-kind';
import type { KindName, TaskAnswers } from './task-kind';

/** The batch methods of each structured kind; the first is the default. */
export const KIND_AGGREGATORS: Readonly<Partial<Record<KindName, readonly string[]>>> = {
  TEXT_SPANS: ['hmm-crowd-typed', 'hmm-crowd', 'token-dawid-skene'],
  BOUNDING_BOXES: ['box-fusion'],
  RATING: ['ordinal'],
  PAIRWISE: ['noisy-bt'],
};

/** One answered task's aggregated result. */
export interface KindConsensus {
  readonly taskId: string;
  readonly answer: Readonly<Record<string, unknown>>;
  readonly confidence: number;
}

/** Pixels to 0.01 px, as the datasets and `quorum aggregate --kind boxes` write them. */
const pixels = (value: number) => Math.round(value * 100) / 100;

/**
 * The consensus of every task of `tasks` with at least one answer, in `tasks` order. `method`
 * is one of `KIND_AGGREGATORS[kind]` (RangeError otherwise: the caller checks it).
 */
export function aggregateKind(
  kind: KindName,
  method: string,
  settings: unknown,
  tasks: readonly TaskAnswers<unknown>[],
): KindConsensus[] {
  if (!(KIND_AGGREGATORS[kind] ?? []).includes(method)) {
    throw new RangeError(`no aggregation method ${method} for ${kind}`);
  }
  const answered = tasks.filter(task => task.answers.length > 0);
  if (answered.length === 0) return [];
  if (kind === 'TEXT_SPANS') {
    return spans(method, settings as SpanSettings, answered as TaskAnswers<SpanAnswer>[]);
  }
  if (kind === 'BOUNDING_BOXES') {
    return boxes(settings as BoxSettings, answered as TaskAnswers<BoxAnswer>[]);
  }
  if (kind === 'RATING') {
    return ratings(settings as RatingSettings, answered as TaskAnswers<RatingAnswer>[]);
  }
  return pairs(settings as PairwiseSettings, answered as TaskAnswers<PairwiseAnswer>[]);
}

function spans(
  method: string,
  settings: SpanSettings,
  tasks: readonly TaskAnswers<SpanAnswer>[],
): KindConsensus[] {
  const { input, keys } = spansKind.encode(settings, tasks);
  const result =
    method === 'token-dawid-skene'
      ? tokenDawidSkene(input)
      : method === 'hmm-crowd'
        ? hmmCrowd(input)
        : hmmCrowdTyped(input);
  return tasks.map((task, t) => ({
    taskId: task.taskId,
    answer: {
      spans: spansOfTask(input, result.tags, t).map(s => ({
        start: s.start,
        end: s.end,
        label: keys[s.type],
      })),
    },
    confidence: result.taskConfidence[t],
  }));
}

function boxes(settings: BoxSettings, tasks: readonly TaskAnswers<BoxAnswer>[]): KindConsensus[] {
  const { input, keys } = boxesKind.encode(settings, tasks);
  const result = fuseBoxes(input);
  const byTask = tasks.map(() => [] as Array<Record<string, unknown>>);
  for (const o of result.objects) {
    byTask[o.task].push({
      x: pixels(o.x),
      y: pixels(o.y),
      w: pixels(o.w),
      h: pixels(o.h),
      label: keys[o.label],
      score: Math.round(o.score * 1e6) / 1e6,
    });
  }
  return tasks.map((task, t) => ({
    taskId: task.taskId,
    answer: { boxes: byTask[t] },
    confidence: result.taskConfidence[t],
  }));
}

function ratings(
  settings: RatingSettings,
  tasks: readonly TaskAnswers<RatingAnswer>[],
): KindConsensus[] {
  const { input, taskIds } = ratingKind.encode(settings, tasks);
  const result = ordinalRating(input);
  const index = new Map(taskIds.map((id, t) => [id, t]));
  return tasks.map(task => {
    const t = index.get(task.taskId)!;
    return {
      taskId: task.taskId,
      answer: { rating: settings.min + result.labels[t] },
      confidence: result.confidence[t],
    };
  });
}

function pairs(
  settings: PairwiseSettings,
  tasks: readonly TaskAnswers<PairwiseAnswer>[],
): KindConsensus[] {
  const { input, taskIds, keys } = pairwiseKind.encode(settings, tasks);
  const fit = noisyBradleyTerry(input);
  const item = new Map(keys.map((id, i) => [id, i]));
  const rowsOf = new Map<string, number[]>();
  taskIds.forEach((id, r) => rowsOf.set(id, [...(rowsOf.get(id) ?? []), r]));
  const out: KindConsensus[] = [];
  for (const task of tasks) {
    const pair = itemsOf(settings, task.payload);
    if (pair === null) continue;
    const [left, right] = [item.get(pair[0])!, item.get(pair[1])!];
    const votes = (rowsOf.get(task.taskId) ?? []).map(r => ({
      worker: input.worker[r],
      leftWins: input.leftWins[r] === 1,
    }));
    const leftBetter = fit.scores[left] >= fit.scores[right];
    out.push({
      taskId: task.taskId,
      answer: { preferred: leftBetter ? pair[0] : pair[1] },
      confidence: pairwiseTaskConfidence(fit, left, right, votes),
    });
  }
  return out;
}
