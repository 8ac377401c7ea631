import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, Float, InputType, Int } from 'type-graphql';
import { Connection, ConnectionArgs } from '../../common/pagination';
import { Project } from './project.entity';
import { LabelOption, LabelSchemaKind, ProjectStatus } from './project.types';

/** Limits are checked by the service (see PROJECT_LIMITS), so every refusal names its field. */
@InputType({
  description:
    'The answer space: 2 to 200 labels with unique keys for the choice kinds; for the structured kinds the labels name entity types (TEXT_SPANS), box classes (BOUNDING_BOXES) or grades (RATING, optional), none for PAIRWISE, and `settings` carries the rest (docs/kinds.md).',
})
export class LabelSchemaInput {
  @Field(() => LabelSchemaKind)
  kind: LabelSchemaKind;

  @Field(() => [LabelOption], {
    description: 'In display order; the order also fixes label indexes for aggregation.',
  })
  labels: LabelOption[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The kind’s other settings: `tokenization`, `textField`, `tokensField`, `allowOverlap` (TEXT_SPANS); `imageField`, `widthField`, `heightField` (BOUNDING_BOXES); `min`, `max`, `tolerance` (RATING); `leftField`, `rightField` (PAIRWISE). Refusals: BAD_USER_INPUT with `reason` the kind’s issue code.',
  })
  settings?: Record<string, unknown> | null;
}

@InputType({
  description:
    'Fixed overlap k: `{ minOverlap: k }`. Dynamic overlap: `{ minOverlap, maxOverlap, confidenceTarget }` ' +
    '(stop between min and max answers once the top label’s posterior reaches the target).',
})
export class OverlapInput {
  @Field(() => Int, { description: 'Answers every task gets at least, 1 to 100.' })
  minOverlap: number;

  @Field(() => Int, { nullable: true, description: 'Defaults to minOverlap (fixed overlap).' })
  maxOverlap?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Dynamic overlap only: posterior to reach, strictly between 0.5 and 1.',
  })
  confidenceTarget?: number | null;
}

@InputType()
export class CreateProjectInput {
  @Field()
  name: string;

  @Field(() => String, { nullable: true, description: 'Markdown shown to workers.' })
  instructions?: string | null;

  @Field(() => LabelSchemaInput)
  labelSchema: LabelSchemaInput;

  @Field(() => Int, {
    description: 'Reward per approved assignment in minor units (cents), 0 to 1,000,000.',
  })
  rewardAmount: number;

  @Field({ description: 'ISO 4217 code, any case (stored lower case).' })
  currency: string;

  @Field(() => OverlapInput)
  overlap: OverlapInput;

  @Field(() => Float, { nullable: true, description: 'Share of gold tasks served, 0 to 0.5.' })
  goldRate?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Gold score that counts as correct, 0 to 1; default the kind’s (docs/kinds.md).',
  })
  goldThreshold?: number | null;

  @Field(() => Int, { nullable: true, description: 'Lease length, 30 s to 7 days; default 600.' })
  assignmentDurationSeconds?: number | null;

  @Field(() => Int, { nullable: true, description: '0 to 30 days; default 3 days.' })
  autoApprovalDelaySeconds?: number | null;

  @Field(() => Int, { nullable: true, description: '0 to 30 days; default 7 days.' })
  rejectionReversalWindowSeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Training gold tasks before real work, 0 (none, the default) to 1,000.',
  })
  qualificationTaskCount?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of training answers that must be right, 0 to 1; default 0.8.',
  })
  qualificationPassMark?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Wait before a failed worker may retry, 0 to 365 days; default 1 day.',
  })
  qualificationRetryDelaySeconds?: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Most distinct workers one gold task is served to, 1 to 1,000,000; default 50.',
  })
  goldExposureCap?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Show workers the model pre-label of each task; default false (it biases answers).',
  })
  showPrelabelsToWorkers?: boolean | null;

  @Field(() => String, {
    nullable: true,
    description: 'Retry-safe creation: a repeat with the same key returns the same project.',
  })
  idempotencyKey?: string | null;
}

/**
 * Omitted fields keep their value. In DRAFT everything may change. Once launched, reward and
 * currency are fixed and the label schema may only grow (new labels appended, display names
 * renamed), which bumps `schemaVersion`.
 */
@InputType()
export class UpdateProjectInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  instructions?: string | null;

  @Field(() => LabelSchemaInput, { nullable: true })
  labelSchema?: LabelSchemaInput | null;

  @Field(() => Int, { nullable: true, description: 'DRAFT only.' })
  rewardAmount?: number | null;

  @Field(() => String, { nullable: true, description: 'DRAFT only.' })
  currency?: string | null;

  @Field(() => OverlapInput, { nullable: true })
  overlap?: OverlapInput | null;

  @Field(() => Float, { nullable: true })
  goldRate?: number | null;

  @Field(() => Float, { nullable: true, description: 'Gold score that counts as correct, 0 to 1.' })
  goldThreshold?: number | null;

  @Field(() => Int, { nullable: true })
  assignmentDurationSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  autoApprovalDelaySeconds?: number | null;

  @Field(() => Int, { nullable: true })
  rejectionReversalWindowSeconds?: number | null;

  @Field(() => Int, { nullable: true })
  qualificationTaskCount?: number | null;

  @Field(() => Float, { nullable: true })
  qualificationPassMark?: number | null;

  @Field(() => Int, { nullable: true })
  qualificationRetryDelaySeconds?: number | null;

  @Field(() => Int, { nullable: true })
  goldExposureCap?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Show workers the model pre-labels.' })
  showPrelabelsToWorkers?: boolean | null;
}

@ArgsType()
export class ProjectsArgs extends ConnectionArgs {
  @Field(() => ProjectStatus, { nullable: true, description: 'Only projects in this status.' })
  status?: ProjectStatus | null;
}

/** A page of projects. */
export const ProjectConnection = Connection(Project);
