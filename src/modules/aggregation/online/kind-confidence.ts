import type { RequestContext } from '../../../common/request-context';
import { queryRows } from '../../../db/query-rows';
import type { TransactionalConnection } from '../../../db/transactional-connection';
import { kindOf } from '../../kinds/kinds';
import type { Task } from '../../marketplace/task.entity';
import type { Project } from '../../projects/project.entity';
import { kindSettingsOf } from '../../projects/kind-settings';
import { type OverlapDecision, overlapDecision } from './algorithms/dynamic-overlap';

/** A structured task's online confidence and the dynamic-overlap decision it leads to. */
export interface KindTaskConfidence {
  readonly confidence: number;
  readonly answers: number;
  readonly decision: OverlapDecision;
}

/**
 * The online step of the structured kinds (docs/kinds.md, "How it is wired" step 4): after every
 * answer (and count change) the task's confidence is the kind's `taskConfidence` over its
 * counted, non-excluded answers, stored in `tasks.consensus_confidence`, which dynamic overlap
 * (the decision returned here) and the review queue read as for the choice kinds.
 *
 * A gold task runs the very same statements, and the UPDATE's CASE keeps its stored confidence
 * (null): nothing about a gold task's answers reaches a column a worker-facing path could read,
 * and a gold submit costs what an ordinary one does (DESIGN.md promise 8).
 */
export async function updateKindTaskConfidence(
  db: TransactionalConnection,
  tx: RequestContext,
  project: Project,
  task: Task,
): Promise<KindTaskConfidence> {
  const manager = db.manager(tx);
  const rows = await queryRows<{ worker_id: string; answer: Record<string, unknown> }>(
    manager,
    `SELECT worker_id, answer FROM assignments
     WHERE task_id = $1 AND counted AND excluded_at IS NULL AND answer IS NOT NULL
     ORDER BY worker_id`,
    [task.id],
  );
  const answers = rows.map(row => ({ worker: row.worker_id, answer: row.answer }));
  const confidence =
    answers.length === 0
      ? null
      : kindOf(project.labelSchema.kind).taskConfidence(
          kindSettingsOf(project.labelSchema),
          task.payload,
          answers,
        );
  await queryRows(
    manager,
    `UPDATE tasks SET
       consensus_confidence = CASE WHEN is_gold THEN consensus_confidence ELSE $2::float8 END,
       updated_at = now()
     WHERE id = $1`,
    [task.id, confidence],
  );
  if (!task.isGold) task.consensusConfidence = confidence;
  const decision = overlapDecision(
    {
      minOverlap: project.minOverlap,
      maxOverlap: project.maxOverlap,
      confidenceTarget: project.confidenceTarget,
    },
    answers.length,
    confidence ?? 0,
  );
  return { confidence: confidence ?? 0, answers: answers.length, decision };
}
