import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { kindSettingsOf } from './kind-settings';
import { LabelSchema, OverlapPolicy, ProjectStatus } from './project.types';

/**
 * A labeling job owned by a requester (Toloka project + pool, MTurk HIT type). Money is in
 * integer minor units of `currency`. `schemaVersion` increases when the label schema changes
 * after launch; assignments record the version they were answered under.
 */
@Entity({ name: 'projects' })
@ObjectType()
@Check('projects_overlap_check', '"min_overlap" >= 1 AND "max_overlap" >= "min_overlap"')
@Check('projects_gold_rate_check', '"gold_rate" >= 0 AND "gold_rate" <= 1')
@Check('projects_gold_exposure_cap_check', '"gold_exposure_cap" >= 1')
@Check('projects_reward_check', '"reward_amount" >= 0')
@Check(
  'projects_qualification_check',
  '"qualification_task_count" >= 0 AND "qualification_pass_mark" >= 0 AND "qualification_pass_mark" <= 1 AND "qualification_retry_delay_seconds" >= 0',
)
@Check(
  'projects_gold_threshold_check',
  '"gold_threshold" IS NULL OR ("gold_threshold" >= 0 AND "gold_threshold" <= 1)',
)
export class Project extends AppEntity {
  @Index('projects_owner_id_idx')
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;

  @Field()
  @Column({ type: 'text' })
  name: string;

  @Field({ description: 'Markdown shown to workers.' })
  @Column({ type: 'text', default: '' })
  instructions: string;

  @Field(() => ProjectStatus)
  @Column({ type: 'text', default: ProjectStatus.DRAFT })
  status: ProjectStatus;

  /** With its parsed kind settings; a schema stored before they existed gets its label keys. */
  @Field(() => LabelSchema)
  @Column({
    name: 'label_schema',
    type: 'jsonb',
    transformer: {
      to: (schema: LabelSchema | undefined) => schema,
      from: (schema: LabelSchema | null) =>
        schema && { ...schema, settings: kindSettingsOf(schema) },
    },
  })
  labelSchema: LabelSchema;

  @Field(() => Int)
  @Column({ name: 'schema_version', type: 'integer', default: 1 })
  schemaVersion: number;

  @Field(() => Int, { description: 'Reward per approved assignment, in minor units (cents).' })
  @Column({ name: 'reward_amount', type: 'integer' })
  rewardAmount: number;

  @Field({ description: 'ISO 4217 code, lower case (usd).' })
  @Column({ type: 'text' })
  currency: string;

  @Column({ name: 'min_overlap', type: 'integer' })
  minOverlap: number;

  @Column({ name: 'max_overlap', type: 'integer' })
  maxOverlap: number;

  @Column({ name: 'confidence_target', type: 'double precision', nullable: true })
  confidenceTarget: number | null;

  @Field(() => Float, { description: 'Share of served assignments that are gold tasks, 0 to 1.' })
  @Column({ name: 'gold_rate', type: 'double precision', default: 0 })
  goldRate: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Score a gold answer needs to count as correct, 0 to 1 (F1 for spans and boxes); null: the kind’s default (docs/kinds.md).',
  })
  @Column({ name: 'gold_threshold', type: 'double precision', nullable: true })
  goldThreshold: number | null;

  @Field(() => Int, {
    description:
      'Most distinct workers one gold task is served to; an over-exposed gold task stops being served.',
  })
  @Column({ name: 'gold_exposure_cap', type: 'integer', default: 50 })
  goldExposureCap: number;

  @Field(() => Int, {
    description:
      'Gold tasks a worker must answer (the training set) before real tasks; 0 = no qualification.',
  })
  @Column({ name: 'qualification_task_count', type: 'integer', default: 0 })
  qualificationTaskCount: number;

  @Field(() => Float, {
    description: 'Share of the training answers that must be right to qualify, 0 to 1.',
  })
  @Column({ name: 'qualification_pass_mark', type: 'double precision', default: 0.8 })
  qualificationPassMark: number;

  @Field(() => Int, { description: 'How long a worker who failed qualification waits to retry.' })
  @Column({ name: 'qualification_retry_delay_seconds', type: 'integer', default: 86400 })
  qualificationRetryDelaySeconds: number;

  @Field(() => Int)
  @Column({ name: 'assignment_duration_seconds', type: 'integer' })
  assignmentDurationSeconds: number;

  @Field(() => Int, { description: 'Submitted assignments are approved automatically after this.' })
  @Column({ name: 'auto_approval_delay_seconds', type: 'integer' })
  autoApprovalDelaySeconds: number;

  @Field(() => Int, { description: 'How long after a rejection the requester may reverse it.' })
  @Column({ name: 'rejection_reversal_window_seconds', type: 'integer', default: 7 * 24 * 3600 })
  rejectionReversalWindowSeconds: number;

  @Field({ description: 'Aggregation method used for consensus (see the aggregation docs).' })
  @Column({ name: 'aggregation_method', type: 'text', default: 'pooled-dawid-skene' })
  aggregationMethod: string;

  @Field({
    description:
      'Whether workers see the model pre-label of a task (off by default: showing it biases answers).',
  })
  @Column({ name: 'show_prelabels_to_workers', type: 'boolean', default: false })
  showPrelabelsToWorkers: boolean;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'launched_at', type: 'timestamptz', nullable: true })
  launchedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** The overlap settings as one GraphQL object. */
  @Field(() => OverlapPolicy)
  get overlap(): OverlapPolicy {
    return {
      minOverlap: this.minOverlap,
      maxOverlap: this.maxOverlap,
      confidenceTarget: this.confidenceTarget,
    };
  }
}
