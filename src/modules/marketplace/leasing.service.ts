import type { EntityManager } from 'typeorm';
import { NotFoundError } from '../../common/errors';
import { type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { type LabelSchema, ProjectStatus } from '../projects/project.types';
import { assertTransition } from './assignment-lifecycle';
import { Assignment } from './assignment.entity';
import {
  AssignmentExpiredEvent,
  AssignmentLeasedEvent,
  AssignmentReturnedEvent,
} from './assignment.events';
import type { MyAssignmentsArgs } from './assignment.inputs';
import type { ReturnReason } from './assignment.types';
import { loadWorkerTasks } from './load-worker-tasks';
import { lockAssignments, refOf } from './assignment-rows';
import type { TaskSlots } from './task-slots';
import { toWorkerTask, type WorkerTask } from './worker-task.type';
import {
  toWorkerAssignment,
  type WorkerAssignment,
  workerMaySeeTask,
} from './worker-assignment.type';

/** Uniform draws in [0, 1). Production uses a crypto-seeded source; tests pass a seeded one. */
export type UniformRng = () => number;

/** Tuning of `LeasingService`. */
export interface LeasingServiceOptions {
  /** Decides, per lease, whether the gold or the ordinary pool is tried first. */
  readonly rng: UniformRng;
  /** Stale leases each `nextAssignment` expires before selecting (bounded work). Default 50. */
  readonly lazyExpiryLimit?: number;
  /** Rows per transaction in the expiry sweep. Default 500. */
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
 * Leases (DESIGN.md promises 1–3): which task a worker gets next, giving it back, the lease
 * expiry, and the worker's own view of their assignments. Slot counters change only through
 * `TaskSlots` (task-slots.ts); the assignment's statuses follow `assignment-lifecycle.ts`.
 *
 * Lock order, to stay deadlock-free: assignment rows (by id) before task rows (by id). Selection
 * locks a task row with SKIP LOCKED, which never waits, before inserting an assignment row that
 * no one else can hold.
 */
export class LeasingService {
  private readonly rng: UniformRng;
  private readonly lazyExpiryLimit: number;
  private readonly sweepBatchSize: number;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly slots: TaskSlots,
    options: LeasingServiceOptions,
  ) {
    this.rng = options.rng;
    this.lazyExpiryLimit = options.lazyExpiryLimit ?? 50;
    this.sweepBatchSize = options.sweepBatchSize ?? 500;
  }

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

  /** Gives a live lease back: RETURNED, and the task's slot is free at once. */
  async returnAssignment(
    ctx: RequestContext,
    assignmentId: string,
    reason: ReturnReason | null = null,
  ): Promise<WorkerAssignment> {
    const workerId = ctx.requireUserId();
    if (!isUuid(assignmentId)) throw new NotFoundError('Assignment', assignmentId);
    return this.db.withTransaction(ctx, async tx => {
      const [assignment] = await lockAssignments(this.db, tx, [assignmentId]);
      if (!assignment || assignment.workerId !== workerId) {
        throw new NotFoundError('Assignment', assignmentId);
      }
      assignment.status = assertTransition(assignment, 'return', tx.now());
      assignment.returnReason = reason;
      await this.db
        .repo(tx, Assignment)
        .update(assignment.id, { status: assignment.status, returnReason: reason });
      await this.slots.freeReturnedLease(tx, assignment.taskId);
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
      await this.slots.freeExpiredLeases(
        tx,
        expired.map(row => row.task_id),
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
      const { project } = candidate;
      const assignment = await this.slots.insertLease(manager, {
        taskId: candidate.taskId,
        projectId: project.id,
        workerId,
        leasedAt: now,
        expiresAt: new Date(now.getTime() + project.assignment_duration_seconds * 1000),
        schemaVersion: project.schema_version,
        rewardAmount: project.reward_amount,
        currency: project.currency,
        isGold: candidate.isGold,
      });
      if (assignment) return { assignment, candidate };
      skipped.push(candidate.taskId);
    }
    return null;
  }
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
