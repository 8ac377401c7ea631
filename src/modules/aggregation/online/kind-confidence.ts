import type { RequestContext } from '../../../common/request-context';
import { queryRows } from '../../../db/query-rows';
import type { TransactionalConnection } from '../../../db/transactional-connection';
import { kindOf } from '../../kinds/kinds';
import type { Task } from '../../marketplace/task.entity';
import type { Project } from '../../projects/project.entity';
import { kindSettingsOf } from '../../projects/kind-settings';
import { type OverlapDecision, overlapDecision } from './algorithms/dynamic-overlap';
import { RELIABILITY_PRIOR, oneCoinAnswerPosterior } from './algorithms/answer-reliability';

/** A structured task's online confidence and the dynamic-overlap decision it leads to. */
export interface KindTaskConfidence {
  readonly confidence: number;
  readonly answers: number;
  readonly decision: OverlapDecision;
}

/**
 * The online step of the structured kinds (docs/kinds.md, "How it is wired" step 4): after every
 * answer (and count change) the task's confidence is computed over its counted, non-excluded
 * answers and stored in `tasks.consensus_confidence`, which dynamic overlap (the decision
 * returned here) and the review queue read as for the choice kinds.
 *
 * Which model: once a batch run has learned a reliability for any of the task's workers (their
 * `worker_qualities.skill`, read with the answers in the same statement), each answer counts by
 * its worker's reliability in the one-coin posterior over the task's answers
 * (answer-reliability.ts; a worker the run has not seen has the prior's reliability). Before
 * any run, the kind's `taskConfidence` fitted on the task's own answers.
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
  const rows = await queryRows<{
    worker_id: string;
    answer: Record<string, unknown>;
    reliability: number | null;
  }>(
    manager,
    `SELECT a.worker_id, a.answer, q.skill AS reliability FROM assignments a
     LEFT JOIN worker_qualities q
       ON q.project_id = a.project_id AND q.worker_id = a.worker_id AND q.schema_kind = $2
     WHERE a.task_id = $1 AND a.counted AND a.excluded_at IS NULL AND a.answer IS NOT NULL
     ORDER BY a.worker_id`,
    [task.id, project.labelSchema.kind],
  );
  const answers = rows.map(row => ({ worker: row.worker_id, answer: row.answer }));
  const kind = kindOf(project.labelSchema.kind);
  const settings = kindSettingsOf(project.labelSchema);
  const confidence =
    answers.length === 0
      ? null
      : rows.some(row => row.reliability !== null)
        ? oneCoinAnswerPosterior(
            Float64Array.from(rows, row => row.reliability ?? RELIABILITY_PRIOR.mean),
            Float64Array.from({ length: rows.length ** 2 }, (_, ij) =>
              kind.agreement(
                settings,
                rows[Math.floor(ij / rows.length)].answer,
                rows[ij % rows.length].answer,
              ),
            ),
          ).confidence
        : kind.taskConfidence(settings, task.payload, answers);
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
