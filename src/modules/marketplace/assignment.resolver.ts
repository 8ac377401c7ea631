import { Arg, Args, Resolver, Root } from 'type-graphql';
import type { ConnectionShape } from '../../common/pagination';
import { RequestContext } from '../../common/request-context';
import { WorkerTask } from './worker-task.type';
import { Assignment } from './assignment.entity';
import { ReturnReason } from './assignment.types';
import {
  AssignmentConnection,
  MyAssignmentsArgs,
  ProjectAssignmentsArgs,
  SubmitAssignmentInput,
  WorkerAssignmentConnection,
} from './assignment.inputs';
import { LeasingService } from './leasing.service';
import { ReviewService } from './review.service';
import { SubmissionService } from './submission.service';
import { WorkerAssignment, workerMaySeeTask } from './worker-assignment.type';
import {
  IdArg,
  IdsArg,
  InputArg,
  OwnerMutation,
  OwnerQuery,
  ParentField,
  WorkerMutation,
  WorkerQuery,
} from '../../graphql/operations';

/**
 * Worker operations (lease, submit, return, own history) return `WorkerAssignment` and
 * `WorkerTask` only; review operations (owner or admin) return `Assignment`.
 */
@Resolver(() => WorkerAssignment)
export class AssignmentResolver {
  constructor(
    private readonly leasing: LeasingService,
    private readonly submission: SubmissionService,
    private readonly review: ReviewService,
  ) {}

  @WorkerMutation(() => WorkerAssignment, {
    nullable: true,
    description:
      'Leases the next task for you to answer (in one project, or any), or null when there is none.',
  })
  nextAssignment(
    @IdArg('projectId', { nullable: true }) projectId: string | null,
    ctx: RequestContext,
  ): Promise<WorkerAssignment | null> {
    return this.leasing.nextAssignment(ctx, projectId);
  }

  @WorkerMutation(() => WorkerAssignment, 'Answers a task you hold.')
  submitAssignment(
    @InputArg() input: SubmitAssignmentInput,
    ctx: RequestContext,
  ): Promise<WorkerAssignment> {
    return this.submission.submitAssignment(ctx, input);
  }

  @WorkerMutation(
    () => WorkerAssignment,
    'Gives a task back unanswered, optionally saying why (seen by the project owner).',
  )
  returnAssignment(
    @IdArg() id: string,
    ctx: RequestContext,
    @Arg('reason', () => ReturnReason, { nullable: true }) reason?: ReturnReason | null,
  ): Promise<WorkerAssignment> {
    return this.leasing.returnAssignment(ctx, id, reason ?? null);
  }

  @WorkerQuery(() => WorkerAssignmentConnection, 'Your assignments, oldest first.')
  myAssignments(
    @Args() args: MyAssignmentsArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<WorkerAssignment>> {
    return this.leasing.myAssignments(ctx, args);
  }

  @WorkerQuery(() => WorkerAssignment, 'One of your assignments.')
  myAssignment(@IdArg() id: string, ctx: RequestContext): Promise<WorkerAssignment> {
    return this.leasing.myAssignment(ctx, id);
  }

  @WorkerQuery(() => WorkerTask, 'A task you hold or have answered.')
  myTask(@IdArg() id: string, ctx: RequestContext): Promise<WorkerTask> {
    return this.leasing.myTask(ctx, id);
  }

  @ParentField(() => WorkerTask, {
    nullable: true,
    description:
      'The task, while you hold it or once you answered it; null after expiry or return.',
  })
  task(@Root() assignment: WorkerAssignment, ctx: RequestContext): Promise<WorkerTask | null> {
    if (!workerMaySeeTask(assignment.status)) return Promise.resolve(null);
    if (assignment.preloadedTask) return Promise.resolve(assignment.preloadedTask);
    return ctx.loaders.workerTaskById.load(assignment.taskId);
  }

  @OwnerQuery(
    () => AssignmentConnection,
    'Assignments of one of your projects (any project, for admins).',
  )
  projectAssignments(
    @Args() args: ProjectAssignmentsArgs,
    ctx: RequestContext,
  ): Promise<ConnectionShape<Assignment>> {
    return this.review.projectAssignments(ctx, args);
  }

  @OwnerMutation(() => Assignment, 'Accepts a submitted answer; the worker is paid.')
  approveAssignment(@IdArg() id: string, ctx: RequestContext): Promise<Assignment> {
    return this.review.approveAssignment(ctx, id);
  }

  @OwnerMutation(() => [Assignment], 'Approves up to 500 submitted assignments, all or nothing.')
  approveAssignments(@IdsArg() ids: string[], ctx: RequestContext): Promise<Assignment[]> {
    return this.review.approveAssignments(ctx, ids);
  }

  @OwnerMutation(
    () => Assignment,
    'Refuses a submitted answer (unpaid, uncounted; the task gets another answer).',
  )
  rejectAssignment(
    @IdArg() id: string,
    @Arg('reason', { description: 'Shown to the worker; 1 to 2,000 characters.' }) reason: string,
    ctx: RequestContext,
  ): Promise<Assignment> {
    return this.review.rejectAssignment(ctx, id, reason);
  }

  @OwnerMutation(
    () => [Assignment],
    'Rejects up to 500 submitted assignments with one reason, all or nothing.',
  )
  rejectAssignments(
    @IdsArg() ids: string[],
    @Arg('reason') reason: string,
    ctx: RequestContext,
  ): Promise<Assignment[]> {
    return this.review.rejectAssignments(ctx, ids, reason);
  }

  @OwnerMutation(
    () => Assignment,
    'Turns a rejection into an approval, within the project’s reversal window.',
  )
  reverseRejection(@IdArg() id: string, ctx: RequestContext): Promise<Assignment> {
    return this.review.reverseRejection(ctx, id);
  }
}
