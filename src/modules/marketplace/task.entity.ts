import { Field, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Check, Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { Project } from '../projects/project.entity';
import { TaskStatus } from './task.types';
import {
  BoolColumn,
  FloatColumn,
  ForeignKey,
  IntColumn,
  TextColumn,
  TextField,
  UuidColumn,
} from '../../db/columns';

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
@Index('tasks_project_serve_idx', [
  'projectId',
  'status',
  'isGold',
  'countedAnswers',
  'servePriority',
  'id',
])
@Check('tasks_live_assignments_check', '"live_assignments" >= 0 AND "counted_answers" >= 0')
export class Task extends AppEntity {
  @UuidColumn()
  projectId: string;

  @ForeignKey(() => Project, 'CASCADE')
  project?: Project;

  @TextField({
    nullable: true,
    description: 'The requester’s own id; imports are idempotent on it.',
  })
  externalId: string | null;

  @Field(() => GraphQLJSONObject)
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @BoolColumn({ default: false })
  isGold: boolean;

  /** Label keys of the known answer (one for single choice); null when not gold. */
  @TextColumn({ nullable: true, array: true })
  goldLabels: string[] | null;

  /** A structured kind's gold answer, in the kind's answer shape; null when not gold. */
  @Column({ name: 'gold_answer', type: 'jsonb', nullable: true })
  goldAnswer: Record<string, unknown> | null;

  @Field(() => TaskStatus)
  @Column({ type: 'text', default: TaskStatus.OPEN })
  status: TaskStatus;

  @IntColumn({ default: 0 })
  liveAssignments: number;

  @IntColumn({ default: 0 })
  countedAnswers: number;

  /** Current consensus label keys (null before any answer). */
  @TextColumn({ nullable: true, array: true })
  consensusLabels: string[] | null;

  /** A structured kind's consensus answer (batch aggregation); null for the choice kinds. */
  @Column({ name: 'consensus_answer', type: 'jsonb', nullable: true })
  consensusAnswer: Record<string, unknown> | null;

  @FloatColumn({ nullable: true })
  consensusConfidence: number | null;

  /** Posterior over the schema's labels, in schema order. */
  @FloatColumn({ nullable: true, array: true })
  posterior: number[] | null;

  /**
   * Serving order among a project's open tasks with as many counted answers (lower first, see
   * docs/leasing.md): the posterior's margin, top minus second label, so the least decided task
   * gets the next answer; 0 before any answer. Written with the posterior by the online
   * posterior and the refit (aggregation's column grant), never by marketplace code.
   */
  @FloatColumn({ default: 0 })
  servePriority: number;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Distinct workers the task was leased to (a gold task's exposure; see gold-exposure.ts). */
  @IntColumn({ default: 0 })
  servedWorkers: number;

  /** When its owner retired this gold task (it is no longer served); null while in service. */
  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;
}
