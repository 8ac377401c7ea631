import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { Connection, ConnectionArgs } from '../../common/pagination';
import { Assignment } from './assignment.entity';
import { AssignmentStatus } from './assignment.types';
import { WorkerAssignment } from './worker-assignment.type';

/** Limits checked by the service, so each refusal names its field. */
export const ASSIGNMENT_LIMITS = {
  /** Labels in one answer (the schema allows at most 200; an answer cannot need more). */
  maxAnswerLabels: 200,
  /** Longest rejection reason. */
  maxReasonLength: 2000,
  /** Assignments in one bulk review. */
  maxBulkReview: 500,
  /** Longest client-reported duration: 7 days, the longest lease. */
  maxClientDurationMs: 7 * 24 * 3600 * 1000,
} as const;

@InputType({
  description:
    'An answer: label keys of the project’s schema (choice kinds) or a structured value (the other kinds).',
})
export class AnswerInput {
  @Field(() => [String], {
    nullable: true,
    description: 'SINGLE_CHOICE: exactly one key. MULTI_LABEL: one or more distinct keys.',
  })
  labels?: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'TEXT_SPANS `{ spans: [{ start, end, label }] }` (token indexes of WorkerTask.tokens, end exclusive); BOUNDING_BOXES `{ boxes: [{ x, y, w, h, label }] }` (pixels); RATING `{ rating }`; PAIRWISE `{ preferred }` (an item id). Refusals: BAD_USER_INPUT with `reason` the kind’s issue code.',
  })
  value?: Record<string, unknown> | null;
}

@InputType()
export class SubmitAssignmentInput {
  @Field(() => ID)
  assignmentId: string;

  @Field(() => AnswerInput)
  answer: AnswerInput;

  @Field(() => Int, {
    nullable: true,
    description: 'Time the worker spent by the client’s own measure, 0 to 7 days in ms.',
  })
  clientDurationMs?: number | null;
}

@ArgsType()
export class MyAssignmentsArgs extends ConnectionArgs {
  @Field(() => AssignmentStatus, { nullable: true })
  status?: AssignmentStatus | null;
}

@ArgsType()
export class ProjectAssignmentsArgs extends ConnectionArgs {
  @Field(() => ID)
  projectId: string;

  @Field(() => AssignmentStatus, { nullable: true })
  status?: AssignmentStatus | null;
}

/** `WorkerAssignmentConnection`: a worker's own history. */
export const WorkerAssignmentConnection = Connection(WorkerAssignment);

/** `AssignmentConnection`: a project's assignments, for its owner and admins. */
export const AssignmentConnection = Connection(Assignment);
