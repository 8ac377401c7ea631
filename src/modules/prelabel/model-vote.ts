import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';

/** How often a model version's predictions matched the project's single-label gold. */
export interface ModelGoldRecord {
  readonly gold_answers: number;
  readonly gold_correct: number;
}

/** The latest model version's prediction on one task, with that version's gold record. */
export interface ModelVote {
  readonly modelVersionId: string;
  /** The version's MODEL annotator (a user id), as aggregation knows it. */
  readonly annotatorId: string;
  readonly predictedLabel: string;
  readonly confidence: number;
  /**
   * The full prediction, in the project's label-schema order as it was when the task was
   * pre-labeled (labels the model lacks have 0): the soft answer the online posterior uses.
   */
  readonly probabilities: readonly number[];
  readonly gold: ModelGoldRecord;
}

/**
 * What pre-labeling tells other modules about a task: the vote of the project's VOTING model
 * version on it, the latest PROMOTED one (`promoted_at`: uploaded and hand-trained versions are
 * promoted when registered; an automatic retrain only when it is at least as accurate on gold as
 * the version voting, model-loop.ts), or null when the project has no such version or it has no
 * prediction on the task. Other versions are left out on purpose: a superseded model would vote
 * twice with correlated errors. The online posterior reads pre-labels only through this function, never through the
 * `model_versions` / `prelabel_predictions` tables. `ctx` may be a transaction.
 */
export async function modelVote(
  db: TransactionalConnection,
  ctx: RequestContext,
  projectId: string,
  taskId: string,
): Promise<ModelVote | null> {
  const [vote] = await db.readTogether(ctx, [
    { sql: modelVoteSql('$1::uuid', '$2::uuid'), params: [projectId, taskId] },
  ]);
  return modelVoteOf(vote);
}

/**
 * `modelVote` as SQL, for a caller that reads it in a statement of its own: a SELECT of one JSON
 * value (null when there is no vote) for the project and task given as SQL expressions
 * (parameters, usually). Read its value with `modelVoteOf`.
 */
export function modelVoteSql(projectId: string, taskId: string): string {
  // The gold record is driven from the project's gold tasks (few) through the predictions'
  // primary key, so a submit does not scan the version's predictions on every task.
  return `SELECT json_build_object('modelVersionId', mv.id, 'annotatorId', mv.annotator_id,
            'predictedLabel', p.predicted_label, 'confidence', p.confidence,
            'probabilities', p.probabilities,
            'gold', json_build_object('gold_answers', g.gold_answers,
                                      'gold_correct', g.gold_correct))
     FROM (${votingVersionSql(projectId)}) AS mv
     JOIN prelabel_predictions p ON p.model_version_id = mv.id AND p.task_id = ${taskId}
       AND p.predicted_label IS NOT NULL
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS gold_answers,
              count(*) FILTER (WHERE gp.predicted_label = t.gold_labels[1])::int AS gold_correct
       FROM tasks t
       JOIN prelabel_predictions gp ON gp.task_id = t.id AND gp.model_version_id = mv.id
       WHERE t.project_id = ${projectId} AND t.is_gold AND array_length(t.gold_labels, 1) = 1
     ) AS g`;
}

/**
 * The voting version's predictions as SQL: a SELECT of rows `(task_id uuid, probabilities
 * float8[])`, one per task of the project (given as an SQL expression) that the VOTING version
 * (see `modelVote`) has a prediction on; `probabilities` in the project's label-schema order as
 * it was when the task was pre-labeled. Empty when the project has no voting version. For a
 * caller that derives something from the model's vectors on many tasks in one statement (the
 * serving priority of tasks no human answered yet, aggregation/online/model-serve-priority.ts),
 * so other modules still read `model_versions` / `prelabel_predictions` only through prelabel's code.
 */
export function votingPredictionsSql(projectId: string): string {
  return `SELECT p.task_id, p.probabilities
     FROM (${votingVersionSql(projectId)}) AS mv
     JOIN prelabel_predictions p ON p.model_version_id = mv.id AND p.predicted_label IS NOT NULL`;
}

/** The project's voting version as a one-row (or empty) SELECT of (id, annotator_id). */
function votingVersionSql(projectId: string): string {
  return `SELECT id, annotator_id FROM model_versions
           WHERE project_id = ${projectId} AND promoted_at IS NOT NULL
           ORDER BY promoted_at DESC, created_at DESC, id DESC LIMIT 1`;
}

/** The vote `modelVoteSql` read (its JSON value), or null. */
export function modelVoteOf(value: unknown): ModelVote | null {
  if (value === null || value === undefined) return null;
  const vote = value as ModelVote;
  return {
    ...vote,
    confidence: Number(vote.confidence),
    probabilities: (vote.probabilities ?? []).map(Number),
  };
}

/**
 * How often a model version's stored predictions match the project's single-label gold. Driven
 * from the project's gold tasks (few) through the predictions' primary key, so a submit does not
 * scan the version's predictions on every task.
 */
export async function modelGoldRecord(
  db: TransactionalConnection,
  ctx: RequestContext,
  projectId: string,
  modelVersionId: string,
): Promise<ModelGoldRecord> {
  const [gold] = await queryRows<ModelGoldRecord>(
    db.manager(ctx),
    `SELECT count(*)::int AS gold_answers,
            count(*) FILTER (WHERE p.predicted_label = t.gold_labels[1])::int AS gold_correct
     FROM tasks t
     JOIN prelabel_predictions p ON p.task_id = t.id AND p.model_version_id = $2
     WHERE t.project_id = $1 AND t.is_gold AND array_length(t.gold_labels, 1) = 1`,
    [projectId, modelVersionId],
  );
  return gold;
}
