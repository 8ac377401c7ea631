import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { WorkerTask } from './worker-task.type';
import type { Assignment } from './assignment.entity';
import { AssignmentStatus, ReturnReason } from './assignment.types';

/**
 * What a worker sees of their own assignment (DESIGN.md promise 3). The `Assignment` object type
 * is for requesters and admins; no worker-facing operation returns it.
 *
 * Deliberately absent, so a gold assignment looks exactly like an ordinary one: `isGold`,
 * `goldCorrect`, `counted`, `autoApproveAt`, `excludedAt`, `schemaVersion` and the worker and
 * project ids. `task` (a `WorkerTask`, added by `AssignmentResolver`) is non-null only while the
 * worker holds the task or has answered it; after an expired or returned lease it is null.
 */
@ObjectType({ description: 'One of your assignments: the lease, your answer and its review.' })
export class WorkerAssignment {
  @Field(() => ID)
  id: string;

  @Field(() => AssignmentStatus)
  status: AssignmentStatus;

  @Field()
  leasedAt: Date;

  @Field({ description: 'Submit before this, or the lease expires and the task goes to others.' })
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  submittedAt: Date | null;

  @Field(() => Date, { nullable: true })
  reviewedAt: Date | null;

  @Field(() => String, { nullable: true })
  rejectionReason: string | null;

  @Field(() => ReturnReason, { nullable: true, description: 'Why you gave the task back.' })
  returnReason: ReturnReason | null;

  @Field(() => [String], { nullable: true, description: 'Your answer: label keys.' })
  answerLabels: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Your answer to a structured task (spans, boxes, rating, pairwise).',
  })
  answer: Record<string, unknown> | null;

  @Field(() => Int, { nullable: true })
  clientDurationMs: number | null;

  @Field(() => Int, { nullable: true, description: 'Lease to submission, measured by the server.' })
  serverDurationMs: number | null;

  @Field(() => Int, { description: 'Reward if approved, in minor units of `currency`.' })
  rewardAmount: number;

  @Field()
  currency: string;

  /** Not a field: the task to show, see `workerMaySeeTask`. */
  taskId: string;

  /** Not a field: the task view when the operation already built it (lease, submit). */
  preloadedTask?: WorkerTask;
}

/** Whether the worker holding `status` may see the task: they hold it or they answered it. */
export function workerMaySeeTask(status: AssignmentStatus): boolean {
  return status !== AssignmentStatus.EXPIRED && status !== AssignmentStatus.RETURNED;
}

/** The worker's view of `assignment`; copies allowed fields one by one (never spread). */
export function toWorkerAssignment(assignment: Assignment, task?: WorkerTask): WorkerAssignment {
  const view = new WorkerAssignment();
  view.id = assignment.id;
  view.status = assignment.status;
  view.leasedAt = assignment.leasedAt;
  view.expiresAt = assignment.expiresAt;
  view.submittedAt = assignment.submittedAt;
  view.reviewedAt = assignment.reviewedAt;
  view.rejectionReason = assignment.rejectionReason;
  view.returnReason = assignment.returnReason;
  view.answerLabels = assignment.answerLabels;
  view.answer = assignment.answer;
  view.clientDurationMs = assignment.clientDurationMs;
  view.serverDurationMs = assignment.serverDurationMs;
  view.rewardAmount = assignment.rewardAmount;
  view.currency = assignment.currency;
  view.taskId = assignment.taskId;
  if (task && workerMaySeeTask(assignment.status)) view.preloadedTask = task;
  return view;
}
