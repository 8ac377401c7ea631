import { NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
import type { SqlPiece } from '../../db/statement-batch';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { SubmittedAnswer } from '../marketplace/assignment.hooks';
import { ProjectStatus } from '../projects/project.types';
import { MyQualification, MyQualificationStatus, QualificationStatus } from './qualification.types';
import { WorkerQualification } from './worker-qualification.entity';

/** The latest attempt of worker $2 on project $1, locked for the rest of the transaction. */
const LATEST_ATTEMPT_SQL = `
  SELECT * FROM worker_qualifications
  WHERE project_id = $1 AND worker_id = $2
  ORDER BY attempt DESC
  LIMIT 1
  FOR UPDATE`;

/**
 * Qualification: a project with `qualificationTaskCount` = n > 0 serves a worker only its gold
 * tasks until they have answered n of them in one attempt; the n-th answer scores the attempt
 * (correct / answered ≥ `qualificationPassMark` → PASSED, real tasks from then on with gold at
 * the usual rate; else FAILED, nothing of the project until `retry_after` = now +
 * `qualificationRetryDelaySeconds`). The selection side lives in `LeasingService`
 * (`ELIGIBLE_PROJECTS_SQL` and the `t.is_gold` predicate); this service keeps the attempts.
 *
 * A retry is served only gold tasks the worker has never been assigned (the selection skips any
 * task they have an assignment for), so a worker who has seen every gold task cannot retry: they
 * get no task of the project until the owner imports more gold.
 */
export class QualificationService {
  constructor(private readonly db: TransactionalConnection) {}

  /**
   * The submission step (`src/submission-steps.ts`): counts a gold answer of a worker who
   * has not qualified toward their current attempt (starting one when there is none, or when the
   * last one failed and its delay has passed), and scores the attempt on its last answer. The
   * latest attempt row is locked, so two concurrent submissions of one worker count one after
   * the other. Answers after the attempt was scored (leases taken before it) count for nothing.
   */
  async onAnswerSubmitted(
    tx: RequestContext,
    submitted: SubmittedAnswer,
    prefetched?: unknown,
  ): Promise<void> {
    const { assignment, project } = submitted;
    const required = project.qualificationTaskCount;
    if (required === 0) return;
    const manager = this.db.manager(tx);
    const now = tx.now();
    // Read (and locked) before the gold check, in the submit's one read statement when it was
    // prefetched: on a qualifying project an ordinary answer costs the same query as a gold one
    // (DESIGN.md promise 8: submit timing must not tell gold).
    let current =
      prefetched === undefined
        ? await this.latestAttempt(tx, project.id, assignment.workerId)
        : prefetched &&
          hydrateRow(manager, WorkerQualification, prefetched as Record<string, unknown>);
    if (!assignment.isGold) return;
    if (current?.status === QualificationStatus.PASSED) return;
    if (current && current.status === QualificationStatus.FAILED) {
      if (current.retryAfter && current.retryAfter.getTime() > now.getTime()) return;
    }
    if (!current || current.status === QualificationStatus.FAILED) {
      const [row] = await queryRows<Record<string, unknown>>(
        manager,
        `INSERT INTO worker_qualifications (project_id, worker_id, attempt, status, started_at)
         VALUES ($1, $2, $3, 'IN_PROGRESS', $4)
         ON CONFLICT (project_id, worker_id, attempt) DO NOTHING
         RETURNING *`,
        [project.id, assignment.workerId, (current?.attempt ?? 0) + 1, now],
      );
      // Lost a race with the same worker's other submission: count on the attempt it started.
      current = row
        ? hydrateRow(manager, WorkerQualification, row)
        : await this.latestAttempt(tx, project.id, assignment.workerId);
      if (!current || current.status !== QualificationStatus.IN_PROGRESS) return;
    }
    const answered = current.answered + 1;
    const correct = current.correct + (assignment.goldCorrect ? 1 : 0);
    let status: QualificationStatus = QualificationStatus.IN_PROGRESS;
    let retryAfter: Date | null = null;
    if (answered >= required) {
      status =
        correct / answered >= project.qualificationPassMark
          ? QualificationStatus.PASSED
          : QualificationStatus.FAILED;
      if (status === QualificationStatus.FAILED) {
        retryAfter = new Date(now.getTime() + project.qualificationRetryDelaySeconds * 1000);
      }
    }
    await this.db.defer(tx, {
      sql: `UPDATE worker_qualifications SET answered = $2, correct = $3, status = $4,
              finished_at = $5, retry_after = $6, updated_at = now()
            WHERE id = $1`,
      params: [
        current.id,
        answered,
        correct,
        status,
        status === QualificationStatus.IN_PROGRESS ? null : now,
        retryAfter,
      ],
    });
  }

  /**
   * The submission step's read (`SubmissionStep.prefetch`): the worker's latest attempt, locked,
   * on a project that asks for qualification; null on one that does not.
   */
  prefetchSubmitted(submitted: SubmittedAnswer): SqlPiece | null {
    const { assignment, project } = submitted;
    if (project.qualificationTaskCount === 0) return null;
    return {
      sql: `SELECT to_jsonb(q.*) FROM (${LATEST_ATTEMPT_SQL}) q`,
      params: [project.id, assignment.workerId],
    };
  }

  /**
   * The calling worker's qualification on a published project: status, training answers in the
   * current attempt, how many are required, and when a failed worker may retry. Never the score
   * or which answers were right. Unknown, malformed or DRAFT project: NOT_FOUND.
   */
  async myQualification(ctx: RequestContext, projectId: string): Promise<MyQualification> {
    const workerId = ctx.requireUserId();
    if (!isUuid(projectId)) throw new NotFoundError('Project', projectId);
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const [project] = await queryRows<{ status: ProjectStatus; required: number }>(
        manager,
        'SELECT status, qualification_task_count AS required FROM projects WHERE id = $1',
        [projectId],
      );
      if (!project || project.status === ProjectStatus.DRAFT) {
        throw new NotFoundError('Project', projectId);
      }
      const [row] = await queryRows<Record<string, unknown>>(
        manager,
        `SELECT * FROM worker_qualifications WHERE project_id = $1 AND worker_id = $2
         ORDER BY attempt DESC LIMIT 1`,
        [projectId, workerId],
      );
      const latest = row ? hydrateRow(manager, WorkerQualification, row) : null;
      return qualificationView(project.required, latest, tx.now());
    });
  }

  private async latestAttempt(
    tx: RequestContext,
    projectId: string,
    workerId: string,
  ): Promise<WorkerQualification | null> {
    const manager = this.db.manager(tx);
    const [row] = await queryRows<Record<string, unknown>>(manager, LATEST_ATTEMPT_SQL, [
      projectId,
      workerId,
    ]);
    return row ? hydrateRow(manager, WorkerQualification, row) : null;
  }
}

/**
 * The worker's summary. A pass stays a pass even if the owner later raises the count; a failed
 * attempt whose delay has passed reads as NOT_STARTED with the new attempt's zero answers.
 */
function qualificationView(
  required: number,
  latest: WorkerQualification | null,
  now: Date,
): MyQualification {
  const attempts = latest?.attempt ?? 0;
  const view = (status: MyQualificationStatus, answered: number, retryAfter: Date | null) =>
    Object.assign(new MyQualification(), { status, answered, required, attempts, retryAfter });
  if (latest?.status === QualificationStatus.PASSED) {
    return view(MyQualificationStatus.PASSED, latest.answered, null);
  }
  if (required === 0) return view(MyQualificationStatus.NOT_REQUIRED, 0, null);
  if (!latest) return view(MyQualificationStatus.NOT_STARTED, 0, null);
  if (latest.status === QualificationStatus.IN_PROGRESS) {
    return view(MyQualificationStatus.IN_PROGRESS, latest.answered, null);
  }
  if (latest.retryAfter && latest.retryAfter.getTime() > now.getTime()) {
    return view(MyQualificationStatus.FAILED, latest.answered, latest.retryAfter);
  }
  return view(MyQualificationStatus.NOT_STARTED, 0, null);
}
