import { In } from 'typeorm';
import { AppError, BadUserInputError, ErrorCode, NotFoundError } from '../../common/errors';
import { type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Role } from '../auth/role';
import { Project } from '../projects/project.entity';
import { assertTransition } from './assignment-lifecycle';
import { Assignment } from './assignment.entity';
import {
  AssignmentApprovedEvent,
  AssignmentRejectedEvent,
  AssignmentRejectionReversedEvent,
} from './assignment.events';
import { ASSIGNMENT_LIMITS, type ProjectAssignmentsArgs } from './assignment.inputs';
import { AssignmentStatus } from './assignment.types';
import { lockAssignments, refOf } from './assignment-rows';
import type { TaskSlots } from './task-slots';
import { TaskStatus } from './task.types';

/** Tuning of `ReviewService`. */
export interface ReviewServiceOptions {
  /** Rows per transaction in the auto-approval sweep. Default 500. */
  readonly sweepBatchSize?: number;
}

/**
 * Review (DESIGN.md promise 4 and Roles): the owner or an admin approves, rejects or reverses a
 * rejection; the auto-approval sweep approves what nobody reviewed in time. Approval moves no
 * money here: payments listen to `AssignmentApprovedEvent`. A rejection takes the answer out of
 * the count and a reversal may put it back, both through `TaskSlots`.
 */
export class ReviewService {
  private readonly sweepBatchSize: number;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly slots: TaskSlots,
    options: ReviewServiceOptions = {},
  ) {
    this.sweepBatchSize = options.sweepBatchSize ?? 500;
  }

  /** A project's assignments for its owner or an admin, optionally of one status. */
  async projectAssignments(
    ctx: RequestContext,
    args: ProjectAssignmentsArgs,
  ): Promise<ConnectionShape<Assignment>> {
    const project = isUuid(args.projectId)
      ? await this.db.repo(ctx, Project).findOneBy({ id: args.projectId })
      : null;
    if (!project || !mayReview(ctx, project)) throw new NotFoundError('Project', args.projectId);
    const qb = this.db
      .repo(ctx, Assignment)
      .createQueryBuilder('assignment')
      .where('assignment.project_id = :projectId', { projectId: project.id });
    if (args.status) qb.andWhere('assignment.status = :status', { status: args.status });
    return paginate(qb, args);
  }

  /** Approves one submitted assignment (owner or admin): see `approveAssignments`. */
  async approveAssignment(ctx: RequestContext, assignmentId: string): Promise<Assignment> {
    const [approved] = await this.approveAssignments(ctx, [assignmentId]);
    return approved;
  }

  /**
   * Approves submitted assignments, all or nothing: if any id is unknown or not the caller's to
   * review (NOT_FOUND), or not SUBMITTED (ASSIGNMENT_ALREADY_REVIEWED / ASSIGNMENT_NOT_SUBMITTED),
   * nothing is approved and the error names the first such id. All-or-nothing keeps "a refused
   * mutation writes nothing" true for bulk forms too; a client that raced the auto-approval
   * re-sends the ids the error did not name. Publishes `AssignmentApprovedEvent` for each.
   */
  async approveAssignments(ctx: RequestContext, assignmentIds: string[]): Promise<Assignment[]> {
    const reviewerId = ctx.requireUserId();
    const ids = checkBulkIds(assignmentIds);
    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const { assignments } = await this.lockForReview(tx, ids);
      for (const assignment of assignments) assertTransition(assignment, 'approve', now);
      await this.db
        .repo(tx, Assignment)
        .update(
          { id: In(ids) },
          { status: AssignmentStatus.APPROVED, reviewedAt: now, reviewedBy: reviewerId },
        );
      for (const assignment of assignments) {
        Object.assign(assignment, {
          status: AssignmentStatus.APPROVED,
          reviewedAt: now,
          reviewedBy: reviewerId,
        });
        await this.events.publish(tx, approvedEvent(assignment, reviewerId, false, now));
      }
      return assignments;
    });
  }

  /** Rejects one submitted assignment (owner or admin): see `rejectAssignments`. */
  async rejectAssignment(
    ctx: RequestContext,
    assignmentId: string,
    reason: string,
  ): Promise<Assignment> {
    const [rejected] = await this.rejectAssignments(ctx, [assignmentId], reason);
    return rejected;
  }

  /**
   * Rejects submitted assignments with a reason (required, 1 to 2,000 characters), all or nothing
   * like `approveAssignments`. A rejected answer is unpaid and leaves the count: `counted` false,
   * the task's `counted_answers` and `live_assignments` − 1, and a COMPLETE task reopens, so
   * another worker can take the freed slot.
   */
  async rejectAssignments(
    ctx: RequestContext,
    assignmentIds: string[],
    reason: string,
  ): Promise<Assignment[]> {
    const reviewerId = ctx.requireUserId();
    const trimmed = checkReason(reason);
    const ids = checkBulkIds(assignmentIds);
    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const { assignments, projects } = await this.lockForReview(tx, ids);
      for (const assignment of assignments) assertTransition(assignment, 'reject', now);
      const counted = assignments.filter(assignment => assignment.counted);
      await this.db.repo(tx, Assignment).update(
        { id: In(ids) },
        {
          status: AssignmentStatus.REJECTED,
          reviewedAt: now,
          reviewedBy: reviewerId,
          rejectionReason: trimmed,
          counted: false,
        },
      );
      // The counted answers leave the count: slots freed, tasks reopened, count-change hooks.
      await this.slots.uncount(
        tx,
        counted.map(assignment => ({ assignmentId: assignment.id, taskId: assignment.taskId })),
        'REJECTED',
        projects,
      );
      for (const assignment of assignments) {
        const wasCounted = assignment.counted;
        Object.assign(assignment, {
          status: AssignmentStatus.REJECTED,
          reviewedAt: now,
          reviewedBy: reviewerId,
          rejectionReason: trimmed,
          counted: false,
        });
        await this.events.publish(
          tx,
          new AssignmentRejectedEvent(refOf(assignment), trimmed, reviewerId, wasCounted),
        );
      }
      return assignments;
    });
  }

  /**
   * Turns a rejection into an approval within `project.rejectionReversalWindowSeconds` of it
   * (REVERSAL_WINDOW_CLOSED after). The worker is paid (an `AssignmentApprovedEvent` with
   * `viaReversal`). The answer counts again only if its task still has a free slot (gold: always;
   * never for an answer an admin excluded); if the slot went to another worker meanwhile, the
   * answer stays uncounted but paid, so the task never exceeds its overlap (promise 2).
   */
  async reverseRejection(ctx: RequestContext, assignmentId: string): Promise<Assignment> {
    const reviewerId = ctx.requireUserId();
    const [id] = checkBulkIds([assignmentId]);
    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const { assignments, projects } = await this.lockForReview(tx, [id]);
      const assignment = assignments[0];
      const project = projects.get(assignment.projectId)!;
      const closedAt = new Date(
        assignment.reviewedAt!.getTime() + project.rejectionReversalWindowSeconds * 1000,
      );
      assertTransition(assignment, 'reverseRejection', now, closedAt);
      const [task] = await this.slots.lockTasks(tx, [assignment.taskId]);
      const recounted =
        assignment.excludedAt === null &&
        task.status !== TaskStatus.CANCELLED &&
        (task.isGold || task.liveAssignments < project.maxOverlap);

      Object.assign(assignment, {
        status: AssignmentStatus.APPROVED,
        reviewedAt: now,
        reviewedBy: reviewerId,
        rejectionReason: null,
        counted: recounted,
      });
      await this.db.repo(tx, Assignment).update(assignment.id, {
        status: assignment.status,
        reviewedAt: now,
        reviewedBy: reviewerId,
        rejectionReason: null,
        counted: recounted,
      });
      if (recounted) {
        // Back in the count: slot taken, the task completes at maxOverlap, count-change hooks.
        await this.slots.recount(
          tx,
          [{ assignmentId: assignment.id, taskId: task.id }],
          [task],
          projects,
          'REJECTION_REVERSED',
        );
      }
      await this.events.publish(
        tx,
        new AssignmentRejectionReversedEvent(refOf(assignment), reviewerId, recounted),
      );
      await this.events.publish(tx, approvedEvent(assignment, reviewerId, true, now));
      return assignment;
    });
  }

  /**
   * The auto-approval sweep: SUBMITTED assignments whose `auto_approve_at` ≤ now become APPROVED
   * (reviewer null), in batches, each batch one transaction; rows a reviewer holds are skipped
   * and their review wins. Returns how many were approved.
   */
  async autoApproveDue(ctx: RequestContext): Promise<number> {
    let total = 0;
    for (;;) {
      const approved = await this.db.withTransaction(ctx, async tx => {
        const now = tx.now();
        const manager = this.db.manager(tx);
        const rows = await queryRows<Record<string, unknown>>(
          manager,
          `WITH due AS (
             SELECT id FROM assignments
             WHERE status = 'SUBMITTED' AND auto_approve_at <= $1
             ORDER BY auto_approve_at
             LIMIT $2
             FOR UPDATE SKIP LOCKED
           )
           UPDATE assignments a
           SET status = 'APPROVED', reviewed_at = $1, reviewed_by = NULL, updated_at = now()
           FROM due WHERE a.id = due.id AND a.status = 'SUBMITTED'
           RETURNING a.*`,
          [now, this.sweepBatchSize],
        );
        for (const row of rows) {
          const assignment = hydrateRow(manager, Assignment, row);
          await this.events.publish(tx, approvedEvent(assignment, null, false, now));
        }
        return rows.length;
      });
      total += approved;
      if (approved < this.sweepBatchSize) return total;
    }
  }

  /**
   * Locks the assignments and checks the caller may review each (owner of its project, or
   * admin); the first that is unknown or foreign is NOT_FOUND. Returns them in `ids` order.
   */
  private async lockForReview(
    tx: RequestContext,
    ids: string[],
  ): Promise<{ assignments: Assignment[]; projects: Map<string, Project> }> {
    const locked = await lockAssignments(this.db, tx, ids);
    const projectIds = [...new Set(locked.map(assignment => assignment.projectId))];
    const projects = new Map(
      (projectIds.length > 0
        ? await this.db.repo(tx, Project).findBy({ id: In(projectIds) })
        : []
      ).map(project => [project.id, project]),
    );
    const byId = new Map(locked.map(assignment => [assignment.id, assignment]));
    const assignments = ids.map(id => {
      const assignment = byId.get(id);
      const project = assignment && projects.get(assignment.projectId);
      if (!assignment || !project || !mayReview(tx, project))
        throw new NotFoundError('Assignment', id);
      return assignment;
    });
    return { assignments, projects };
  }
}

/** The owner of a project, or an admin, may review its assignments. */
function mayReview(ctx: RequestContext, project: Project): boolean {
  if (ctx.hasRole(Role.ADMIN)) return true;
  return ctx.hasRole(Role.REQUESTER) && project.ownerId === ctx.user?.id;
}

/** Distinct ids, 1 to `maxBulkReview` of them; a malformed one is NOT_FOUND like an unknown one. */
function checkBulkIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length === 0) {
    throw new BadUserInputError('Give at least one assignment id', { field: 'ids' });
  }
  if (unique.length > ASSIGNMENT_LIMITS.maxBulkReview) {
    throw new AppError(
      `At most ${ASSIGNMENT_LIMITS.maxBulkReview} assignments per call`,
      ErrorCode.BATCH_TOO_LARGE,
      { field: 'ids', limit: ASSIGNMENT_LIMITS.maxBulkReview, size: unique.length },
    );
  }
  const malformed = unique.find(id => !isUuid(id));
  if (malformed !== undefined) throw new NotFoundError('Assignment', malformed);
  return unique;
}

function checkReason(reason: string): string {
  const trimmed = (reason ?? '').trim();
  if (trimmed.length === 0) {
    throw new BadUserInputError('A rejection needs a reason', { field: 'reason' });
  }
  if (trimmed.length > ASSIGNMENT_LIMITS.maxReasonLength) {
    throw new BadUserInputError(
      `A reason has at most ${ASSIGNMENT_LIMITS.maxReasonLength} characters`,
      { field: 'reason' },
    );
  }
  return trimmed;
}

function approvedEvent(
  assignment: Assignment,
  reviewerId: string | null,
  viaReversal: boolean,
  at: Date,
): AssignmentApprovedEvent {
  return new AssignmentApprovedEvent(
    refOf(assignment),
    assignment.rewardAmount,
    assignment.currency,
    reviewerId,
    viaReversal,
    at,
  );
}
