import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { AggregationRunStatus } from './aggregation.types';

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
  @Field(() => ID, { nullable: true })
  @Column({ name: 'requested_by', type: 'uuid', nullable: true })
  requestedBy: string | null;

  @Field({ description: 'Registry name of the method, e.g. dawid-skene.' })
  @Column({ type: 'text' })
  method: string;

  @Field(() => AggregationRunStatus)
  @Column({ type: 'text' })
  status: AggregationRunStatus;

  @Field({ description: 'Whether the run went through the job queue.' })
  @Column({ type: 'boolean', default: false })
  background: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'Answers the method saw (latest per worker and task).',
  })
  @Column({ name: 'answers_used', type: 'integer', nullable: true })
  answersUsed: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Stored answers the label schema could not read (skipped).',
  })
  @Column({ name: 'ignored_answers', type: 'integer', nullable: true })
  ignoredAnswers: number | null;

  @Field(() => Int, { nullable: true, description: 'Tasks with at least one answer.' })
  @Column({ name: 'task_count', type: 'integer', nullable: true })
  taskCount: number | null;

  @Field(() => Int, { nullable: true })
  @Column({ name: 'worker_count', type: 'integer', nullable: true })
  workerCount: number | null;

  @Field(() => Int, { nullable: true, description: 'Answered gold tasks (clamped by EM methods).' })
  @Column({ name: 'gold_task_count', type: 'integer', nullable: true })
  goldTaskCount: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Tasks whose stored consensus this run changed.',
  })
  @Column({ name: 'changed_tasks', type: 'integer', nullable: true })
  changedTasks: number | null;

  @Field(() => Int, { nullable: true, description: 'Null for non-iterative methods.' })
  @Column({ type: 'integer', nullable: true })
  iterations: number | null;

  @Field(() => Boolean, { nullable: true })
  @Column({ type: 'boolean', nullable: true })
  converged: boolean | null;

  @Field(() => [Float], {
    description:
      'The method’s objective after each iteration (natural log); empty if not iterative.',
  })
  @Column({ name: 'log_likelihood', type: 'double precision', array: true, default: () => "'{}'" })
  logLikelihood: number[];

  @Field(() => Int, { nullable: true, description: 'Wall time from loading answers to commit.' })
  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs: number | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'started_at', type: 'timestamptz', precision: 3, nullable: true })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
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

  @Field(() => String, { nullable: true, description: 'Why a FAILED run failed.' })
  @Column({ type: 'text', nullable: true })
  error: string | null;
}
