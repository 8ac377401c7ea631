import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { KindConsensus } from '../kinds/kind-aggregate';
import type { TaskAnswers } from '../kinds/task-kind';
import type { Project } from '../projects/project.entity';

/**
 * When a run read the answers, on both clocks: `at`, the database's (microseconds, as text), orders
 * runs against each other (the later snapshot wins); `answersThrough`, the injected clock's
 * (`ctx.now()`, the clock submits stamp `submitted_at` with), is what the online refit compares
 * `submitted_at` with to count the answers since the fit. Comparing `submitted_at` with the
 * database's time stopped the refits after the first one whenever the two clocks differ (a
 * replay's virtual time, a test clock).
 */
export interface Snapshot {
  readonly at: string;
  readonly answersThrough: string;
}

/**
 * Makes the caller's fresh transaction a REPEATABLE READ, READ ONLY snapshot and returns its
 * times (`Snapshot`). `answersThrough` is read before the snapshot is taken, so an answer stamped
 * after it but committed before the snapshot is both in the fit and counted as new (a refit a
 * little early), never in neither.
 */
export async function beginSnapshot(
  ctx: RequestContext,
  manager: EntityManager,
): Promise<Snapshot> {
  // Must be the transaction's first statement; the snapshot is taken by the next one.
  await manager.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  const answersThrough = ctx.now().toISOString();
  const [{ snapshot_at: at }] = await queryRows<{ snapshot_at: string }>(
    manager,
    'SELECT clock_timestamp()::text AS snapshot_at',
  );
  return { at, answersThrough };
}

/** The figures an aggregation run records about its input. */
export interface RunStats {
  answersUsed: number;
  ignoredAnswers: number;
  taskCount: number;
  workerCount: number;
  goldTaskCount: number;
}

/**
 * Reads and writes for the batch aggregation of the structured kinds (docs/kinds.md step 5),
 * beside the label-key path of `AggregationService` that the choice kinds keep.
 */
export class KindAnswerStore {
  constructor(private readonly db: TransactionalConnection) {}

  /**
   * The project's counted, non-excluded answers (`assignments.answer`, as the kind validated
   * them) grouped by task with its payload, in one REPEATABLE READ snapshot; a worker's latest
   * answer to a task counts, as for the choice kinds.
   */
  load(
    ctx: RequestContext,
    project: Project,
  ): Promise<{ tasks: TaskAnswers<unknown>[]; snapshot: Snapshot; stats: RunStats }> {
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const snapshot = await beginSnapshot(tx, manager);
      const rows = await queryRows<{
        worker_id: string;
        task_id: string;
        answer: Record<string, unknown>;
        payload: Record<string, unknown>;
        is_gold: boolean;
      }>(
        manager,
        `SELECT a.worker_id, a.task_id, a.answer, t.payload, t.is_gold
         FROM assignments a JOIN tasks t ON t.id = a.task_id
         WHERE a.project_id = $1 AND a.counted AND a.excluded_at IS NULL
           AND a.answer IS NOT NULL AND a.submitted_at IS NOT NULL
         ORDER BY a.submitted_at, a.id`,
        [project.id],
      );
      const byTask = new Map<
        string,
        { payload: Record<string, unknown>; gold: boolean; answers: Map<string, unknown> }
      >();
      const workers = new Set<string>();
      for (const row of rows) {
        let task = byTask.get(row.task_id);
        if (!task) {
          task = { payload: row.payload, gold: row.is_gold, answers: new Map() };
          byTask.set(row.task_id, task);
        }
        task.answers.set(row.worker_id, row.answer);
        workers.add(row.worker_id);
      }
      const tasks = [...byTask].map(([taskId, task]) => ({
        taskId,
        payload: task.payload,
        answers: [...task.answers].map(([worker, answer]) => ({ worker, answer })),
      }));
      const answersUsed = tasks.reduce((sum, task) => sum + task.answers.length, 0);
      return {
        tasks,
        snapshot,
        stats: {
          answersUsed,
          ignoredAnswers: rows.length - answersUsed,
          taskCount: tasks.length,
          workerCount: workers.size,
          goldTaskCount: [...byTask.values()].filter(task => task.gold).length,
        },
      };
    });
  }

  /**
   * Stores each answered task's consensus answer and confidence (only where a value changes) and
   * clears them on tasks left without a usable answer. Returns how many tasks changed.
   */
  async writeResults(
    tx: RequestContext,
    projectId: string,
    results: readonly KindConsensus[],
  ): Promise<number> {
    const manager = this.db.manager(tx);
    const updated = await queryRows<{ id: string }>(
      manager,
      `WITH incoming AS (
         SELECT i.id, i.answer, i.confidence
         FROM jsonb_to_recordset($2::jsonb) AS i(id uuid, answer jsonb, confidence float8)
       )
       UPDATE tasks t
       SET consensus_answer = i.answer, consensus_confidence = i.confidence, updated_at = now()
       FROM incoming i
       WHERE t.id = i.id AND t.project_id = $1
         AND (t.consensus_answer IS DISTINCT FROM i.answer
           OR t.consensus_confidence IS DISTINCT FROM i.confidence)
       RETURNING t.id`,
      [
        projectId,
        JSON.stringify(
          results.map(r => ({ id: r.taskId, answer: r.answer, confidence: r.confidence })),
        ),
      ],
    );
    const cleared = await queryRows<{ id: string }>(
      manager,
      `UPDATE tasks t
       SET consensus_answer = NULL, consensus_confidence = NULL, updated_at = now()
       WHERE t.project_id = $1
         AND (t.consensus_answer IS NOT NULL OR t.consensus_confidence IS NOT NULL)
         AND NOT EXISTS (
           SELECT 1 FROM assignments a
           WHERE a.task_id = t.id AND a.counted AND a.excluded_at IS NULL AND a.answer IS NOT NULL
         )
       RETURNING t.id`,
      [projectId],
    );
    return updated.length + cleared.length;
  }
}
