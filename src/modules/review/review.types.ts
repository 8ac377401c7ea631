import { GraphQLJSONObject } from 'graphql-scalars';
import {
  ArgsType,
  Field,
  Float,
  ID,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from 'type-graphql';
import { LabelProbability } from '../aggregation/aggregation.inputs';
import { LabelSchema } from '../projects/project.types';

/** Why a task is in the review queue (a task may have several reasons). */
export enum ReviewReason {
  /** Its consensus confidence is below the queue's threshold (abstained at that threshold). */
  LOW_CONFIDENCE = 'LOW_CONFIDENCE',
  /** The latest pre-label model predicts a label the crowd's consensus does not hold. */
  MODEL_DISAGREES = 'MODEL_DISAGREES',
}
registerEnumType(ReviewReason, { name: 'ReviewReason' });

/** Default `confidenceBelow` of the review queue. */
export const DEFAULT_REVIEW_THRESHOLD = 0.8;

/** Arguments of `reviewQueue`. */
@ArgsType()
export class ReviewQueueArgs {
  @Field(() => ID)
  projectId: string;

  @Field(() => Float, {
    defaultValue: DEFAULT_REVIEW_THRESHOLD,
    description: 'Tasks whose consensus confidence is below this (0 to 1) are queued.',
  })
  confidenceBelow: number;

  @Field(() => Int, { defaultValue: 50, description: 'At most this many tasks, 1 to 200.' })
  first: number;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'Also list tasks that already have a decision.',
  })
  includeDecided: boolean;
}

/** One queued task. */
@ObjectType({ description: 'A task the crowd could not settle, waiting for an expert.' })
export class ReviewQueueItem {
  @Field(() => ID)
  taskId: string;

  @Field(() => String, { nullable: true })
  externalId: string | null;

  @Field(() => [ReviewReason])
  reasons: ReviewReason[];

  @Field(() => [String], { nullable: true, description: 'Consensus label keys; null if none.' })
  consensusLabels: string[] | null;

  @Field(() => Float, { nullable: true })
  confidence: number | null;

  @Field(() => String, { nullable: true, description: 'The latest model prediction, if any.' })
  modelLabel: string | null;

  @Field(() => Int)
  answerCount: number;

  @Field(() => [String], { nullable: true, description: 'The decision already taken, if any.' })
  decidedLabels: string[] | null;
}

/** The queue and how many tasks match it in all. */
@ObjectType()
export class ReviewQueue {
  @Field(() => [ReviewQueueItem])
  items: ReviewQueueItem[];

  @Field(() => Int, { description: 'Tasks matching the queue (decided ones only if included).' })
  totalCount: number;
}

/** One answer as a reviewer sees it. */
@ObjectType({
  description:
    'An answer to a task under review. `worker` is a pseudonym stable within the project; `workerId` is given to the project’s owner and admins only.',
})
export class ReviewAnswer {
  @Field()
  worker: string;

  @Field(() => ID, { nullable: true })
  workerId: string | null;

  @Field(() => [String], { description: 'Label keys (choice kinds; empty for the others).' })
  labels: string[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The structured answer (spans, boxes, rating, pairwise; as AnswerInput.value).',
  })
  value: Record<string, unknown> | null;

  @Field(() => Date, { nullable: true })
  submittedAt: Date | null;

  @Field(() => Int, { nullable: true, description: 'Server-measured time to answer.' })
  durationMs: number | null;

  @Field(() => Boolean, { description: 'Excluded from aggregation (kept stored).' })
  excluded: boolean;

  @Field()
  status: string;
}

/** A final label set by a reviewer. */
@ObjectType({ description: 'A reviewer’s final label for a task; overrides the aggregate.' })
export class ReviewDecision {
  @Field(() => ID)
  taskId: string;

  @Field(() => ID)
  projectId: string;

  @Field(() => [String], { description: 'Label keys (choice kinds; empty for the others).' })
  labels: string[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The decided structured answer (spans, boxes, rating, pairwise); null for choice kinds.',
  })
  value: Record<string, unknown> | null;

  @Field({ description: 'Who decided: a pseudonym unless the caller owns the project.' })
  decidedBy: string;

  @Field(() => Date)
  decidedAt: Date;

  @Field(() => ID, { nullable: true, description: 'The gold task made from this decision.' })
  goldTaskId: string | null;
}

/** The model's pre-label of a task. */
@ObjectType()
export class ReviewPrelabel {
  @Field()
  label: string;

  @Field(() => Float)
  confidence: number;
}

/** Everything a reviewer needs to decide one task. */
@ObjectType({ description: 'A task as its reviewer sees it: no money, no settings.' })
export class ReviewTask {
  @Field(() => ID)
  taskId: string;

  @Field(() => ID)
  projectId: string;

  @Field()
  projectName: string;

  @Field(() => String, { nullable: true })
  externalId: string | null;

  @Field(() => GraphQLJSONObject)
  payload: Record<string, unknown>;

  @Field(() => LabelSchema)
  labelSchema: LabelSchema;

  @Field(() => [String], {
    nullable: true,
    description: 'TEXT_SPANS: the tokens span indexes refer to (as WorkerTask.tokens); else null.',
  })
  tokens: string[] | null;

  @Field(() => [String], { nullable: true })
  consensusLabels: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'Structured kinds: the current aggregate, in the answer shape; else null.',
  })
  consensusValue: Record<string, unknown> | null;

  @Field(() => Float, { nullable: true })
  confidence: number | null;

  @Field(() => [LabelProbability], { nullable: true })
  posterior: LabelProbability[] | null;

  @Field(() => ReviewPrelabel, { nullable: true })
  prelabel: ReviewPrelabel | null;

  @Field(() => [ReviewAnswer])
  answers: ReviewAnswer[];

  @Field(() => ReviewDecision, { nullable: true })
  decision: ReviewDecision | null;
}

/** Input of `decideReview`. */
@InputType()
export class DecideReviewInput {
  @Field(() => ID)
  taskId: string;

  @Field(() => [String], {
    nullable: true,
    description:
      'Choice kinds: the final label keys, exactly one for single choice, any set for multi-label.',
  })
  labels?: string[] | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Structured kinds: the final answer, as AnswerInput.value, checked by the kind’s validation.',
  })
  value?: Record<string, unknown> | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Also add a gold task with this payload and answer (owner or admin only: gold is served and paid).',
  })
  makeGold: boolean;
}

/** A user allowed to review a project. */
@ObjectType({ description: 'A user granted the REVIEWER role on one project.' })
export class ProjectReviewer {
  @Field(() => ID)
  projectId: string;

  @Field(() => ID)
  userId: string;

  @Field()
  email: string;

  @Field()
  displayName: string;

  @Field(() => Date)
  grantedAt: Date;
}

/** A project the caller may review. */
@ObjectType()
export class ReviewableProject {
  @Field(() => ID)
  projectId: string;

  @Field()
  name: string;

  @Field({ description: 'Whether the caller owns it (else: granted REVIEWER).' })
  owner: boolean;
}
