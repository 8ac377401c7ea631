import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Project } from '../projects/project.entity';
import { TaskStatus } from './task.types';

/**
 * One item to label. `liveAssignments` counts the assignments that hold or used a slot
 * (LEASED, or counted answers); it is kept on the task row, under that row's lock, because the
 * row is what `FOR UPDATE SKIP LOCKED` selection locks and re-checks — a count over another table
 * would be read from a stale snapshot by a concurrent statement (DESIGN.md promise 2).
 *
 * The gold answer, counters and consensus are fields only requesters and admins can read
 * (enforced in the resolver); workers see a `WorkerTask` view instead.
 */
@Entity({ name: 'tasks' })
@ObjectType()
@Index('tasks_project_external_id_key', ['projectId', 'externalId'], { unique: true })
@Index('tasks_project_status_idx', ['projectId', 'status', 'isGold'])
@Check('tasks_live_assignments_check', '"live_assignments" >= 0 AND "counted_answers" >= 0')
export class Task extends AppEntity {
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Project;

  @Field(() => String, {
    nullable: true,
    description: 'The requester’s own id; imports are idempotent on it.',
  })
  @Column({ name: 'external_id', type: 'text', nullable: true })
  externalId: string | null;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'is_gold', type: 'boolean', default: false })
  isGold: boolean;

  /** Label keys of the known answer (one for single choice); null when not gold. */
  @Column({ name: 'gold_labels', type: 'text', array: true, nullable: true })
  goldLabels: string[] | null;

  /** A structured kind's gold answer, in the kind's answer shape; null when not gold. */
  @Column({ name: 'gold_answer', type: 'jsonb', nullable: true })
  goldAnswer: Record<string, unknown> | null;

  @Field(() => TaskStatus)
  @Column({ type: 'text', default: TaskStatus.OPEN })
  status: TaskStatus;

  @Column({ name: 'live_assignments', type: 'integer', default: 0 })
  liveAssignments: number;

  @Column({ name: 'counted_answers', type: 'integer', default: 0 })
  countedAnswers: number;

  /** Current consensus label keys (null before any answer). */
  @Column({ name: 'consensus_labels', type: 'text', array: true, nullable: true })
  consensusLabels: string[] | null;

  /** A structured kind's consensus answer (batch aggregation); null for the choice kinds. */
  @Column({ name: 'consensus_answer', type: 'jsonb', nullable: true })
  consensusAnswer: Record<string, unknown> | null;

  @Column({ name: 'consensus_confidence', type: 'double precision', nullable: true })
  consensusConfidence: number | null;

  /** Posterior over the schema's labels, in schema order. */
  @Column({ name: 'posterior', type: 'double precision', array: true, nullable: true })
  posterior: number[] | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Distinct workers the task was leased to (a gold task's exposure; see gold-exposure.ts). */
  @Column({ name: 'served_workers', type: 'integer', default: 0 })
  servedWorkers: number;

  /** When its owner retired this gold task (it is no longer served); null while in service. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
