import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';
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
 * answer (DESIGN.md "Bad input"): exclusion sets `excluded_at` and `counted = false`, frees the
 * overlap slot on the task (`counted_answers` and `live_assignments` − 1, as a rejection does) and
 * sends a COMPLETE task back to OPEN, so the answer is collected again from another worker.
 * Inclusion clears `excluded_at`; the answer counts again where its task still has a free slot.
 *
 * Lock order is the submit path's: assignment rows, then task rows (ordered by id).
 */
export class ExclusionService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly audit: AuditService,
  ) {}

  /** Admin mutation: excludes every answer of a worker (on one project, or everywhere). */
  async excludeWorkerAnswers(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    reason: string,
  ): Promise<ExclusionResult> {
    const adminId = ctx.requireUserId();
    const trimmed = checkReason(reason);
    return this.db.withTransaction(ctx, async tx => {
      await this.requireTargets(tx, workerId, projectId);
      return this.excludeAnswers(tx, {
        workerId,
        projectId,
        reason: trimmed,
        actor: { userId: adminId },
        action: AuditAction.EXCLUDE_ANSWERS,
      });
    });
  }

  /** Admin mutation: includes again every excluded answer of a worker (project or everywhere). */
  async includeWorkerAnswers(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    reason: string,
  ): Promise<ExclusionResult> {
    const adminId = ctx.requireUserId();
    const trimmed = checkReason(reason);
    return this.db.withTransaction(ctx, async tx => {
      await this.requireTargets(tx, workerId, projectId);
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
      const tasks = await queryRows<{
        id: string;
        is_gold: boolean;
        status: string;
        counted_answers: number;
        max_overlap: number;
      }>(
        manager,
        `SELECT t.id, t.is_gold, t.status, t.counted_answers, p.max_overlap
         FROM tasks t JOIN projects p ON p.id = t.project_id
         WHERE t.id = ANY($1::uuid[]) ORDER BY t.id FOR UPDATE OF t`,
        [taskIds],
      );
      const taskById = new Map(tasks.map(t => [t.id, t]));
      const recount: string[] = [];
      for (const answer of answers) {
        const task = taskById.get(answer.task_id)!;
        const countable = answer.status === 'SUBMITTED' || answer.status === 'APPROVED';
        // Like a reversed rejection: the answer takes its slot back only while one is free, so a
        // task never exceeds its overlap; otherwise it stays stored and included, uncounted.
        if (countable && (task.is_gold || task.counted_answers < task.max_overlap)) {
          task.counted_answers += 1;
          recount.push(answer.id);
        }
      }
      await queryRows(
        manager,
        `UPDATE assignments SET excluded_at = NULL,
           counted = (id = ANY($2::uuid[])), updated_at = now()
         WHERE id = ANY($1::uuid[])`,
        [answers.map(a => a.id), recount],
      );
      const recounted = new Set(recount);
      let tasksCompleted = 0;
      for (const task of tasks) {
        const added = answers.filter(a => a.task_id === task.id && recounted.has(a.id)).length;
        if (added === 0) continue;
        const complete =
          !task.is_gold && task.status === 'OPEN' && task.counted_answers >= task.max_overlap;
        if (complete) tasksCompleted++;
        await queryRows(
          manager,
          `UPDATE tasks SET counted_answers = counted_answers + $2,
             live_assignments = live_assignments + $2,
             status = CASE WHEN $3 THEN 'COMPLETE' ELSE status END,
             completed_at = CASE WHEN $3 THEN $4::timestamptz ELSE completed_at END,
             updated_at = now()
           WHERE id = $1`,
          [task.id, added, complete, tx.now()],
        );
      }
      await this.audit.record(tx, {
        projectId,
        workerId,
        action: AuditAction.INCLUDE_ANSWERS,
        reason: trimmed,
        actor: { userId: adminId },
        evidence: { answers: answers.length, answersCounted: recount.length, tasksCompleted },
      });
      return Object.assign(new ExclusionResult(), {
        answers: answers.length,
        answersCounted: recount.length,
        tasksReopened: 0,
        taskIds,
      });
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
    const freed = new Map<string, number>();
    for (const answer of answers) {
      if (answer.counted) freed.set(answer.task_id, (freed.get(answer.task_id) ?? 0) + 1);
    }
    const taskIds = [...new Set(answers.map(a => a.task_id))].sort();
    await queryRows(
      manager,
      `UPDATE assignments SET excluded_at = $2, counted = false, updated_at = now()
       WHERE id = ANY($1::uuid[])`,
      [answers.map(a => a.id), tx.now()],
    );
    let tasksReopened = 0;
    const freedIds = [...freed.keys()].sort();
    if (freedIds.length > 0) {
      const reopened = await queryRows<{ id: string; was_complete: boolean }>(
        manager,
        `WITH locked AS (
           SELECT id, status = 'COMPLETE' AS was_complete FROM tasks
           WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE
         ), freed AS (
           SELECT unnest($1::uuid[]) AS id, unnest($2::int[]) AS n
         )
         UPDATE tasks t SET
           counted_answers = t.counted_answers - freed.n,
           live_assignments = t.live_assignments - freed.n,
           status = CASE WHEN t.status = 'COMPLETE' THEN 'OPEN' ELSE t.status END,
           completed_at = CASE WHEN t.status = 'COMPLETE' THEN NULL ELSE t.completed_at END,
           updated_at = now()
         FROM freed JOIN locked ON locked.id = freed.id
         WHERE t.id = freed.id
         RETURNING t.id, locked.was_complete`,
        [freedIds, freedIds.map(id => freed.get(id)!)],
      );
      tasksReopened = reopened.filter(r => r.was_complete).length;
    }
    await this.audit.record(tx, {
      projectId: target.projectId,
      workerId: target.workerId,
      action: target.action,
      reason: target.reason,
      actor: target.actor,
      evidence: {
        ...target.evidence,
        answersExcluded: answers.length,
        slotsFreed: [...freed.values()].reduce((a, b) => a + b, 0),
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
