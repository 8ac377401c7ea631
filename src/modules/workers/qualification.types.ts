import { Field, Int, ObjectType } from 'type-graphql';
import { graphqlEnum, stringEnum, type EnumValue } from '../../common/graphql-enum';

/**
 * The state of one qualification attempt, as stored. FAILED: no task of the project before
 * `retryAfter`.
 */
const STORED_STATUSES = ['IN_PROGRESS', 'PASSED', 'FAILED'] as const;
export const QualificationStatus = stringEnum(STORED_STATUSES);
export type QualificationStatus = EnumValue<typeof QualificationStatus>;

/**
 * What a worker sees of their qualification on a project: the state of their latest attempt, or
 * NOT_REQUIRED (the project asks for no qualification: real tasks straight away) or NOT_STARTED
 * (no training answer submitted yet: the next tasks are training tasks).
 */
export const MyQualificationStatus = graphqlEnum('QualificationStatus', [
  'NOT_REQUIRED',
  'NOT_STARTED',
  ...STORED_STATUSES,
]);
export type MyQualificationStatus = EnumValue<typeof MyQualificationStatus>;

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
