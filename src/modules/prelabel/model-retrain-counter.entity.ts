import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Completed ordinary tasks of a project with automatic retraining on (`modelRetrainEvery`),
 * counted by the completing transaction (model-loop.ts). When the count reaches a multiple of
 * the setting, the same transaction enqueues the retrain job. One row per project, created on
 * the first completion; no GraphQL type.
 */
@Entity({ name: 'model_retrain_counters' })
export class ModelRetrainCounter {
  @PrimaryColumn({
    name: 'project_id',
    type: 'uuid',
    primaryKeyConstraintName: 'model_retrain_counters_pkey',
  })
  projectId: string;

  @Column({ name: 'completed_tasks', type: 'integer', default: 0 })
  completedTasks: number;
}
