import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

/** The state of one qualification attempt, as stored. */
export enum QualificationStatus {
  IN_PROGRESS = 'IN_PROGRESS',
  PASSED = 'PASSED',
  FAILED = 'FAILED',
}

/** What a worker sees of their qualification on a project. */
export enum MyQualificationStatus {
  /** The project asks for no qualification: real tasks straight away. */
  NOT_REQUIRED = 'NOT_REQUIRED',
  /** No training answer submitted yet: the next tasks are training tasks. */
  NOT_STARTED = 'NOT_STARTED',
  IN_PROGRESS = 'IN_PROGRESS',
  PASSED = 'PASSED',
  /** Failed the latest attempt: no task of the project before `retryAfter`. */
  FAILED = 'FAILED',
}
registerEnumType(MyQualificationStatus, { name: 'QualificationStatus' });

/**
 * A worker's own qualification summary on one project. Deliberately no score and no per-task
 * result: which training answers were right would reveal the gold answers.
 */
@ObjectType()
export class MyQualification {
  @Field(() => MyQualificationStatus)
  status: MyQualificationStatus;

  @Field(() => Int, { description: 'Training answers submitted in the current attempt.' })
  answered: number;

  @Field(() => Int, { description: 'Training answers an attempt needs (0 when not required).' })
  required: number;

  @Field(() => Int, { description: 'Attempts started so far.' })
  attempts: number;

  @Field(() => Date, {
    nullable: true,
    description: 'FAILED: when a new attempt may start (it is served unseen gold tasks).',
  })
  retryAfter: Date | null;
}
