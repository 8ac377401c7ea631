import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';

/**
 * A worker's quality on one project, as estimated by the project's latest successful aggregation
 * run (one row per project and worker, replaced by every run; rows of workers without answers in
 * the run are deleted). `confusion` is flattened in the order of `labelKeys`:
 *
 *   SINGLE_CHOICE: confusion[k * K + l]           = P(answers l | true label k)
 *   MULTI_LABEL:   confusion[(k * 2 + a) * 2 + b] = P(answer has key k = b | truth has k = a)
 *
 * Not a GraphQL type itself: the API shows it labelled by keys as `WorkerQuality`
 * (`WorkerQualityView`, aggregation.inputs.ts).
 */
@Entity({ name: 'worker_qualities' })
@Index('worker_qualities_project_worker_key', ['projectId', 'workerId'], { unique: true })
@Index('worker_qualities_worker_idx', ['workerId'])
export class WorkerQuality extends AppEntity {
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'worker_id' })
  worker?: User;

  /** The method that produced this row. */
  @Column({ type: 'text' })
  method: string;

  /** SINGLE_CHOICE or MULTI_LABEL: the layout of `confusion`. */
  @Column({ name: 'schema_kind', type: 'text' })
  schemaKind: string;

  /** The schema's keys at the time of the run, in schema order. */
  @Column({ name: 'label_keys', type: 'text', array: true })
  labelKeys: string[];

  /** The method's skill estimate (scale depends on the method); null for plain majority vote. */
  @Column({ type: 'double precision', nullable: true })
  skill: number | null;

  @Column({ type: 'double precision', array: true, nullable: true })
  confusion: number[] | null;

  @Column({ type: 'integer' })
  answers: number;

  @Column({ name: 'gold_answers', type: 'integer' })
  goldAnswers: number;

  @Column({ name: 'gold_correct', type: 'integer' })
  goldCorrect: number;

  /** gold_correct / gold_answers; null without gold answers. */
  @Column({ name: 'gold_accuracy', type: 'double precision', nullable: true })
  goldAccuracy: number | null;

  /** Share of the worker's answers equal to the task's consensus. */
  @Column({ type: 'double precision' })
  agreement: number;
}
