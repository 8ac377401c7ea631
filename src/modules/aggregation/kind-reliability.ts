import type { KindConsensus } from '../kinds/kind-aggregate';
import { kindOf } from '../kinds/kinds';
import type { KindName, TaskAnswers } from '../kinds/task-kind';
import type { WorkerQualityRecord } from './aggregation.service';
import { learnedReliability } from './online/algorithms/answer-reliability';

/**
 * The worker model a structured kind's batch run leaves for the online confidence
 * (online/algorithms/answer-reliability.ts): per worker, the mean agreement (the kind's
 * `agreement`: span F1, box F1 at IoU 0.5, within tolerance, same item) of their answers with the
 * run's consensus on tasks with at least two answers, and the reliability learned from it
 * (`skill`). Stored as `worker_qualities` rows (no confusion; gold figures are the audit's).
 */
export function kindWorkerQualities(
  kind: KindName,
  settings: unknown,
  tasks: readonly TaskAnswers<unknown>[],
  results: readonly KindConsensus[],
): WorkerQualityRecord[] {
  const consensusOf = new Map(results.map(result => [result.taskId, result.answer]));
  const index = new Map<string, number>();
  const workerIds: string[] = [];
  const sums: number[] = [];
  const counts: number[] = [];
  const answers: number[] = [];
  for (const task of tasks) {
    const consensus = consensusOf.get(task.taskId);
    for (const { worker, answer } of task.answers) {
      let w = index.get(worker);
      if (w === undefined) {
        w = workerIds.length;
        index.set(worker, w);
        workerIds.push(worker);
        sums.push(0);
        counts.push(0);
        answers.push(0);
      }
      answers[w]++;
      // A task answered alone: its consensus is the answer itself, which proves nothing.
      if (consensus === undefined || task.answers.length < 2) continue;
      sums[w] += kindOf(kind).agreement(settings, answer, consensus);
      counts[w]++;
    }
  }
  const reliability = learnedReliability(Float64Array.from(sums), Int32Array.from(counts));
  return workerIds.map((worker_id, w) => ({
    worker_id,
    skill: reliability[w],
    confusion: null,
    answers: answers[w],
    gold_answers: 0,
    gold_correct: 0,
    gold_accuracy: null,
    agreement: counts[w] > 0 ? sums[w] / counts[w] : 0,
  }));
}
