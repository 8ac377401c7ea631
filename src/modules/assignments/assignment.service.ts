import type { EntityManager } from 'typeorm';
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
import { type LabelSchema, ProjectStatus } from '../projects/project.types';
import { Task } from '../tasks/task.entity';
import { TaskStatus } from '../tasks/task.types';
import { toWorkerTask, type WorkerTask } from '../tasks/worker-task.type';
import { Assignment } from './assignment.entity';
import {
  AssignmentAlreadyReviewedError,
  AssignmentAlreadySubmittedError,
  AssignmentNotLeasedError,
  AssignmentNotRejectedError,
  AssignmentNotSubmittedError,
  LeaseExpiredError,
  ReversalWindowClosedError,
} from './assignment.errors';
import {
  AssignmentApprovedEvent,
  AssignmentExpiredEvent,
  AssignmentLeasedEvent,
  AssignmentRejectedEvent,
  AssignmentRejectionReversedEvent,
  AssignmentReturnedEvent,
  AssignmentSubmittedEvent,
  type AssignmentRef,
} from './assignment.events';
import type { CountChangeHook, SubmissionDecision, SubmissionHook } from './assignment.hooks';
import {
  ASSIGNMENT_LIMITS,
  type MyAssignmentsArgs,
  type ProjectAssignmentsArgs,
  type SubmitAssignmentInput,
} from './assignment.inputs';
import { AssignmentStatus } from './assignment.types';
import { loadWorkerTasks } from './load-worker-tasks';
import { sameLabels, validateAnswer } from './validate-answer';
import {
  toWorkerAssignment,
  type WorkerAssignment,
  workerMaySeeTask,
} from './worker-assignment.type';

/** Uniform draws in [0, 1). Production uses a crypto-seeded source; tests pass a seeded one. */
export type UniformRng = () => number;

/** Tuning of `AssignmentService`. */
export interface AssignmentServiceOptions {
  /** Decides, per lease, whether the gold or the ordinary pool is tried first. */
  readonly rng: UniformRng;
  /** Stale leases each `nextAssignment` expires before selecting (bounded work). Default 50. */
  readonly lazyExpiryLimit?: number;
  /** Rows per transaction in the expiry and auto-approval sweeps. Default 500. */
  readonly sweepBatchSize?: number;
}

/** Most projects one `nextAssignment` without a project id looks into (oldest launch first). */
const MAX_PROJECTS_SCANNED = 50;

/**
 * Projects worker $1 may work on at time $3: ACTIVE, not owned by them (a requester never labels
 * their own project), no block in force on the project or everywhere, no failed qualification
 * attempt still waiting for its retry time; only project $2 when given. `in_training`: the
 * project asks for a qualification this worker has not passed, so only its gold tasks (the
 * training set) are served to them.
 */
const ELIGIBLE_PROJECTS_SQL = `
  SELECT p.id, p.name, p.instructions, p.label_schema, p.schema_version, p.reward_amount,
         p.currency, p.max_overlap, p.gold_rate, p.gold_exposure_cap, p.assignment_duration_seconds,
         u.display_name AS requester_display_name,
         (p.qualification_task_count > 0 AND NOT EXISTS (
           SELECT 1 FROM worker_qualifications q
           WHERE q.project_id = p.id AND q.worker_id = $1 AND q.status = 'PASSED')) AS in_training
  FROM projects p
  JOIN users u ON u.id = p.owner_id
  WHERE p.status = 'ACTIVE'
    AND p.owner_id <> $1
    AND ($2::uuid IS NULL OR p.id = $2::uuid)
    AND NOT EXISTS (
      SELECT 1 FROM worker_blocks b
      WHERE b.worker_id = $1
        AND (b.project_id IS NULL OR b.project_id = p.id)
        AND b.lifted_at IS NULL
        AND b.starts_at <= $3
        AND (b.ends_at IS NULL OR b.ends_at > $3))
    AND NOT EXISTS (
      SELECT 1 FROM worker_qualifications q
      WHERE q.project_id = p.id
        AND q.worker_id = $1
        AND q.status = 'FAILED'
        AND q.retry_after > $3)
  ORDER BY p.launched_at NULLS LAST, p.id
  LIMIT $4`;

/**
 * Task alias `t` of project $1 is open, in the gold or the ordinary pool, not skipped ($4) and
 * never assigned to worker $3 (a predicate both selection statements share).
 */
function unseenTask(t: string, gold: boolean): string {
  return `${t}.project_id = $1
    AND ${t}.status = 'OPEN'
    AND ${t}.is_gold = ${gold}
    AND NOT (${t}.id = ANY($4::uuid[]))
    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ${t}.id AND a.worker_id = $3)`;
}

/** Ordinary task alias `t` is `unseenTask` and has a free slot under overlap $2. */
function leasableOrdinaryTask(t: string): string {
  return `${unseenTask(t, false)}
    AND ${t}.live_assignments < $2`;
}

/**
 * One leasable ordinary task of project $1 (overlap $2) for worker $3, skipping tasks $4 and any
 * task row another transaction holds.
 *
 * `FOR UPDATE SKIP LOCKED` locks the chosen row, and PostgreSQL re-checks the WHERE clause on the
 * row's latest committed version when it locks it, so `live_assignments < max_overlap` ($2) holds
 * for the real counter, not for a stale snapshot: that is why the counter lives on the task row
 * (promise 2). The assignment subquery reads the statement's snapshot, so two concurrent calls of
 * one worker could both pass it: the unique (task, worker) key is the final guard (promise 1;
 * `ON CONFLICT DO NOTHING`, then the next candidate).
 *
 * No ORDER BY, on purpose: an order no index serves makes every call read and sort all open tasks
 * of the project (186 ms per call at 5,000 tasks, measured). The equality conditions match
 * `tasks_project_status_idx` (project_id, status, is_gold), whose scan returns tasks in insertion
 * order and stops at the first leasable one; completed tasks are not even visited.
 */
const SELECT_ORDINARY_TASK_SQL = `
  SELECT t.id, t.payload
  FROM tasks t
  WHERE ${leasableOrdinaryTask('t')}
  LIMIT 1
  FOR UPDATE OF t SKIP LOCKED`;

/**
 * One servable gold task of project $1 for worker $3 (DESIGN.md promise 8), skipping tasks $4 and
 * rows another transaction holds. Gold ignores overlap but:
 *
 * - is never served alone: unless the worker is in qualification training ($6, where gold is
 *   the point), an ordinary task this worker could lease must exist (open, a free slot under
 *   overlap $2, not assigned to them). The EXISTS names no column of `t`, so PostgreSQL runs it
 *   once per statement (an InitPlan) on the same index, stopping at the first such task. It does
 *   not lock: a concurrent lease may take that last slot, so at most one gold can slip through
 *   per such race, never a run of them;
 * - stops at the exposure cap $5: `served_workers` (distinct workers it was leased to) is
 *   re-checked on the locked row like `live_assignments`, so the cap is exact under concurrency;
 *   retired gold (`retired_at`) is never served;
 * - comes in a per-worker order: md5(worker id ‖ task id), so every worker walks the gold in a
 *   different order and no gold task is "the first one" for everybody. The sort covers only the
 *   project's open, in-service gold (few rows, read through `tasks_project_status_idx`); the
 *   ordinary statement above, the hot path, stays unsorted.
 */
const SELECT_GOLD_TASK_SQL = `
  SELECT t.id, t.payload
  FROM tasks t
  WHERE ${unseenTask('t', true)}
    AND t.retired_at IS NULL
    AND t.served_workers < $5
    AND ($6::boolean OR EXISTS (SELECT 1 FROM tasks o WHERE ${leasableOrdinaryTask('o')}))
  ORDER BY md5($3::text || t.id::text)
  LIMIT 1
  FOR UPDATE OF t SKIP LOCKED`;

interface EligibleProject {
  id: string;
  name: string;
  instructions: string;
  label_schema: LabelSchema;
  schema_version: number;
  reward_amount: number;
  currency: string;
  max_overlap: number;
  gold_rate: number;
  gold_exposure_cap: number;
  assignment_duration_seconds: number;
  requester_display_name: string;
  in_training: boolean;
}

interface Candidate {
  readonly project: EligibleProject;
  readonly taskId: string;
  readonly payload: Record<string, unknown>;
  readonly isGold: boolean;
}

/** How often `nextAssignment` tries another task after losing a (task, worker) race. */
const MAX_LEASE_ATTEMPTS = 3;

/**
 * Leases, submissions and reviews (DESIGN.md promises 1–4).
 *
 * Counters: `tasks.live_assignments` = LEASED assignments + counted answers, and
 * `tasks.counted_answers` = counted answers, both changed only under the task row's lock in the
 * transaction that changes the assignment, so they always equal a recount (the concurrency test
 * checks exactly that). An ordinary task is leasable while `live_assignments < max_overlap`,
 * which is promise 2; the unique (task, worker) key is promise 1.
 *
 * Lock order, to stay deadlock-free: assignment rows (by id) before task rows (by id). Selection
 * locks a task row with SKIP LOCKED, which never waits, before inserting an assignment row that
 * no one else can hold.
 */
export class AssignmentService {
  private readonly rng: UniformRng;
  private readonly lazyExpiryLimit: number;
  private readonly sweepBatchSize: number;
  private readonly submissionHooks: SubmissionHook[] = [];
  private readonly countChangeHooks: CountChangeHook[] = [];

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    options: AssignmentServiceOptions,
  ) {
    this.rng = options.rng;
    this.lazyExpiryLimit = options.lazyExpiryLimit ?? 50;
    this.sweepBatchSize = options.sweepBatchSize ?? 500;
  }

  /**
   * Adds a hook run inside every submit transaction (see `SubmissionHook`); the quality issue's
   * incremental posterior and dynamic overlap plug in here. Returns an unregister function.
   */
  onSubmitted(hook: SubmissionHook): () => void {
    this.submissionHooks.push(hook);
    return () => void this.submissionHooks.splice(this.submissionHooks.indexOf(hook), 1);
  }

  /** Adds a hook run inside the transaction whenever an answer's `counted` flips. */
  onCountChanged(hook: CountChangeHook): () => void {
    this.countChangeHooks.push(hook);
    return () => void this.countChangeHooks.splice(this.countChangeHooks.indexOf(hook), 1);
  }

  // ── Workers ────────────────────────────────────────────────────────────────────────────────

  /**
   * Leases one task to the calling worker, or returns null when none is available to them.
   * In one transaction: expire a bounded batch of stale leases (freeing their slots), list the
   * projects the worker may work on (`ELIGIBLE_PROJECTS_SQL`), and in each, oldest first, look for
   * a task in the pool the draw chose (`SELECT_GOLD_TASK_SQL` / `SELECT_ORDINARY_TASK_SQL`); then
   * insert the assignment and take the slot.
   *
   * Qualification: on a project that asks for one, a worker who has not passed it gets only
   * the project's gold tasks (the training set, see `QualificationService`), and nothing while a
   * failed attempt waits for its retry time.
   *
   * Gold: one uniform draw u per lease; a project serves gold first when u < gold_rate, so gold
   * comes at the project's rate. When the worker has seen every gold task, ordinary work is
   * served instead. Gold is never served alone: there is no fallback from ordinary to gold, and
   * the gold statement itself serves nothing unless an ordinary task this worker could lease
   * exists (none left for them, all leased by others, qualification passed: no gold either), so
   * a run of gold never tells a worker what it is (DESIGN.md promises 3 and 8). Gold comes in a
   * per-worker order and each gold task reaches at most `gold_exposure_cap` workers.
   *
   * `projectId` that is unknown, malformed or names an unpublished (DRAFT) project: NOT_FOUND.
   */
  async nextAssignment(
    ctx: RequestContext,
    projectId?: string | null,
  ): Promise<WorkerAssignment | null> {
    const workerId = ctx.requireUserId();
    if (projectId != null && !isUuid(projectId)) throw new NotFoundError('Project', projectId);
    const draw = this.rng();
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const now = tx.now();
      const projects = await queryRows<EligibleProject>(manager, ELIGIBLE_PROJECTS_SQL, [
        workerId,
        projectId ?? null,
        now,
        MAX_PROJECTS_SCANNED,
      ]);
      if (projectId != null && projects.length === 0) {
        const [project] = await queryRows<{ status: ProjectStatus }>(
          manager,
          'SELECT status FROM projects WHERE id = $1',
          [projectId],
        );
        if (!project || project.status === ProjectStatus.DRAFT) {
          throw new NotFoundError('Project', projectId);
        }
        return null;
      }
      let assignment = await this.lease(manager, projects, workerId, draw, now);
      // Leases past their end still hold slots until the sweep runs; when they are what stands
      // between this worker and a task, free them now (bounded) and look again.
      if (!assignment && (await this.expireStaleLeases(tx, this.lazyExpiryLimit)) > 0) {
        assignment = await this.lease(manager, projects, workerId, draw, now);
      }
      if (!assignment) return null;
      await this.events.publish(
        tx,
        new AssignmentLeasedEvent(
          refOf(assignment.assignment),
          assignment.assignment.isGold,
          assignment.assignment.expiresAt,
        ),
      );
      return toWorkerAssignment(assignment.assignment, candidateView(assignment.candidate));
    });
  }

  /**
   * Records the holder's answer. Checks, in order: the assignment is the caller's (else
   * NOT_FOUND), the lease is live (LEASE_EXPIRED / ASSIGNMENT_NOT_LEASED /
   * ASSIGNMENT_ALREADY_SUBMITTED), the answer fits the project's schema (BAD_USER_INPUT, field
   * `answer.labels`). Then: SUBMITTED, counted, server-measured duration, gold scored, the task's
   * `counted_answers` + 1, submission hooks, the task completed at `maxOverlap` (or when a hook
   * asks), auto-approval scheduled. Any refusal writes nothing.
   */
  async submitAssignment(
    ctx: RequestContext,
    input: SubmitAssignmentInput,
  ): Promise<WorkerAssignment> {
    const workerId = ctx.requireUserId();
    const labels = input.answer?.labels ?? [];
    if (labels.length > ASSIGNMENT_LIMITS.maxAnswerLabels) {
      throw new BadUserInputError(
        `An answer has at most ${ASSIGNMENT_LIMITS.maxAnswerLabels} labels`,
        { field: 'answer.labels' },
      );
    }
    const clientDurationMs = input.clientDurationMs ?? null;
    if (
      clientDurationMs !== null &&
      (!Number.isInteger(clientDurationMs) ||
        clientDurationMs < 0 ||
        clientDurationMs > ASSIGNMENT_LIMITS.maxClientDurationMs)
    ) {
      throw new BadUserInputError('clientDurationMs must be between 0 and 7 days in ms', {
        field: 'clientDurationMs',
      });
    }
    if (!isUuid(input.assignmentId)) throw new NotFoundError('Assignment', input.assignmentId);

    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const manager = this.db.manager(tx);
      // The assignment row is locked (lock order: assignment, then task) and read with its
      // project and the requester's display name in one round trip.
      const [row] = await queryRows<
        Record<string, unknown> & { project: Record<string, unknown>; requester_name: string }
      >(
        manager,
        `SELECT a.*, to_jsonb(p.*) AS project, u.display_name AS requester_name
         FROM assignments a
         JOIN projects p ON p.id = a.project_id
         JOIN users u ON u.id = p.owner_id
         WHERE a.id = $1
         FOR UPDATE OF a`,
        [input.assignmentId],
      );
      if (!row || row.worker_id !== workerId) {
        throw new NotFoundError('Assignment', input.assignmentId);
      }
      const assignment = hydrateRow(manager, Assignment, row);
      const project = hydrateRow(manager, Project, row.project);
      assertLeaseUsable(assignment, now, 'submit');
      const validation = validateAnswer(project.labelSchema, labels);
      if (!validation.ok) {
        throw new BadUserInputError(validation.message, { field: 'answer.labels' });
      }
      // Counting the answer locks the task row and returns it as it now is.
      const [taskRow] = await queryRows<Record<string, unknown>>(
        manager,
        `UPDATE tasks SET counted_answers = counted_answers + 1, updated_at = now()
         WHERE id = $1 RETURNING *`,
        [assignment.taskId],
      );
      const task = hydrateRow(manager, Task, taskRow);
      // Scored for every answer and kept for gold only: the same work either way (promise 8).
      const matchesGold = sameLabels(validation.labels, task.goldLabels ?? []);

      Object.assign(assignment, {
        status: AssignmentStatus.SUBMITTED,
        submittedAt: now,
        answerLabels: validation.labels,
        clientDurationMs,
        serverDurationMs: Math.max(0, now.getTime() - assignment.leasedAt.getTime()),
        counted: true,
        schemaVersion: project.schemaVersion,
        goldCorrect: assignment.isGold ? matchesGold : null,
        autoApproveAt: new Date(now.getTime() + project.autoApprovalDelaySeconds * 1000),
      } satisfies Partial<Assignment>);
      await this.db.repo(tx, Assignment).update(assignment.id, {
        status: assignment.status,
        submittedAt: assignment.submittedAt,
        answerLabels: assignment.answerLabels,
        clientDurationMs: assignment.clientDurationMs,
        serverDurationMs: assignment.serverDurationMs,
        counted: true,
        schemaVersion: assignment.schemaVersion,
        goldCorrect: assignment.goldCorrect,
        autoApproveAt: assignment.autoApproveAt,
      });

      const decisions: Array<SubmissionDecision | void> = [];
      for (const hook of this.submissionHooks) {
        decisions.push(await hook(tx, { assignment, task, project }));
      }
      const taskCompleted =
        !task.isGold &&
        task.status === TaskStatus.OPEN &&
        (task.countedAnswers >= project.maxOverlap || decisions.some(d => d?.completeTask));
      if (taskCompleted) await this.completeTask(tx, task, now);

      await this.events.publish(
        tx,
        new AssignmentSubmittedEvent(
          refOf(assignment),
          validation.labels,
          assignment.isGold,
          assignment.goldCorrect,
          assignment.serverDurationMs!,
          clientDurationMs,
          taskCompleted,
        ),
      );
      return toWorkerAssignment(
        assignment,
        toWorkerTask(task, project, { displayName: row.requester_name }),
      );
    });
  }

  /** Gives a live lease back: RETURNED, and the task's slot is free at once. */
  async returnAssignment(ctx: RequestContext, assignmentId: string): Promise<WorkerAssignment> {
    const workerId = ctx.requireUserId();
    if (!isUuid(assignmentId)) throw new NotFoundError('Assignment', assignmentId);
    return this.db.withTransaction(ctx, async tx => {
      const [assignment] = await this.lockAssignments(tx, [assignmentId]);
      if (!assignment || assignment.workerId !== workerId) {
        throw new NotFoundError('Assignment', assignmentId);
      }
      assertLeaseUsable(assignment, tx.now(), 'return');
      assignment.status = AssignmentStatus.RETURNED;
      await this.db.repo(tx, Assignment).update(assignment.id, { status: assignment.status });
      await this.db
        .manager(tx)
        .query(
          'UPDATE tasks SET live_assignments = live_assignments - 1, updated_at = now() WHERE id = $1',
          [assignment.taskId],
        );
      await this.events.publish(tx, new AssignmentReturnedEvent(refOf(assignment)));
      return toWorkerAssignment(assignment);
    });
  }

  /** The caller's own assignments, oldest first, optionally of one status. */
  async myAssignments(
    ctx: RequestContext,
    args: MyAssignmentsArgs,
  ): Promise<ConnectionShape<WorkerAssignment>> {
    const workerId = ctx.requireUserId();
    const qb = this.db
      .repo(ctx, Assignment)
      .createQueryBuilder('assignment')
      .where('assignment.worker_id = :workerId', { workerId });
    if (args.status) qb.andWhere('assignment.status = :status', { status: args.status });
    const page = await paginate(qb, args);
    const edges = page.edges.map(edge => ({
      cursor: edge.cursor,
      node: toWorkerAssignment(edge.node),
    }));
    return { ...page, edges, nodes: edges.map(edge => edge.node) };
  }

  /** One of the caller's own assignments; anyone else's is NOT_FOUND. */
  async myAssignment(ctx: RequestContext, assignmentId: string): Promise<WorkerAssignment> {
    const workerId = ctx.requireUserId();
    const assignment = isUuid(assignmentId)
      ? await this.db.repo(ctx, Assignment).findOneBy({ id: assignmentId, workerId })
      : null;
    if (!assignment) throw new NotFoundError('Assignment', assignmentId);
    return toWorkerAssignment(assignment);
  }

  /**
   * A task as the caller sees it, if they hold it or answered it (DESIGN.md, Roles: a worker
   * sees the payload of tasks they hold or have answered, and nothing else). Otherwise NOT_FOUND.
   */
  async myTask(ctx: RequestContext, taskId: string): Promise<WorkerTask> {
    const workerId = ctx.requireUserId();
    const assignment = isUuid(taskId)
      ? await this.db.repo(ctx, Assignment).findOneBy({ taskId, workerId })
      : null;
    if (!assignment || !workerMaySeeTask(assignment.status))
      throw new NotFoundError('Task', taskId);
    const [view] = await loadWorkerTasks(this.db, ctx, [taskId]);
    if (!view) throw new NotFoundError('Task', taskId);
    return view;
  }

  // ── Requesters and admins ──────────────────────────────────────────────────────────────────

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
      for (const assignment of assignments) assertSubmitted(assignment);
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
      for (const assignment of assignments) assertSubmitted(assignment);
      const counted = assignments.filter(assignment => assignment.counted);
      const tasks = await this.lockTasks(
        tx,
        counted.map(assignment => assignment.taskId),
      );
      const taskById = new Map(tasks.map(task => [task.id, task]));

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
      for (const assignment of counted) {
        const task = taskById.get(assignment.taskId)!;
        task.countedAnswers -= 1;
        task.liveAssignments -= 1;
        if (task.status === TaskStatus.COMPLETE) {
          task.status = TaskStatus.OPEN;
          task.completedAt = null;
        }
      }
      for (const task of tasks) {
        await this.db.repo(tx, Task).update(task.id, {
          countedAnswers: task.countedAnswers,
          liveAssignments: task.liveAssignments,
          status: task.status,
          completedAt: task.completedAt,
        });
      }
      for (const assignment of assignments) {
        const wasCounted = assignment.counted;
        Object.assign(assignment, {
          status: AssignmentStatus.REJECTED,
          reviewedAt: now,
          reviewedBy: reviewerId,
          rejectionReason: trimmed,
          counted: false,
        });
        if (wasCounted) {
          for (const hook of this.countChangeHooks) {
            await hook(tx, {
              assignment,
              task: taskById.get(assignment.taskId)!,
              project: projects.get(assignment.projectId)!,
              counted: false,
              cause: 'REJECTED',
            });
          }
        }
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
      if (assignment.status !== AssignmentStatus.REJECTED) {
        throw new AssignmentNotRejectedError(assignment.id, assignment.status);
      }
      const closedAt = new Date(
        assignment.reviewedAt!.getTime() + project.rejectionReversalWindowSeconds * 1000,
      );
      if (now.getTime() >= closedAt.getTime()) {
        throw new ReversalWindowClosedError(assignment.id, closedAt);
      }
      const [task] = await this.lockTasks(tx, [assignment.taskId]);
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
        task.countedAnswers += 1;
        task.liveAssignments += 1;
        await this.db.repo(tx, Task).update(task.id, {
          countedAnswers: task.countedAnswers,
          liveAssignments: task.liveAssignments,
        });
        for (const hook of this.countChangeHooks) {
          await hook(tx, { assignment, task, project, counted: true, cause: 'REJECTION_REVERSED' });
        }
        if (
          !task.isGold &&
          task.status === TaskStatus.OPEN &&
          task.countedAnswers >= project.maxOverlap
        ) {
          await this.completeTask(tx, task, now);
        }
      }
      await this.events.publish(
        tx,
        new AssignmentRejectionReversedEvent(refOf(assignment), reviewerId, recounted),
      );
      await this.events.publish(tx, approvedEvent(assignment, reviewerId, true, now));
      return assignment;
    });
  }

  // ── Sweeps (run by the job queue) ──────────────────────────────────────────────────────────

  /**
   * Expires LEASED assignments whose `expires_at` ≤ now, at most `limit` of them, in `ctx`'s
   * transaction (or its own): EXPIRED, and each task's `live_assignments` − 1. Exactly once per
   * assignment: rows are claimed `FOR UPDATE SKIP LOCKED` (a submit or return holding one wins,
   * and the expiry skips it), and only rows still LEASED change. Returns how many expired.
   */
  async expireStaleLeases(ctx: RequestContext, limit: number): Promise<number> {
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const expired = await queryRows<{
        id: string;
        task_id: string;
        project_id: string;
        worker_id: string;
      }>(
        manager,
        `WITH stale AS (
           SELECT id FROM assignments
           WHERE status = 'LEASED' AND expires_at <= $1
           ORDER BY expires_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE assignments a SET status = 'EXPIRED', updated_at = now()
         FROM stale WHERE a.id = stale.id AND a.status = 'LEASED'
         RETURNING a.id, a.task_id, a.project_id, a.worker_id`,
        [tx.now(), limit],
      );
      if (expired.length === 0) return 0;
      const freed = new Map<string, number>();
      for (const row of expired) freed.set(row.task_id, (freed.get(row.task_id) ?? 0) + 1);
      const taskIds = [...freed.keys()].sort();
      await this.lockTaskIds(manager, taskIds);
      await manager.query(
        `UPDATE tasks t SET live_assignments = t.live_assignments - d.n, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS d(id, n)
         WHERE t.id = d.id`,
        [taskIds, taskIds.map(id => freed.get(id)!)],
      );
      for (const row of expired) {
        await this.events.publish(
          tx,
          new AssignmentExpiredEvent({
            assignmentId: row.id,
            taskId: row.task_id,
            projectId: row.project_id,
            workerId: row.worker_id,
          }),
        );
      }
      return expired.length;
    });
  }

  /** The lease-expiry sweep: `expireStaleLeases` in batches until none is left. */
  async expireAllStaleLeases(ctx: RequestContext): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.expireStaleLeases(ctx, this.sweepBatchSize);
      total += expired;
      if (expired < this.sweepBatchSize) return total;
    }
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

  // ── Internals ──────────────────────────────────────────────────────────────────────────────

  /** The first leasable task over `projects`, in order, from the pool(s) `draw` picks. */
  private async findCandidate(
    manager: EntityManager,
    projects: EligibleProject[],
    workerId: string,
    draw: number,
    skipped: string[],
  ): Promise<Candidate | null> {
    for (const project of projects) {
      // In qualification training only the gold pool is served, whatever the draw.
      const pools = project.in_training
        ? [true]
        : draw < project.gold_rate
          ? [true, false]
          : [false];
      for (const isGold of pools) {
        const [row] = await queryRows<{ id: string; payload: Record<string, unknown> }>(
          manager,
          isGold ? SELECT_GOLD_TASK_SQL : SELECT_ORDINARY_TASK_SQL,
          isGold
            ? [
                project.id,
                project.max_overlap,
                workerId,
                skipped,
                project.gold_exposure_cap,
                project.in_training,
              ]
            : [project.id, project.max_overlap, workerId, skipped],
        );
        if (row) return { project, taskId: row.id, payload: row.payload, isGold };
      }
    }
    return null;
  }

  /**
   * Finds a candidate and leases it; after losing a (task, worker) race (the same worker asking
   * twice at once), tries the next candidate. Null when there is none.
   */
  private async lease(
    manager: EntityManager,
    projects: EligibleProject[],
    workerId: string,
    draw: number,
    now: Date,
  ): Promise<{ assignment: Assignment; candidate: Candidate } | null> {
    const skipped: string[] = [];
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const candidate = await this.findCandidate(manager, projects, workerId, draw, skipped);
      if (!candidate) return null;
      const assignment = await this.insertLease(manager, candidate, workerId, now);
      if (assignment) return { assignment, candidate };
      skipped.push(candidate.taskId);
    }
    return null;
  }

  /**
   * Inserts the lease and takes the task's slot in one statement (the task row is already
   * locked by the selection); null, and no slot taken, when this worker already has an
   * assignment for the task.
   */
  private async insertLease(
    manager: EntityManager,
    candidate: Candidate,
    workerId: string,
    now: Date,
  ): Promise<Assignment | null> {
    const { project } = candidate;
    const [row] = await queryRows<Record<string, unknown>>(
      manager,
      `WITH lease AS (
         INSERT INTO assignments
           (task_id, project_id, worker_id, status, leased_at, expires_at, schema_version,
            reward_amount, currency, is_gold)
         VALUES ($1, $2, $3, 'LEASED', $4, $5, $6, $7, $8, $9)
         ON CONFLICT (task_id, worker_id) DO NOTHING
         RETURNING *
       ), slot AS (
         UPDATE tasks SET live_assignments = live_assignments + 1,
                          served_workers = served_workers + 1, updated_at = now()
         WHERE id = $1 AND EXISTS (SELECT 1 FROM lease)
       )
       SELECT * FROM lease`,
      [
        candidate.taskId,
        project.id,
        workerId,
        now,
        new Date(now.getTime() + project.assignment_duration_seconds * 1000),
        project.schema_version,
        project.reward_amount,
        project.currency,
        candidate.isGold,
      ],
    );
    return row ? hydrateRow(manager, Assignment, row) : null;
  }

  /** Locks assignments by id, in id order (the lock order); returns them in that order. */
  private lockAssignments(tx: RequestContext, ids: readonly string[]): Promise<Assignment[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .repo(tx, Assignment)
      .createQueryBuilder('assignment')
      .where('assignment.id IN (:...ids)', { ids: [...new Set(ids)] })
      .orderBy('assignment.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Locks tasks by id, in id order, after any assignment locks; returns them in that order. */
  private lockTasks(tx: RequestContext, ids: readonly string[]): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .repo(tx, Task)
      .createQueryBuilder('task')
      .where('task.id IN (:...ids)', { ids: [...new Set(ids)] })
      .orderBy('task.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  private async lockTaskIds(manager: EntityManager, sortedIds: string[]): Promise<void> {
    await queryRows(
      manager,
      'SELECT id FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [sortedIds],
    );
  }

  /**
   * Locks the assignments and checks the caller may review each (owner of its project, or
   * admin); the first that is unknown or foreign is NOT_FOUND. Returns them in `ids` order.
   */
  private async lockForReview(
    tx: RequestContext,
    ids: string[],
  ): Promise<{ assignments: Assignment[]; projects: Map<string, Project> }> {
    const locked = await this.lockAssignments(tx, ids);
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

  private async completeTask(tx: RequestContext, task: Task, now: Date): Promise<void> {
    task.status = TaskStatus.COMPLETE;
    task.completedAt = now;
    await this.db.repo(tx, Task).update(task.id, { status: task.status, completedAt: now });
  }
}

/** The owner of a project, or an admin, may review its assignments. */
function mayReview(ctx: RequestContext, project: Project): boolean {
  if (ctx.hasRole(Role.ADMIN)) return true;
  return ctx.hasRole(Role.REQUESTER) && project.ownerId === ctx.user?.id;
}

/** Refuses a submit or return on anything but a live lease, with the clearest code. */
function assertLeaseUsable(
  assignment: Assignment,
  now: Date,
  operation: 'submit' | 'return',
): void {
  switch (assignment.status) {
    case AssignmentStatus.LEASED:
      if (assignment.expiresAt.getTime() <= now.getTime()) {
        throw new LeaseExpiredError(assignment.id, assignment.expiresAt);
      }
      return;
    case AssignmentStatus.EXPIRED:
      throw new LeaseExpiredError(assignment.id, assignment.expiresAt);
    case AssignmentStatus.RETURNED:
      throw new AssignmentNotLeasedError(assignment.id, assignment.status);
    default:
      if (operation === 'submit') {
        throw new AssignmentAlreadySubmittedError(assignment.id, assignment.status);
      }
      throw new AssignmentNotLeasedError(assignment.id, assignment.status);
  }
}

function assertSubmitted(assignment: Assignment): void {
  if (assignment.status === AssignmentStatus.SUBMITTED) return;
  if (
    assignment.status === AssignmentStatus.APPROVED ||
    assignment.status === AssignmentStatus.REJECTED
  ) {
    throw new AssignmentAlreadyReviewedError(assignment.id, assignment.status);
  }
  throw new AssignmentNotSubmittedError(assignment.id, assignment.status);
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

function refOf(assignment: Assignment): AssignmentRef {
  return {
    assignmentId: assignment.id,
    taskId: assignment.taskId,
    projectId: assignment.projectId,
    workerId: assignment.workerId,
  };
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

/** The worker's view of a selected task, from the selection rows (no extra query). */
function candidateView(candidate: Candidate): WorkerTask {
  const { project } = candidate;
  return toWorkerTask(
    { id: candidate.taskId, projectId: project.id, payload: candidate.payload },
    {
      id: project.id,
      name: project.name,
      instructions: project.instructions,
      labelSchema: project.label_schema,
      schemaVersion: project.schema_version,
    },
    { displayName: project.requester_display_name },
  );
}
