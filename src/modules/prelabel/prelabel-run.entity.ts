import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ModelVersion } from './model-version.entity';

/** PENDING → RUNNING → DONE, or FAILED when the model fails on a batch. */
export const PrelabelRunStatus = graphqlEnum('PrelabelRunStatus', [
  'PENDING',
  'RUNNING',
  'DONE',
  'FAILED',
]);
export type PrelabelRunStatus = EnumValue<typeof PrelabelRunStatus>;

/** A task the job could not featurize (kept for the first `MAX_SKIP_SAMPLES` only). */
export interface PrelabelSkip {
  readonly taskId: string;
  readonly reason: string;
  readonly message: string;
}

/**
 * One pre-labeling job over a project's tasks with one model version, and its progress cursor.
 * The job walks tasks in id order (keyset); each batch's predictions and the new cursor
 * (`lastTaskId`, counters) commit in one transaction, so a job that dies resumes after the last
 * committed batch and never counts a task twice.
 */
@Entity({ name: 'prelabel_runs' })
@ObjectType({ description: 'Progress of a pre-labeling job.' })
@Index('prelabel_runs_project_idx', ['projectId'])
export class PrelabelRun extends ProjectOwnedEntity {
  @Field(() => ID)
  @Column({ name: 'model_version_id', type: 'uuid' })
  modelVersionId: string;

  @ManyToOne(() => ModelVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'model_version_id' })
  modelVersion?: ModelVersion;

  @Field(() => PrelabelRunStatus)
  @Column({ type: 'text', default: PrelabelRunStatus.PENDING })
  status: PrelabelRunStatus;

  @Field(() => Int, { description: 'Tasks in the project when the job started.' })
  @Column({ type: 'integer', default: 0 })
  total: number;

  @Field(() => Int, { description: 'Tasks read so far (predicted + skipped).' })
  @Column({ type: 'integer', default: 0 })
  processed: number;

  @Field(() => Int, { description: 'Tasks with a stored prediction.' })
  @Column({ type: 'integer', default: 0 })
  predicted: number;

  @Field(() => Int, { description: 'Tasks skipped because the payload lacks the featured field.' })
  @Column({ type: 'integer', default: 0 })
  skipped: number;

  /** Keyset cursor: the largest task id already processed. */
  @Column({ name: 'last_task_id', type: 'uuid', nullable: true })
  lastTaskId: string | null;

  @Field(() => GraphQLJSON, {
    description: 'The first skipped tasks: [{ taskId, reason, message }].',
  })
  @Column({ name: 'skip_samples', type: 'jsonb', default: () => "'[]'" })
  skipSamples: PrelabelSkip[];

  @Field(() => String, { nullable: true, description: 'Why the job failed.' })
  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt: Date | null;
}
