import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import type { TransactionalConnection } from '../db/transactional-connection';
import { Assignment } from '../modules/marketplace/assignment.entity';
import { User } from '../modules/auth/user.entity';
import { Project } from '../modules/projects/project.entity';
import { loadWorkerTasks } from '../modules/marketplace/load-worker-tasks';
import { loadWorkerPrelabels } from '../modules/prelabel/load-worker-prelabels';
import type { WorkerPrelabel, WorkerTask } from '../modules/marketplace/worker-task.type';

/**
 * Per-request DataLoaders (the DataLoader README: "instances are created per request ... if
 * different users can see different things"). Each module adds its loaders here, so a page of
 * N items with their relations costs a constant number of queries.
 */
export interface Loaders {
  userById: DataLoader<string, User | null>;
  /** Projects by id, unfiltered: only for roots already authorised (a task's own project). */
  projectById: DataLoader<string, Project | null>;
  /** Every assignment of each task, oldest first: for owner/admin views of tasks only. */
  assignmentsByTaskId: DataLoader<string, Assignment[]>;
  /** Worker views of tasks: only for tasks the calling worker holds or answered. */
  workerTaskById: DataLoader<string, WorkerTask | null>;
  /** Pre-labels shown to workers (project setting on): only for tasks the worker may see. */
  workerPrelabelByTaskId: DataLoader<string, WorkerPrelabel | null>;
}

// `ctx.loaders` is typed by common/ as `RequestLoaders`; this makes it these loaders.
declare module '../common/request-context' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface RequestLoaders extends Loaders {}
}

export function createLoaders(db: TransactionalConnection, ctx: RequestContext): Loaders {
  return {
    userById: new DataLoader(async ids => {
      const rows = await db.repo(ctx, User).findBy({ id: In([...ids]) });
      return orderByKeys(ids, rows, row => row.id);
    }),
    projectById: new DataLoader(async ids => {
      const rows = await db.repo(ctx, Project).findBy({ id: In([...ids]) });
      return orderByKeys(ids, rows, row => row.id);
    }),
    assignmentsByTaskId: new DataLoader(async taskIds => {
      const rows = await db
        .repo(ctx, Assignment)
        .find({ where: { taskId: In([...taskIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
      return groupByKeys(taskIds, rows, row => row.taskId);
    }),
    workerTaskById: new DataLoader(taskIds => loadWorkerTasks(db, ctx, taskIds)),
    workerPrelabelByTaskId: new DataLoader(taskIds => loadWorkerPrelabels(db, ctx, taskIds)),
  };
}

/** Rows in the order of `keys`, null where a key has no row (DataLoader's contract). */
export function orderByKeys<K, V>(
  keys: readonly K[],
  rows: V[],
  keyOf: (row: V) => K,
): (V | null)[] {
  const byKey = new Map(rows.map(row => [keyOf(row), row]));
  return keys.map(key => byKey.get(key) ?? null);
}

/** Rows grouped under each of `keys` (empty arrays for keys with none). */
export function groupByKeys<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): V[][] {
  const byKey = new Map<K, V[]>(keys.map(key => [key, []]));
  for (const row of rows) byKey.get(keyOf(row))?.push(row);
  return keys.map(key => byKey.get(key)!);
}
