import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Assignment } from './assignment.entity';
import type { AssignmentRef } from './assignment.events';

/**
 * Locks assignments by id, in id order (the lock order: assignment rows before task rows);
 * returns them in that order.
 */
export function lockAssignments(
  db: TransactionalConnection,
  tx: RequestContext,
  ids: readonly string[],
): Promise<Assignment[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .repo(tx, Assignment)
    .createQueryBuilder('assignment')
    .where('assignment.id IN (:...ids)', { ids: [...new Set(ids)] })
    .orderBy('assignment.id')
    .setLock('pessimistic_write')
    .getMany();
}

/**
 * The reference every assignment event carries. Kept out of assignment.events.ts, whose exports
 * are all event classes (the test env subscribes to each of them).
 */
export function refOf(assignment: {
  readonly id: string;
  readonly taskId: string;
  readonly projectId: string;
  readonly workerId: string;
}): AssignmentRef {
  return {
    assignmentId: assignment.id,
    taskId: assignment.taskId,
    projectId: assignment.projectId,
    workerId: assignment.workerId,
  };
}
