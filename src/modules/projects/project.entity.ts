import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { kindSettingsOf } from './kind-settings';
import { LabelSchema, OverlapPolicy, ProjectStatus } from './project.types';
import {
  BoolField,
  FloatColumn,
  FloatField,
  ForeignKey,
  IntColumn,
  IntField,
  TextField,
  UuidColumn,
} from '../../db/columns';

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
@Check('projects_max_outstanding_leases_check', '"max_outstanding_leases" >= 1')
@Check(
  'projects_model_loop_check',
  '("model_retrain_every" IS NULL OR "model_retrain_every" >= 1) AND "model_gate_min_accuracy" >= 0 AND "model_gate_min_accuracy" <= 1',
)
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
  @UuidColumn()
  ownerId: string;

  @ForeignKey(() => User, 'RESTRICT')
  owner?: User;

  @TextField()
  name: string;

  @TextField({ default: '', description: 'Markdown shown to workers.' })
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

  @IntField({ default: 1 })
  schemaVersion: number;

  @IntField({ description: 'Reward per approved assignment, in minor units (cents).' })
  rewardAmount: number;

  @TextField({ description: 'ISO 4217 code, lower case (usd).' })
  currency: string;

  @IntColumn()
  minOverlap: number;

  @IntColumn()
  maxOverlap: number;

  @FloatColumn({ nullable: true })
  confidenceTarget: number | null;

  /** Dynamic overlap: outstanding leases a task past `minOverlap` may have (docs/leasing.md). */
  @IntColumn({ default: 1 })
  maxOutstandingLeases: number;

  @FloatField({
    default: 0,
    description: 'Share of served assignments that are gold tasks, 0 to 1.',
  })
  goldRate: number;

  @FloatField({
    nullable: true,
    description:
      'Score a gold answer needs to count as correct, 0 to 1 (F1 for spans and boxes); null: the kind’s default (docs/kinds.md).',
  })
  goldThreshold: number | null;

  @IntField({
    default: 50,
    description:
      'Most distinct workers one gold task is served to; an over-exposed gold task stops being served.',
  })
  goldExposureCap: number;

  @IntField({
    default: 0,
    description:
      'Gold tasks a worker must answer (the training set) before real tasks; 0 = no qualification.',
  })
  qualificationTaskCount: number;

  @FloatField({
    default: 0.8,
    description: 'Share of the training answers that must be right to qualify, 0 to 1.',
  })
  qualificationPassMark: number;

  @IntField({
    default: 86400,
    description: 'How long a worker who failed qualification waits to retry.',
  })
  qualificationRetryDelaySeconds: number;

  @IntField()
  assignmentDurationSeconds: number;

  @IntField({ description: 'Submitted assignments are approved automatically after this.' })
  autoApprovalDelaySeconds: number;

  @IntField({
    default: 7 * 24 * 3600,
    description: 'How long after a rejection the requester may reverse it.',
  })
  rejectionReversalWindowSeconds: number;

  @TextField({
    default: 'pooled-dawid-skene',
    description: 'Aggregation method used for consensus (see the aggregation docs).',
  })
  aggregationMethod: string;

  @BoolField({
    default: false,
    description:
      'Whether workers see the model pre-label of a task (off by default: showing it biases answers).',
  })
  showPrelabelsToWorkers: boolean;

  @IntField({
    nullable: true,
    description:
      'Retrain the pre-label model every this many newly completed tasks, pre-label the tasks ' +
      'with the new version and let it vote if it is at least as accurate on gold; null = off.',
  })
  modelRetrainEvery: number | null;

  @FloatField({
    default: 0.85,
    description:
      "The model gate's trust threshold: Wilson 95% lower bound on the model's gold accuracy " +
      'at or above which a model vote plus one agreeing human may complete a task.',
  })
  modelGateMinAccuracy: number;

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
      maxOutstandingLeases: this.maxOutstandingLeases,
    };
  }
}
