import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { AggregationRunStatus } from './aggregation.types';
import {
  BoolField,
  FloatField,
  IdField,
  IntField,
  TextField,
  TimestampField,
} from '../../db/columns';

/**
 * One execution of `runAggregation` on a project: which method ran on how many answers, how the
 * fit went (iterations, log-likelihood trace) and how long it took. The run that produced a
 * project's current labels is its latest SUCCEEDED one; its results live on the tasks
 * (`consensus_labels`, `consensus_confidence`, `posterior`) and in `worker_qualities`.
 */
@Entity({ name: 'aggregation_runs' })
@ObjectType({ description: 'One aggregation of a project’s answers.' })
@Index('aggregation_runs_project_idx', ['projectId', 'createdAt'])
export class AggregationRun extends ProjectOwnedEntity {
  /** Who asked for the run (requester or admin). */
  @IdField({ nullable: true })
  requestedBy: string | null;

  @TextField({ description: 'Registry name of the method, e.g. dawid-skene.' })
  method: string;

  @Field(() => AggregationRunStatus)
  @Column({ type: 'text' })
  status: AggregationRunStatus;

  @BoolField({ default: false, description: 'Whether the run went through the job queue.' })
  background: boolean;

  @IntField({ nullable: true, description: 'Answers the method saw (latest per worker and task).' })
  answersUsed: number | null;

  @IntField({
    nullable: true,
    description: 'Stored answers the label schema could not read (skipped).',
  })
  ignoredAnswers: number | null;

  @IntField({ nullable: true, description: 'Tasks with at least one answer.' })
  taskCount: number | null;

  @IntField({ nullable: true })
  workerCount: number | null;

  @IntField({ nullable: true, description: 'Answered gold tasks (clamped by EM methods).' })
  goldTaskCount: number | null;

  @IntField({ nullable: true, description: 'Tasks whose stored consensus this run changed.' })
  changedTasks: number | null;

  @IntField({ nullable: true, description: 'Null for non-iterative methods.' })
  iterations: number | null;

  @BoolField({ nullable: true })
  converged: boolean | null;

  @FloatField({
    default: () => "'{}'",
    array: true,
    description:
      'The method’s objective after each iteration (natural log); empty if not iterative.',
  })
  logLikelihood: number[];

  @IntField({ nullable: true, description: 'Wall time from loading answers to commit.' })
  durationMs: number | null;

  @TimestampField({ nullable: true })
  startedAt: Date | null;

  @TimestampField({ nullable: true })
  finishedAt: Date | null;

  /**
   * Database time (microseconds) at which the run read the answers: of two runs, the one with the
   * later snapshot wins, whichever finishes first. Written and compared in SQL only, as text, since
   * a JS Date would cut it to milliseconds.
   */
  @Column({
    name: 'snapshot_at',
    type: 'timestamptz',
    nullable: true,
    select: false,
    insert: false,
    update: false,
  })
  snapshotAt?: Date | null;

  /**
   * The injected clock's time when the run read the answers (the clock submits stamp
   * `submitted_at` with): the online refit counts the answers submitted after it. Never compared
   * with `snapshot_at`, which is the database's clock (see `Snapshot`).
   */
  @Column({
    name: 'answers_through',
    type: 'timestamptz',
    nullable: true,
    select: false,
    insert: false,
    update: false,
  })
  answersThrough?: Date | null;

  @TextField({ nullable: true, description: 'Why a FAILED run failed.' })
  error: string | null;
}
