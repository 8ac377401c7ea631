import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { WorkerPrelabel } from '../marketplace/worker-task.type';

interface PrelabelRow {
  task_id: string;
  predicted_label: string;
  confidence: number;
}

/**
 * Pre-labels to show workers for `taskIds`, in the order given (null where none), in one query:
 * the batch function of the `workerPrelabelByTaskId` loader. A task gets one only when its
 * project has `show_prelabels_to_workers` on and the project's voting model version (the latest
 * promoted one, as `modelVote` reads it: a registered version at once, an automatic retrain
 * only once it proved itself on gold) has a stored prediction for it; another version's
 * prediction is not shown, so a newly registered model hides the old one's labels until its run
 * writes them.
 * Gold tasks are treated like any other: the model's prediction is not the gold answer, and
 * a null only on gold would give gold away. Callers only ask for tasks the worker may see.
 */
export async function loadWorkerPrelabels(
  db: TransactionalConnection,
  ctx: RequestContext,
  taskIds: readonly string[],
): Promise<(WorkerPrelabel | null)[]> {
  const rows = (await db.manager(ctx).query(
    `SELECT p.task_id, p.predicted_label, p.confidence
       FROM prelabel_predictions p
       JOIN projects project ON project.id = p.project_id AND project.show_prelabels_to_workers
       JOIN LATERAL (
         SELECT mv.id FROM model_versions mv
          WHERE mv.project_id = p.project_id AND mv.promoted_at IS NOT NULL
          ORDER BY mv.promoted_at DESC, mv.created_at DESC, mv.id DESC
          LIMIT 1
       ) latest ON latest.id = p.model_version_id
      WHERE p.task_id = ANY($1::uuid[])`,
    [[...taskIds]],
  )) as PrelabelRow[];
  const byTask = new Map(
    rows.map(row => [
      row.task_id,
      { labelKey: row.predicted_label, confidence: Number(row.confidence) },
    ]),
  );
  return taskIds.map(id => byTask.get(id) ?? null);
}
