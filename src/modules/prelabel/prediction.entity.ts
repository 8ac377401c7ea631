import { Field, Float, ID, ObjectType } from 'type-graphql';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { Task } from '../marketplace/task.entity';
import { ModelVersion } from './model-version.entity';

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

  @ManyToOne(() => Task, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: Task;

  @ManyToOne(() => ModelVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'model_version_id' })
  modelVersion?: ModelVersion;

  @Index('prelabel_predictions_project_idx')
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Field(() => [Float], { description: 'One probability per schema label, in schema order.' })
  @Column({ type: 'double precision', array: true })
  probabilities: number[];

  @Field()
  @Column({ name: 'predicted_label', type: 'text' })
  predictedLabel: string;

  @Field(() => Float)
  @Column({ type: 'double precision' })
  confidence: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
