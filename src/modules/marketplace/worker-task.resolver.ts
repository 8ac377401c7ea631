import { Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import { WorkerPrelabel, WorkerTask } from './worker-task.type';
import { ParentField } from '../../graphql/operations';

/**
 * Fields of the worker's task view that need more than the task row. Every path that builds a
 * `WorkerTask` (lease, submit, the `workerTaskById` loader) gets them here, batched per request.
 */
@Resolver(() => WorkerTask)
export class WorkerTaskResolver {
  @ParentField(() => WorkerPrelabel, {
    nullable: true,
    description:
      'The latest model version’s prediction for this task, when the project shows pre-labels ' +
      'to workers (off by default); null otherwise.',
  })
  prelabel(@Root() task: WorkerTask, ctx: RequestContext): Promise<WorkerPrelabel | null> {
    return ctx.loaders.workerPrelabelByTaskId.load(task.id);
  }
}
