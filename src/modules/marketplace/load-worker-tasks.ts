import { In } from 'typeorm';
import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Task } from './task.entity';
import { toWorkerTask, type WorkerTask } from './worker-task.type';

/**
 * Worker views of tasks by id, in the order given (null for unknown ids), in one query with the
 * project and its owner joined: the batch function of the `workerTaskById` loader. It does not
 * check who may see them: callers only ask for tasks the worker holds or answered
 * (`workerMaySeeTask`).
 */
export async function loadWorkerTasks(
  db: TransactionalConnection,
  ctx: RequestContext,
  taskIds: readonly string[],
): Promise<(WorkerTask | null)[]> {
  const tasks = await db.repo(ctx, Task).find({
    where: { id: In([...taskIds]) },
    relations: { project: { owner: true } },
  });
  const byId = new Map(tasks.map(task => [task.id, task]));
  return taskIds.map(id => {
    const task = byId.get(id);
    return task ? toWorkerTask(task, task.project!, task.project!.owner!) : null;
  });
}
