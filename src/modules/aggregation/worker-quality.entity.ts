import { Entity, Index } from 'typeorm';
import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { User } from '../auth/user.entity';
import { FloatColumn, ForeignKey, IntColumn, TextColumn, UuidColumn } from '../../db/columns';

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
export class WorkerQuality extends ProjectOwnedEntity {
  @UuidColumn()
  workerId: string;

  @ForeignKey(() => User, 'CASCADE')
  worker?: User;

  /** The method that produced this row. */
  @TextColumn()
  method: string;

  /** SINGLE_CHOICE or MULTI_LABEL: the layout of `confusion`. */
  @TextColumn()
  schemaKind: string;

  /** The schema's keys at the time of the run, in schema order. */
  @TextColumn({ array: true })
  labelKeys: string[];

  /** The method's skill estimate (scale depends on the method); null for plain majority vote. */
  @FloatColumn({ nullable: true })
  skill: number | null;

  @FloatColumn({ nullable: true, array: true })
  confusion: number[] | null;

  @IntColumn()
  answers: number;

  @IntColumn()
  goldAnswers: number;

  @IntColumn()
  goldCorrect: number;

  /** gold_correct / gold_answers; null without gold answers. */
  @FloatColumn({ nullable: true })
  goldAccuracy: number | null;

  /** Share of the worker's answers equal to the task's consensus. */
  @FloatColumn()
  agreement: number;
}
