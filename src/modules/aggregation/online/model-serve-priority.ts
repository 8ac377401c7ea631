import type { RequestContext } from '../../../common/request-context';
import { queryRows } from '../../../db/query-rows';
import type { TransactionalConnection } from '../../../db/transactional-connection';
import { votingPredictionsSql } from '../../prelabel/model-vote';

/**
 * `posteriorMargin` (algorithms/dynamic-overlap.ts) as an SQL expression over a float8[]: the
 * top value minus the second, each starting from 0, so values ≤ 0 and NaN never count (NaN sorts
 * above every number in PostgreSQL, hence the explicit test). The same double subtraction as the
 * TypeScript one, so both give the same value bit for bit. NULL array → 0.
 */
function marginSql(vector: string): string {
  return `(SELECT coalesce(s[1], 0) - coalesce(s[2], 0)
           FROM (SELECT array_agg(x ORDER BY x DESC) AS s FROM unnest(${vector}) AS x
                 WHERE x > 0 AND x <> 'NaN'::float8) AS sorted)`;
}

/**
 * The serving priority of tasks no human has answered yet (issue 15, docs/leasing.md "Which
 * task"): the margin (top − second) of the project's VOTING model version's probability vector
 * on the task (prelabel's `votingPredictionsSql`), so that among tasks with no counted answer the
 * one the model is least sure of is served first; 0 where the voting version has no prediction
 * (nothing known is treated as least sure) or the project has no voting model.
 *
 * Sets `tasks.serve_priority` of project `projectId`'s ordinary tasks with `counted_answers = 0`
 * (all of them, or only `taskIds`), in the caller's transaction, in one statement. Gold tasks are
 * never touched (they keep their own priority; the gold pool does not read it), and neither are
 * tasks with counted answers (their priority is their posterior's margin). Only rows whose
 * priority changes are locked and written, in id order (a deterministic lock order against
 * another batch of the same project). `updated_at` is left alone: the priority is bookkeeping of
 * the serving order, not a change of the task. Returns the rows written.
 *
 * Callers: the pre-label hooks (a batch of the voting version's predictions stored, a version
 * promoted: prelabel.wiring.ts), the count-change path when a task's last answer leaves the count
 * (`OnlineAggregationService.updateTask`) and the refit's "cleared" path (aggregation.service.ts).
 */
export async function setModelServePriorities(
  db: TransactionalConnection,
  tx: RequestContext,
  projectId: string,
  taskIds: readonly string[] | null,
): Promise<Array<{ id: string; serve_priority: number }>> {
  if (taskIds !== null && taskIds.length === 0) return [];
  // The margin is computed once per prediction in `m`, then compared and written; the LEFT JOIN
  // lets a whole-project pass hash-join the version's predictions instead of probing per task.
  return queryRows<{ id: string; serve_priority: number }>(
    db.manager(tx),
    `WITH target AS (
       SELECT t.id, coalesce(m.margin, 0) AS priority
       FROM tasks t
       LEFT JOIN (SELECT v.task_id, ${marginSql('v.probabilities')} AS margin
                  FROM (${votingPredictionsSql('$1::uuid')}) AS v) AS m ON m.task_id = t.id
       WHERE t.project_id = $1::uuid AND NOT t.is_gold AND t.counted_answers = 0
         AND ($2::uuid[] IS NULL OR t.id = ANY($2::uuid[]))
         AND t.serve_priority IS DISTINCT FROM coalesce(m.margin, 0)
       ORDER BY t.id
       FOR UPDATE OF t
     )
     UPDATE tasks t SET serve_priority = target.priority
     FROM target
     WHERE t.id = target.id
     RETURNING t.id, t.serve_priority`,
    [projectId, taskIds === null ? null : [...taskIds]],
  );
}
