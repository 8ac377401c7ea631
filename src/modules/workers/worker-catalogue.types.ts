import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MyQualificationStatus } from './qualification.types';

/**
 * One project as the worker app's catalogue shows it: what it pays, how long its tasks take
 * (measured by the server on everyone's submitted answers), what is left for this worker, and
 * whether a qualification stands between them and the real tasks. Nothing about gold.
 */
@ObjectType()
export class CatalogueProject {
  @Field(() => ID)
  projectId: string;

  @Field()
  name: string;

  @Field({ description: 'Public display name of the requester who owns the project.' })
  requesterDisplayName: string;

  @Field(() => Int, { description: 'Reward per approved assignment, in minor units.' })
  rewardAmount: number;

  @Field({ description: 'ISO 4217 code, lower case.' })
  currency: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Median seconds from lease to submission over the project’s answers; null before any.',
  })
  estimatedSecondsPerTask: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'rewardAmount × 3600 / estimatedSecondsPerTask, rounded down; null before any.',
  })
  hourlyRate: number | null;

  @Field(() => Int, {
    description: 'Ordinary open tasks with a free slot that you have not been assigned.',
  })
  tasksLeft: number;

  @Field({ description: 'Whether the project asks for a qualification before real tasks.' })
  qualificationRequired: boolean;

  @Field(() => MyQualificationStatus, { description: 'Your qualification on it.' })
  qualificationStatus: MyQualificationStatus;

  @Field(() => Int, { description: 'Lease length of one task, in seconds.' })
  assignmentDurationSeconds: number;
}
