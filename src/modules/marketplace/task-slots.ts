import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { RequestContext } from '../../common/request-context';
import { hydrateRow, queryRows } from '../../db/query-rows';
import { prepared } from '../../db/statement-batch';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Project } from '../projects/project.entity';
import { Assignment } from './assignment.entity';
import type { CountChange, CountChangeHook, TaskCompletedHook } from './assignment.hooks';
import { Task } from './task.entity';
import { TaskStatus } from './task.types';

/** A lease about to be inserted (the task row is already locked by the selection). */
export interface NewLease {
  readonly taskId: string;
  readonly projectId: string;
  readonly workerId: string;
  readonly leasedAt: Date;
  readonly expiresAt: Date;
  readonly schemaVersion: number;
  readonly rewardAmount: number;
  readonly currency: string;
  readonly isGold: boolean;
}

/** An answer whose `counted` flag the caller has just written (false: it left the count). */
export interface CountedFlip {
  readonly assignmentId: string;
  readonly taskId: string;
}

/**
 * The lease as two CTEs for the caller's statement (the selection's one-statement lease in
 * `leasing.service.ts`, and `insertLease`), so the slot change stays written here only:
 *
 * - `lease` inserts a LEASED assignment from the one row of CTE `source` (columns task_id,
 *   project_id, worker_id, leased_at, expires_at, schema_version, reward_amount, currency,
 *   is_gold), `ON CONFLICT (task_id, worker_id) DO NOTHING`: no row when this worker already has
 *   an assignment for the task (the unique key, promise 1);
 * - `slot` takes the task's slot (`live_assignments` + 1) only when `lease` inserted, and counts
 *   one more distinct worker in `served_workers` (a worker leases a task at most once), which
 *   caps and reports a gold task's exposure (`gold-exposure.service.ts`).
 *
 * The task row must be locked by the same statement or transaction before (the selection's
 * `FOR UPDATE SKIP LOCKED`). A lease flips no answer's `counted`, so no count-change hook runs.
 */
export function leaseCtes(source: string): string {
  return `lease AS (
       INSERT INTO assignments
         (task_id, project_id, worker_id, status, leased_at, expires_at, schema_version,
          reward_amount, currency, is_gold)
       SELECT task_id, project_id, worker_id, 'LEASED', leased_at, expires_at, schema_version,
              reward_amount, currency, is_gold
       FROM ${source}
       ON CONFLICT (task_id, worker_id) DO NOTHING
       RETURNING *
     ), slot AS (
       UPDATE tasks SET live_assignments = live_assignments + 1,
                        served_workers = served_workers + 1, updated_at = now()
       WHERE id IN (SELECT task_id FROM lease)
     )`;
}

/**
 * The one place that changes a task's slot counters (DESIGN.md promise 2):
 *
 * - `tasks.live_assignments` = LEASED assignments + counted answers;
 * - `tasks.counted_answers` = counted answers (`assignments.counted`).
 *
 * Both change only under the task row's lock, in the transaction that changes the assignment, so
 * they always equal a recount (the concurrency test and `assignment-invariants.ts` check it). An
 * ordinary task is leasable while `live_assignments < max_overlap`.
 *
 * Lease (+1 live), return and expiry (−1 live) move a lease's slot; a submission counts the answer
 * (+1 counted; its lease already holds the live slot). Rejection and exclusion take an answer out
 * of the count (−1 both, a COMPLETE task reopens); a reversed rejection and an inclusion put it
 * back (+1 both, the task completes at `max_overlap`). The `counted` / `excluded_at` flags of an
 * excluded or included answer are written here too. Whenever an answer's `counted` flips, the
 * count-change hooks run in the same transaction (the online posterior drops or re-adds it), so no
 * path can change a count and skip them.
 *
 * Lock order, to stay deadlock-free: assignment rows (the caller locks them first) before task
 * rows, each by id.
 */
export class TaskSlots {
  private readonly countChangeHooks: CountChangeHook[] = [];
  private readonly completedHooks: TaskCompletedHook[] = [];

  constructor(private readonly db: TransactionalConnection) {}

  /** Adds a hook run inside the transaction whenever an answer's `counted` flips. */
  onCountChanged(hook: CountChangeHook): () => void {
    this.countChangeHooks.push(hook);
    return () => void this.countChangeHooks.splice(this.countChangeHooks.indexOf(hook), 1);
  }

  /**
   * Adds a hook run inside the transaction whenever an ordinary task completes (on a submit or
   * when a recounted answer brings it to `max_overlap`), after its status is written.
   */
  onTaskCompleted(hook: TaskCompletedHook): () => void {
    this.completedHooks.push(hook);
    return () => void this.completedHooks.splice(this.completedHooks.indexOf(hook), 1);
  }

  /**
   * Inserts the lease and takes the task's slot in one statement; null, and no slot taken, when
   * this worker already has an assignment for the task (the unique key, promise 1). The same SQL
   * as the selection's one-statement lease (`leaseCtes`), for a task the caller already locked.
   */
  async insertLease(manager: EntityManager, lease: NewLease): Promise<Assignment | null> {
    const [row] = await queryRows<Record<string, unknown>>(
      manager,
      `WITH source AS (
         SELECT $1::uuid AS task_id, $2::uuid AS project_id, $3::uuid AS worker_id,
                $4::timestamptz AS leased_at, $5::timestamptz AS expires_at,
                $6::int AS schema_version, $7::int AS reward_amount, $8::text AS currency,
                $9::boolean AS is_gold
       ), ${leaseCtes('source')}
       SELECT * FROM lease`,
      [
        lease.taskId,
        lease.projectId,
        lease.workerId,
        lease.leasedAt,
        lease.expiresAt,
        lease.schemaVersion,
        lease.rewardAmount,
        lease.currency,
        lease.isGold,
      ],
    );
    return row ? hydrateRow(manager, Assignment, row) : null;
  }

  /**
   * The submit's first statement: locks the assignment, then (when `workerId` holds it) counts
   * the answer on its task, which locks the task row, and reads the project and the requester's
   * display name. The caller checks the lease and the answer next and throws when they fail, so
   * the count rolls back with the rest. `task` is null when the assignment is someone else's
   * (then nothing was counted); null altogether for an unknown assignment.
   */
  async lockAndCountSubmission(
    tx: RequestContext,
    assignmentId: string,
    workerId: string,
  ): Promise<{
    assignment: Record<string, unknown>;
    task: Record<string, unknown> | null;
    project: Record<string, unknown>;
    requesterName: string;
  } | null> {
    const [row] = await queryRows<
      Record<string, unknown> & {
        task: Record<string, unknown> | null;
        project: Record<string, unknown>;
        requester_name: string;
      }
    >(
      this.db.manager(tx),
      prepared(
        this.db.manager(tx),
        `WITH a AS (SELECT * FROM assignments WHERE id = $1 FOR UPDATE),
       t AS (UPDATE tasks SET counted_answers = counted_answers + 1, updated_at = now()
             WHERE id = (SELECT task_id FROM a WHERE worker_id = $2) RETURNING *)
       SELECT a.*, (SELECT to_jsonb(t.*) FROM t) AS task, to_jsonb(p.*) AS project,
              u.display_name AS requester_name
       FROM a JOIN projects p ON p.id = a.project_id JOIN users u ON u.id = p.owner_id`,
      ),
      [assignmentId, workerId],
    );
    if (!row) return null;
    const { task, project, requester_name: requesterName, ...assignment } = row;
    return { assignment, task, project, requesterName };
  }

  /**
   * The submit's one task write, held for the transaction's last statement: the posterior and
   * consensus the online step computed (aggregation's values; a gold task's are its stored ones)
   * and the completion the submit decided.
   */
  async storeSubmittedTask(tx: RequestContext, task: Task): Promise<void> {
    const { id, posterior, consensusLabels, consensusConfidence, servePriority } = task;
    const { status, completedAt } = task;
    await this.db.defer(tx, {
      sql: `UPDATE tasks SET posterior = $2::float8[], consensus_labels = $3::text[],
              consensus_confidence = $4, serve_priority = $5, status = $6, completed_at = $7,
              updated_at = now()
            WHERE id = $1`,
      params: [
        id,
        posterior,
        consensusLabels,
        consensusConfidence,
        servePriority,
        status,
        completedAt,
      ],
    });
  }

  /** A returned lease frees its slot at once. */
  async freeReturnedLease(tx: RequestContext, taskId: string): Promise<void> {
    await this.db
      .manager(tx)
      .query(
        'UPDATE tasks SET live_assignments = live_assignments - 1, updated_at = now() WHERE id = $1',
        [taskId],
      );
  }

  /** Expired leases free their slots: one entry of `taskIds` per expired lease. */
  async freeExpiredLeases(tx: RequestContext, taskIds: readonly string[]): Promise<void> {
    const freed = new Map<string, number>();
    for (const taskId of taskIds) freed.set(taskId, (freed.get(taskId) ?? 0) + 1);
    const sortedIds = [...freed.keys()].sort();
    const manager = this.db.manager(tx);
    await queryRows(
      manager,
      'SELECT id FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [sortedIds],
    );
    await manager.query(
      `UPDATE tasks t SET live_assignments = t.live_assignments - d.n, updated_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS d(id, n)
       WHERE t.id = d.id`,
      [sortedIds, sortedIds.map(id => freed.get(id)!)],
    );
  }

  /**
   * Excludes answers from aggregation (rows locked by the caller, none already excluded):
   * `excluded_at` now and `counted = false`; the counted ones leave the count (`uncount`, cause
   * EXCLUDED), so their slots are freed, COMPLETE tasks reopen and the count-change hooks drop
   * them from the tasks' online posteriors.
   */
  async exclude(
    tx: RequestContext,
    answers: ReadonlyArray<{ id: string; task_id: string; counted: boolean }>,
  ): Promise<{ slotsFreed: number; tasksReopened: number }> {
    await queryRows(
      this.db.manager(tx),
      `UPDATE assignments SET excluded_at = $2, counted = false, updated_at = now()
       WHERE id = ANY($1::uuid[])`,
      [answers.map(a => a.id), tx.now()],
    );
    const freed = answers
      .filter(answer => answer.counted)
      .map(answer => ({ assignmentId: answer.id, taskId: answer.task_id }));
    const { tasksReopened } = await this.uncount(tx, freed, 'EXCLUDED');
    return { slotsFreed: freed.length, tasksReopened };
  }

  /**
   * Includes excluded answers again (rows locked by the caller): `excluded_at` cleared. Like a
   * reversed rejection, a SUBMITTED or APPROVED answer takes its slot back only while its task has
   * fewer counted answers than `max_overlap` (gold: always), so a task never exceeds its overlap;
   * the others stay stored and included, uncounted. Those counted go through `recount` (cause
   * INCLUDED). Returns how many were counted and how many tasks completed.
   */
  async include(
    tx: RequestContext,
    answers: ReadonlyArray<{ id: string; task_id: string; status: string }>,
  ): Promise<{ answersCounted: number; tasksCompleted: number }> {
    const tasks = await this.lockTasks(
      tx,
      answers.map(a => a.task_id),
    );
    const taskById = new Map(tasks.map(task => [task.id, task]));
    const projects = await this.projectsOf(tx, tasks);
    const counts = new Map(tasks.map(task => [task.id, task.countedAnswers]));
    const recount: CountedFlip[] = [];
    for (const answer of answers) {
      const task = taskById.get(answer.task_id)!;
      const maxOverlap = projects.get(task.projectId)!.maxOverlap;
      const countable = answer.status === 'SUBMITTED' || answer.status === 'APPROVED';
      if (countable && (task.isGold || counts.get(task.id)! < maxOverlap)) {
        counts.set(task.id, counts.get(task.id)! + 1);
        recount.push({ assignmentId: answer.id, taskId: answer.task_id });
      }
    }
    await queryRows(
      this.db.manager(tx),
      `UPDATE assignments SET excluded_at = NULL,
         counted = (id = ANY($2::uuid[])), updated_at = now()
       WHERE id = ANY($1::uuid[])`,
      [answers.map(a => a.id), recount.map(r => r.assignmentId)],
    );
    const tasksCompleted = await this.recount(tx, recount, tasks, projects, 'INCLUDED');
    return { answersCounted: recount.length, tasksCompleted };
  }

  /**
   * Answers that left the count (the caller already set `counted = false` on them): each frees
   * its overlap slot (`counted_answers` and `live_assignments` − 1) and sends a COMPLETE task back
   * to OPEN, then the count-change hooks run per answer (`projects` saves a read when the caller
   * has them). Returns the tasks, locked and updated,
   * and how many reopened.
   */
  async uncount(
    tx: RequestContext,
    answers: readonly CountedFlip[],
    cause: CountChange['cause'],
    projects?: ReadonlyMap<string, Project>,
  ): Promise<{ tasks: Map<string, Task>; tasksReopened: number }> {
    const tasks = await this.lockTasks(
      tx,
      answers.map(answer => answer.taskId),
    );
    const taskById = new Map(tasks.map(task => [task.id, task]));
    const wasComplete = new Set(
      tasks.filter(task => task.status === TaskStatus.COMPLETE).map(task => task.id),
    );
    for (const answer of answers) {
      const task = taskById.get(answer.taskId)!;
      task.countedAnswers -= 1;
      task.liveAssignments -= 1;
      if (task.status === TaskStatus.COMPLETE) {
        task.status = TaskStatus.OPEN;
        task.completedAt = null;
      }
    }
    for (const task of tasks) await this.saveCounters(tx, task);
    await this.runCountChangeHooks(tx, answers, taskById, false, cause, projects);
    return { tasks: taskById, tasksReopened: wasComplete.size };
  }

  /**
   * Answers that re-enter the count (the caller already set `counted = true` on them, having
   * checked that their task had room): `counted_answers` and `live_assignments`
   * + 1 each, an OPEN ordinary task completes at `max_overlap`, then the count-change hooks run.
   * Returns how many tasks completed.
   */
  async recount(
    tx: RequestContext,
    answers: readonly CountedFlip[],
    lockedTasks: readonly Task[],
    projects: ReadonlyMap<string, Project>,
    cause: CountChange['cause'],
  ): Promise<number> {
    const taskById = new Map(lockedTasks.map(task => [task.id, task]));
    const touched = new Set<Task>();
    for (const answer of answers) {
      const task = taskById.get(answer.taskId)!;
      task.countedAnswers += 1;
      task.liveAssignments += 1;
      touched.add(task);
    }
    const completed: Task[] = [];
    for (const task of touched) {
      const project = projects.get(task.projectId)!;
      if (!task.isGold && task.status === TaskStatus.OPEN) {
        if (task.countedAnswers >= project.maxOverlap) {
          task.status = TaskStatus.COMPLETE;
          task.completedAt = tx.now();
          completed.push(task);
        }
      }
      await this.saveCounters(tx, task);
    }
    for (const task of completed)
      await this.runCompletedHooks(tx, task, projects.get(task.projectId)!);
    await this.runCountChangeHooks(tx, answers, taskById, true, cause, projects);
    return completed.length;
  }

  /**
   * Completed tasks that a refit no longer finds confident (online aggregation's re-check,
   * `recheckCompleted`) go back to OPEN, so the lease serves them again. Locked and re-checked
   * here: a task still COMPLETE, ordinary and below `maxOverlap` reopens if the caller's
   * `stillDoubted`, asked about the locked row, says so; one a recount or a rejection moved
   * meanwhile is left as it is. Returns the reopened tasks, locked, in id order.
   * Their next completion runs the completed hooks again, as a rejection's reopening does.
   */
  async reopenCompleted(
    tx: RequestContext,
    taskIds: readonly string[],
    maxOverlap: number,
    stillDoubted: (task: Task) => Promise<boolean>,
  ): Promise<Task[]> {
    const tasks = await this.lockTasks(tx, taskIds);
    const reopened: Task[] = [];
    for (const task of tasks) {
      const eligible =
        task.status === TaskStatus.COMPLETE && !task.isGold && task.countedAnswers < maxOverlap;
      if (eligible && (await stillDoubted(task))) reopened.push(task);
    }
    for (const task of reopened) {
      task.status = TaskStatus.OPEN;
      task.completedAt = null;
      await this.saveCounters(tx, task);
    }
    return reopened;
  }

  /**
   * The task-completed hooks (e.g. the model retrain counter) for a task the caller has just
   * marked COMPLETE and stores (a submit's one task write, `storeSubmittedTask`).
   */
  async runCompletedHooks(tx: RequestContext, task: Task, project: Project): Promise<void> {
    for (const hook of this.completedHooks) await hook(tx, { task, project });
  }

  /** Locks tasks by id, in id order, after any assignment locks; returns them in that order. */
  lockTasks(tx: RequestContext, ids: readonly string[]): Promise<Task[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .repo(tx, Task)
      .createQueryBuilder('task')
      .where('task.id IN (:...ids)', { ids: [...new Set(ids)] })
      .orderBy('task.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  private async saveCounters(tx: RequestContext, task: Task): Promise<void> {
    await this.db.repo(tx, Task).update(task.id, {
      countedAnswers: task.countedAnswers,
      liveAssignments: task.liveAssignments,
      status: task.status,
      completedAt: task.completedAt,
    });
  }

  private async runCountChangeHooks(
    tx: RequestContext,
    answers: readonly CountedFlip[],
    taskById: ReadonlyMap<string, Task>,
    counted: boolean,
    cause: CountChange['cause'],
    knownProjects?: ReadonlyMap<string, Project>,
  ): Promise<void> {
    if (this.countChangeHooks.length === 0 || answers.length === 0) return;
    const projects = knownProjects ?? (await this.projectsOf(tx, [...taskById.values()]));
    for (const answer of answers) {
      const task = taskById.get(answer.taskId)!;
      const change: CountChange = {
        assignmentId: answer.assignmentId,
        task,
        project: projects.get(task.projectId)!,
        counted,
        cause,
      };
      for (const hook of this.countChangeHooks) await hook(tx, change);
    }
  }

  private async projectsOf(
    tx: RequestContext,
    tasks: readonly Task[],
  ): Promise<Map<string, Project>> {
    const ids = [...new Set(tasks.map(task => task.projectId))];
    if (ids.length === 0) return new Map();
    const rows = await this.db.repo(tx, Project).findBy({ id: In(ids) });
    return new Map(rows.map(project => [project.id, project]));
  }
}
