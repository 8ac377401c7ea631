import { NotFoundError } from '../../common/errors';
import { type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
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
import { leaseCtes, type TaskSlots } from './task-slots';
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
 * attempt still waiting for its retry time; only project $2 when given; oldest launch first, at
 * most $4. `in_training`: the project asks for a qualification this worker has not passed, so
 * only its gold tasks (the training set) are served to them.
 */
const ELIGIBLE_PROJECTS_SQL = `
  SELECT p.id, p.name, p.instructions, p.label_schema, p.schema_version, p.reward_amount,
         p.currency, p.min_overlap, p.max_overlap, p.max_outstanding_leases, p.gold_rate,
         p.gold_exposure_cap, p.assignment_duration_seconds,
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
 * Task alias `t` of eligible project `e` is open, in the gold or the ordinary pool, not skipped
 * ($6) and never assigned to worker $1 (a predicate both pools share).
 */
function unseenTask(t: string, gold: boolean): string {
  return `${t}.project_id = e.id
        AND ${t}.status = 'OPEN'
        AND ${t}.is_gold = ${gold}
        AND NOT (${t}.id = ANY($6::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = ${t}.id AND a.worker_id = $1)`;
}

/**
 * The lease policy (docs/leasing.md): ordinary task alias `t` of project `e` takes a new lease
 * while it holds fewer than `min_overlap` slots (leases + counted answers); past that, up to
 * `max_overlap`, only while fewer than `max_outstanding_leases` of its leases still await an
 * answer (`live_assignments − counted_answers`). An OPEN task past its minimum is below the
 * confidence target: the submit that reaches the target completes it (online-aggregation).
 * Fixed overlap (min = max) is the first clause alone: a free slot under the overlap.
 *
 * Both counters are on the task row, which `FOR UPDATE SKIP LOCKED` locks and re-checks this
 * predicate on (its latest committed version, not the statement's snapshot), so the policy
 * holds under concurrency like the overlap does (promise 2).
 */
function leasableOrdinaryTask(t: string): string {
  return `${unseenTask(t, false)}
        AND ${t}.live_assignments < e.max_overlap
        AND (${t}.live_assignments < e.min_overlap
          OR ${t}.live_assignments - ${t}.counted_answers < e.max_outstanding_leases)`;
}

/**
 * The ordinary pool of project `e`: the first leasable task (`leasableOrdinaryTask`) in serving
 * order, locked, skipping rows another transaction holds. Serving order: fewest counted answers
 * first (tasks still short of their minimum come before any task past it), then the lowest
 * `serve_priority`, the posterior's margin (the least decided task first; before any answer, the
 * voting pre-label model's margin, set by aggregation's `setModelServePriorities`), then the task
 * id: a deterministic tie-break, since tied rows would otherwise come in physical order, which
 * updates and vacuum move (the same answers replayed served other tasks). It is the order of
 * `tasks_project_serve_idx` (project_id, status, is_gold, counted_answers, serve_priority, id), so
 * the plan is an index scan that stops at the first leasable task, not a sort over the open
 * tasks; it passes over only tasks the policy holds back (their leases in flight) and tasks this
 * worker already had.
 *
 * The assignment subquery reads the statement's snapshot, so two concurrent calls of one worker
 * could both pass it: the unique (task, worker) key is the final guard (promise 1; the insert's
 * `ON CONFLICT DO NOTHING`, then the statement runs again skipping that task).
 */
const ORDINARY_POOL_SQL = `
      SELECT t.id, t.payload
      FROM tasks t
      WHERE NOT e.in_training
        AND ${leasableOrdinaryTask('t')}
      ORDER BY t.counted_answers, t.serve_priority, t.id
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`;

/**
 * The gold pool of project `e` (DESIGN.md promise 8), tried first when the lease's draw $5 is
 * under the project's gold rate, or alone in qualification training. Gold ignores overlap but:
 *
 * - is never served alone: unless the worker is in qualification training (where gold is the
 *   point), an ordinary task this worker could lease must exist (`leasableOrdinaryTask`, the
 *   same policy). The EXISTS does not lock: a concurrent lease may take that last slot, so at
 *   most one gold can slip through per such race, never a run of them;
 * - stops at the exposure cap: `served_workers` (distinct workers it was leased to) is
 *   re-checked on the locked row like `live_assignments`, so the cap is exact under concurrency;
 *   retired gold (`retired_at`) is never served;
 * - comes in a per-worker order: md5(worker id ‖ task id), so every worker walks the gold in a
 *   different order and no gold task is "the first one" for everybody. The sort covers only the
 *   project's open, in-service gold (few rows, read through the index's (project, status,
 *   is_gold) prefix); the ordinary pool, the hot path, is an ordered index scan.
 */
const GOLD_POOL_SQL = `
      SELECT t.id, t.payload
      FROM tasks t
      WHERE (e.in_training OR $5 < e.gold_rate)
        AND ${unseenTask('t', true)}
        AND t.retired_at IS NULL
        AND t.served_workers < e.gold_exposure_cap
        AND (e.in_training OR EXISTS (SELECT 1 FROM tasks o WHERE ${leasableOrdinaryTask('o')}))
      ORDER BY md5($1::text || t.id::text)
      LIMIT 1
      FOR UPDATE OF t SKIP LOCKED`;

/**
 * A whole lease in one statement (issue 16): worker $1, project $2 (null: any), time $3, at most
 * $4 projects, gold draw $5, skipped tasks $6.
 *
 * `eligible` lists the projects (`ELIGIBLE_PROJECTS_SQL`), in order; `pick` walks them in that
 * order (a nested loop over the materialized list, stopped by LIMIT 1 at the first project with a
 * task) and, per project, tries the gold pool then the ordinary pool (UNION ALL under LIMIT 1:
 * the second branch runs only when the first found nothing, so no extra row is locked); the
 * lease and slot CTEs come from `TaskSlots` (`leaseCtes`), the one owner of slot counters.
 * Returns the inserted assignment's columns plus the picked task and project (prefixed `pick_`);
 * no row when nothing is leasable; a row with a null `id` when the insert lost a (task, worker)
 * race.
 */
const LEASE_SQL = `
  WITH eligible AS MATERIALIZED (${ELIGIBLE_PROJECTS_SQL}
  ), pick AS MATERIALIZED (
    SELECT e.*, c.task_id, c.payload, c.is_gold
    FROM eligible e
    CROSS JOIN LATERAL (
      SELECT g.id AS task_id, g.payload, true AS is_gold FROM (${GOLD_POOL_SQL}) g
      UNION ALL
      SELECT o.id, o.payload, false FROM (${ORDINARY_POOL_SQL}) o
      LIMIT 1
    ) c
    LIMIT 1
  ), source AS (
    SELECT task_id, id AS project_id, $1::uuid AS worker_id, $3::timestamptz AS leased_at,
           $3::timestamptz + make_interval(secs => assignment_duration_seconds) AS expires_at,
           schema_version, reward_amount, currency, is_gold
    FROM pick
  ), ${leaseCtes('source')}
  SELECT lease.*, pick.task_id AS pick_task_id, pick.payload AS pick_payload,
         pick.id AS pick_project_id, pick.name AS pick_name, pick.instructions AS pick_instructions,
         pick.label_schema AS pick_label_schema, pick.schema_version AS pick_schema_version,
         pick.requester_display_name AS pick_requester_display_name
  FROM pick LEFT JOIN lease ON true`;

interface LeaseRow extends Record<string, unknown> {
  id: string | null;
  pick_task_id: string;
  pick_payload: Record<string, unknown>;
  pick_project_id: string;
  pick_name: string;
  pick_instructions: string;
  pick_label_schema: LabelSchema;
  pick_schema_version: number;
  pick_requester_display_name: string;
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
   * One statement (`LEASE_SQL`, docs/leasing.md): list the projects the worker may work on
   * (`ELIGIBLE_PROJECTS_SQL`) and in each, oldest first, look for a task in the pool the draw
   * chose (`GOLD_POOL_SQL` / `ORDINARY_POOL_SQL`: the dynamic-overlap lease policy and the
   * serving order), insert the assignment and take the slot. Only when that finds nothing: a
   * named project is checked, a bounded batch of stale leases expires (freeing their slots) and,
   * if any did, the statement runs once more.
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
    let leased = await this.lease(ctx, workerId, projectId ?? null, draw);
    if (!leased) {
      if (projectId != null) await this.requirePublished(ctx, projectId);
      // Leases past their end still hold slots until the sweep runs; when they are what stands
      // between this worker and a task, free them now (bounded) and look again.
      if ((await this.expireStaleLeases(ctx, this.lazyExpiryLimit)) > 0) {
        leased = await this.lease(ctx, workerId, projectId ?? null, draw);
      }
    }
    if (!leased) return null;
    const { assignment, task } = leased;
    await this.events.publish(
      ctx,
      new AssignmentLeasedEvent(refOf(assignment), assignment.isGold, assignment.expiresAt),
    );
    return toWorkerAssignment(assignment, task);
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

  /**
   * One lease (`LEASE_SQL`, one statement, atomic on its own: no BEGIN/COMMIT around it); after
   * losing a (task, worker) race (the same worker asking twice at once), runs again skipping
   * that task. Null when nothing is leasable.
   */
  private async lease(
    ctx: RequestContext,
    workerId: string,
    projectId: string | null,
    draw: number,
  ): Promise<{ assignment: Assignment; task: WorkerTask } | null> {
    const manager = this.db.manager(ctx);
    const skipped: string[] = [];
    for (let attempt = 0; attempt < MAX_LEASE_ATTEMPTS; attempt++) {
      const [row] = await queryRows<LeaseRow>(manager, LEASE_SQL, [
        workerId,
        projectId,
        ctx.now(),
        MAX_PROJECTS_SCANNED,
        draw,
        skipped,
      ]);
      if (!row) return null;
      if (row.id != null) {
        return { assignment: hydrateRow(manager, Assignment, row), task: pickedTask(row) };
      }
      skipped.push(row.pick_task_id);
    }
    return null;
  }

  /** NOT_FOUND unless `projectId` names a published (not DRAFT) project. */
  private async requirePublished(ctx: RequestContext, projectId: string): Promise<void> {
    const [project] = await queryRows<{ status: ProjectStatus }>(
      this.db.manager(ctx),
      'SELECT status FROM projects WHERE id = $1',
      [projectId],
    );
    if (!project || project.status === ProjectStatus.DRAFT) {
      throw new NotFoundError('Project', projectId);
    }
  }
}

/** The worker's view of the leased task, from the lease row (no extra query). */
function pickedTask(row: LeaseRow): WorkerTask {
  return toWorkerTask(
    { id: row.pick_task_id, projectId: row.pick_project_id, payload: row.pick_payload },
    {
      id: row.pick_project_id,
      name: row.pick_name,
      instructions: row.pick_instructions,
      labelSchema: row.pick_label_schema,
      schemaVersion: row.pick_schema_version,
    },
    { displayName: row.pick_requester_display_name },
  );
}
