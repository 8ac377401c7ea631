/**
 * Accuracy of aggregated labels against known true labels, measured the way the benchmark
 * datasets' README and crowd-kit's tables measure it:
 *
 *   accuracy = #{t: gold[t] ≥ 0, t has ≥ 1 answer, labels[t] = gold[t]} / #{t: gold[t] ≥ 0, t has ≥ 1 answer}
 *
 * Pure; used by the `quorum aggregate` CLI and the aggregation benchmark.
 */
import type { GoldLabels, ResponseMatrix } from './algorithms/response-matrix';

/** Correct and scored gold tasks; `accuracy` is NaN when no gold task has an answer. */
export interface GoldAccuracy {
  readonly correct: number;
  readonly total: number;
  readonly accuracy: number;
}

/** Scores `labels` (one per task, -1 = no label) on the gold tasks that have answers. */
export function goldAccuracy(
  m: Pick<ResponseMatrix, 'nTasks' | 'task'>,
  labels: Int32Array,
  gold: GoldLabels,
): GoldAccuracy {
  const answered = new Uint8Array(m.nTasks);
  for (let r = 0; r < m.task.length; r++) answered[m.task[r]] = 1;
  let correct = 0;
  let total = 0;
  for (let t = 0; t < m.nTasks; t++) {
    if (gold[t] < 0 || !answered[t]) continue;
    total++;
    if (labels[t] === gold[t]) correct++;
  }
  return { correct, total, accuracy: total > 0 ? correct / total : NaN };
}
