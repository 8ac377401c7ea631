import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { User } from '../auth/user.entity';
import { ForeignKey, IdField, IntField, TextField, UuidColumn } from '../../db/columns';

/** Where a model version came from. */
export enum ModelSource {
  /** Registered by a requester (GraphQL upload or the command line). */
  UPLOADED = 'UPLOADED',
  /** Trained by Quorum from the project's consensus (`trainModel`). */
  TRAINED = 'TRAINED',
}
registerEnumType(ModelSource, { name: 'ModelSource' });

/**
 * One registered ONNX model of a project, validated before it was stored (it loaded, its shapes
 * fit the featurizer and the label keys, and it ran on a task). `version` is unique per project.
 * The model answers as its own worker account (`annotatorId`, a user of kind MODEL), so its
 * reliability is learned by aggregation like anyone's. The bytes never have a GraphQL field.
 */
@Entity({ name: 'model_versions' })
@ObjectType({ description: 'A pre-label model registered on a project.' })
@Index('model_versions_project_version_key', ['projectId', 'version'], { unique: true })
export class ModelVersion extends ProjectOwnedEntity {
  @TextField({ description: 'Version name, unique within the project.' })
  version: string;

  @Field(() => ModelSource)
  @Column({ type: 'text' })
  source: ModelSource;

  /** The ONNX file as registered. */
  @Column({ name: 'model_bytes', type: 'bytea' })
  modelBytes: Buffer;

  @IntField()
  sizeBytes: number;

  @Field(() => GraphQLJSONObject, {
    description: 'The complete featurizer spec (defaults filled in), see docs/prelabel.md.',
  })
  @Column({ type: 'jsonb' })
  featurizer: Record<string, unknown>;

  @TextField({ array: true, description: 'Label key of each model output column, in order.' })
  labelKeys: string[];

  @IdField({ description: 'The worker account (kind MODEL) the model answers as.' })
  annotatorId: string;

  @ForeignKey(() => User, 'RESTRICT')
  annotator?: User;

  @UuidColumn({ nullable: true })
  createdBy: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Evaluation report of a trained model (accuracy, macroF1, expectedCalibrationError on gold).',
  })
  @Column({ type: 'jsonb', nullable: true })
  metrics: Record<string, unknown> | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When the version became the one that votes (the latest promoted version votes). Set at ' +
      'registration, except for automatic retrains, promoted only when at least as accurate ' +
      'on gold as the version voting; null = never voted.',
  })
  @Column({ name: 'promoted_at', type: 'timestamptz', precision: 3, nullable: true })
  promotedAt: Date | null;
}
