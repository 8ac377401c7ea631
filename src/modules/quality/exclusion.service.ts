import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';
import type { TaskSlots } from '../marketplace/task-slots';
import { AuditAction } from './audit-log.entity';
import type { AuditRecord, AuditService } from './audit.service';
import { ExclusionResult } from './quality.types';

/** Longest reason of an admin's exclusion or inclusion. */
export const MAX_EXCLUSION_REASON_LENGTH = 2000;

/** Which answers to exclude, and who is acting. */
export interface ExclusionTarget {
  readonly workerId: string;
  /** Null: the worker's answers on every project. */
  readonly projectId: string | null;
  /** Only these assignments (a rule's evidence window); undefined: all the worker's answers. */
  readonly assignmentIds?: readonly string[];
  readonly reason: string;
  readonly actor: AuditRecord['actor'];
  /** Audit action to record (REOPEN_TASKS for a rule, EXCLUDE_ANSWERS for an admin). */
  readonly action: AuditAction;
  readonly evidence?: Record<string, unknown>;
}

/**
 * Excluding a worker's answers from aggregation and including them again. Nothing here deletes an
 * answer (DESIGN.md "Bad input"): exclusion sets `excluded_at` and `counted = false`, and
 * `TaskSlots.uncount` frees the overlap slot on the task (as a rejection does), sends a COMPLETE
 * task back to OPEN, so the answer is collected again from another worker, and runs the
 * count-change hooks (the task's online posterior drops the answer at once). Inclusion clears
 * `excluded_at`; the answer counts again (`TaskSlots.recount`) where its task still has a free
 * slot.
 *
 * Lock order is the submit path's: assignment rows, then task rows (ordered by id).
 */
export class ExclusionService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly audit: AuditService,
    private readonly slots: TaskSlots,
  ) {}

  /** Admin mutation: excludes every answer of a worker (on one project, or everywhere). */
  async excludeWorkerAnswers(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    reason: string,
  ): Promise<ExclusionResult> {
    return this.adminAction(ctx, workerId, projectId, reason, (tx, audit) =>
      this.excludeAnswers(tx, {
        workerId,
        projectId,
        ...audit,
        action: AuditAction.EXCLUDE_ANSWERS,
      }),
    );
  }

  /** Admin mutation: includes again every excluded answer of a worker (project or everywhere). */
  async includeWorkerAnswers(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    reason: string,
  ): Promise<ExclusionResult> {
    return this.adminAction(ctx, workerId, projectId, reason, async (tx, audit) => {
      const manager = this.db.manager(tx);
      const answers = await queryRows<{ id: string; task_id: string; status: string }>(
        manager,
        `SELECT id, task_id, status FROM assignments
         WHERE worker_id = $1 AND ($2::uuid IS NULL OR project_id = $2::uuid)
           AND excluded_at IS NOT NULL
         ORDER BY id FOR UPDATE`,
        [workerId, projectId],
      );
      const taskIds = [...new Set(answers.map(a => a.task_id))].sort();
      const { answersCounted, tasksCompleted } = await this.slots.include(tx, answers);
      await this.audit.record(tx, {
        projectId,
        workerId,
        action: AuditAction.INCLUDE_ANSWERS,
        ...audit,
        evidence: { answers: answers.length, answersCounted, tasksCompleted },
      });
      return Object.assign(new ExclusionResult(), {
        answers: answers.length,
        answersCounted,
        tasksReopened: 0,
        taskIds,
      });
    });
  }

  /**
   * An admin's exclusion request: the reason checked, then `work` in one transaction once the
   * worker (and project) exist, with the audit entry's reason and actor.
   */
  private adminAction<T>(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    reason: string,
    work: (tx: RequestContext, audit: { reason: string; actor: { userId: string } }) => Promise<T>,
  ): Promise<T> {
    const actor = { userId: ctx.requireUserId() };
    const audit = { reason: checkReason(reason), actor };
    return this.db.withTransaction(ctx, async tx => {
      await this.requireTargets(tx, workerId, projectId);
      return work(tx, audit);
    });
  }

  /**
   * Excludes the target answers inside the caller's transaction (a rule's REOPEN_TASKS or the
   * admin mutation) and records one audit entry. Answers already excluded are left alone.
   */
  async excludeAnswers(tx: RequestContext, target: ExclusionTarget): Promise<ExclusionResult> {
    const manager = this.db.manager(tx);
    const answers = await queryRows<{ id: string; task_id: string; counted: boolean }>(
      manager,
      `SELECT id, task_id, counted FROM assignments
       WHERE worker_id = $1 AND ($2::uuid IS NULL OR project_id = $2::uuid)
         AND submitted_at IS NOT NULL AND excluded_at IS NULL
         AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
       ORDER BY id FOR UPDATE`,
      [target.workerId, target.projectId, target.assignmentIds ?? null],
    );
    const taskIds = [...new Set(answers.map(a => a.task_id))].sort();
    const { slotsFreed, tasksReopened } = await this.slots.exclude(tx, answers);
    await this.audit.record(tx, {
      projectId: target.projectId,
      workerId: target.workerId,
      action: target.action,
      reason: target.reason,
      actor: target.actor,
      evidence: {
        ...target.evidence,
        answersExcluded: answers.length,
        slotsFreed,
        tasksReopened,
      },
    });
    return Object.assign(new ExclusionResult(), {
      answers: answers.length,
      answersCounted: 0,
      tasksReopened,
      taskIds,
    });
  }

  /** Admins only (the resolver checks the role); NOT_FOUND for an unknown worker or project. */
  private async requireTargets(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
  ): Promise<void> {
    const worker = isUuid(workerId)
      ? await this.db.repo(ctx, User).findOneBy({ id: workerId })
      : null;
    if (!worker || !worker.roles.includes(Role.WORKER)) throw new NotFoundError('Worker', workerId);
    if (projectId !== null) {
      const exists =
        isUuid(projectId) && (await this.db.repo(ctx, Project).existsBy({ id: projectId }));
      if (!exists) throw new NotFoundError('Project', projectId);
    }
  }
}

function checkReason(reason: string): string {
  const trimmed = (reason ?? '').trim();
  if (trimmed.length === 0 || trimmed.length > MAX_EXCLUSION_REASON_LENGTH) {
    throw new BadUserInputError(`A reason has 1 to ${MAX_EXCLUSION_REASON_LENGTH} characters`, {
      field: 'reason',
    });
  }
  return trimmed;
}
