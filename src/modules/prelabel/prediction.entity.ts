import { Field, ID, ObjectType } from 'type-graphql';
import { CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { Task } from '../marketplace/task.entity';
import { ModelVersion } from './model-version.entity';
import { FloatField, ForeignKey, TextField, UuidColumn } from '../../db/columns';

/**
 * A model version's prediction for one task: one row per (task, model version), written by the
 * pre-labeling job with ON CONFLICT DO UPDATE, so re-running a job rewrites the same rows.
 * `probabilities` are in the project's label-schema order (labels the model does not know get
 * 0); `predictedLabel` is their argmax (ties to the first label) and `confidence` its
 * probability. The argmax is the MODEL worker's answer in aggregation.
 */
@Entity({ name: 'prelabel_predictions' })
@ObjectType({ description: 'A model’s prediction for one task.' })
@Index('prelabel_predictions_model_version_idx', ['modelVersionId'])
export class Prediction {
  @Field(() => ID)
  @PrimaryColumn({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Field(() => ID)
  @PrimaryColumn({ name: 'model_version_id', type: 'uuid' })
  modelVersionId: string;

  @ForeignKey(() => Task, 'CASCADE')
  task?: Task;

  @ForeignKey(() => ModelVersion, 'CASCADE')
  modelVersion?: ModelVersion;

  @Index('prelabel_predictions_project_idx')
  @UuidColumn()
  projectId: string;

  @FloatField({ array: true, description: 'One probability per schema label, in schema order.' })
  probabilities: number[];

  @TextField()
  predictedLabel: string;

  @FloatField()
  confidence: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
