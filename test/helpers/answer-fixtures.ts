/**
 * Submitted answers written straight into `assignments`, for the aggregation and pre-label specs
 * that need hundreds of answers in a known order: going through leasing and submission would cost
 * each of them seconds and decide the order itself.
 */
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Assignment } from '../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../src/modules/marketplace/assignment.types';
import type { Project } from '../../src/modules/projects/project.entity';

/** One answer: a worker's (user id) labels for a task (task id). */
export interface SeedAnswer {
  readonly worker: string;
  readonly task: string;
  readonly labels: readonly string[];
}

/**
 * One SUBMITTED, counted assignment per answer, submitted 1 ms apart in the given order (so the
 * services read them in that order), gold where the task is in `goldTaskIds`, paid the project's
 * reward; then each task's counted and live slots set to its answer count, as submissions would
 * leave them. Returns the assignment ids in the answers' order.
 */
export async function insertSubmittedAnswers(
  dataSource: DataSource,
  project: Pick<Project, 'id' | 'rewardAmount' | 'currency'>,
  answers: readonly SeedAnswer[],
  goldTaskIds: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const base = Date.parse('2026-02-01T00:00:00.000Z');
  const rows = answers.map((answer, r) => ({
    taskId: answer.task,
    projectId: project.id,
    workerId: answer.worker,
    status: AssignmentStatus.SUBMITTED,
    leasedAt: new Date(base + r - 1),
    expiresAt: new Date(base + r + 600_000),
    submittedAt: new Date(base + r),
    answerLabels: [...answer.labels],
    schemaVersion: 1,
    counted: true,
    isGold: goldTaskIds.has(answer.task),
    rewardAmount: project.rewardAmount,
    currency: project.currency,
  }));
  const ids: string[] = [];
  // In chunks: one INSERT of a whole benchmark dataset would pass PostgreSQL's parameter limit.
  for (let start = 0; start < rows.length; start += 1000) {
    const result = await dataSource
      .getRepository(Assignment)
      .insert(rows.slice(start, start + 1000) as QueryDeepPartialEntity<Assignment>[]);
    for (const identifier of result.identifiers) ids.push(identifier.id as string);
  }
  await dataSource.query(
    `UPDATE tasks t SET counted_answers = c.n, live_assignments = c.n
     FROM (SELECT task_id, count(*)::int AS n FROM assignments WHERE project_id = $1 GROUP BY task_id) c
     WHERE t.id = c.task_id`,
    [project.id],
  );
  return ids;
}

/**
 * One counted 'cat' answer of `workerId` on each of `taskIds`, all submitted at `at`, and each
 * task's counted answers set to 1: filler for the specs where only how many answers a project
 * has (and when) matters, such as the refit threshold.
 */
export async function insertFillerAnswers(
  dataSource: DataSource,
  projectId: string,
  workerId: string,
  taskIds: readonly string[],
  at: Date,
): Promise<void> {
  await dataSource.query(
    `INSERT INTO assignments (task_id, project_id, worker_id, status, leased_at, expires_at,
                              submitted_at, counted, answer_labels, schema_version,
                              reward_amount, currency)
     SELECT t, $1, $2, 'SUBMITTED', $3, $3, $3, true, ARRAY['cat'], 1, 5, 'usd'
     FROM unnest($4::uuid[]) AS t`,
    [projectId, workerId, at, taskIds],
  );
  await dataSource.query(`UPDATE tasks SET counted_answers = 1 WHERE id = ANY($1::uuid[])`, [
    taskIds,
  ]);
}
