import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { ModelVersion } from './model-version.entity';
import {
  ForeignKey,
  IdField,
  IntField,
  TextField,
  TimestampField,
  UuidColumn,
} from '../../db/columns';

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
  @IdField()
  modelVersionId: string;

  @ForeignKey(() => ModelVersion, 'CASCADE')
  modelVersion?: ModelVersion;

  @Field(() => PrelabelRunStatus)
  @Column({ type: 'text', default: PrelabelRunStatus.PENDING })
  status: PrelabelRunStatus;

  @IntField({ default: 0, description: 'Tasks in the project when the job started.' })
  total: number;

  @IntField({ default: 0, description: 'Tasks read so far (predicted + skipped).' })
  processed: number;

  @IntField({ default: 0, description: 'Tasks with a stored prediction.' })
  predicted: number;

  @IntField({
    default: 0,
    description: 'Tasks skipped because the payload lacks the featured field.',
  })
  skipped: number;

  /** Keyset cursor: the largest task id already processed. */
  @UuidColumn({ nullable: true })
  lastTaskId: string | null;

  @Field(() => GraphQLJSON, {
    description: 'The first skipped tasks: [{ taskId, reason, message }].',
  })
  @Column({ name: 'skip_samples', type: 'jsonb', default: () => "'[]'" })
  skipSamples: PrelabelSkip[];

  @TextField({ nullable: true, description: 'Why the job failed.' })
  error: string | null;

  @TimestampField({ nullable: true })
  finishedAt: Date | null;
}
