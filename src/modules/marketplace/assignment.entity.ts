import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { User } from '../auth/user.entity';
import { Task } from './task.entity';
import { AssignmentStatus, ReturnReason } from './assignment.types';
import {
  BoolField,
  FloatField,
  ForeignKey,
  IdField,
  IntField,
  TextField,
  TimestampField,
} from '../../db/columns';

/**
 * One worker's lease on one task, and later their answer (MTurk assignment). The unique
 * (task, worker) key is the database's guarantee that a worker never holds or answers the same
 * task twice (DESIGN.md promise 1), whatever the concurrency.
 *
 * `counted` says whether the answer takes a slot of the task's overlap and enters aggregation:
 * true from submission, false again after a rejection or an exclusion.
 */
@Entity({ name: 'assignments' })
@ObjectType({
  description:
    'An assignment as its project’s owner and admins see it (workers get `WorkerAssignment`).',
})
@Check(
  'assignments_return_reason_check',
  `"return_reason" IN ('SKIPPED', 'UNCLEAR_INSTRUCTIONS', 'BROKEN_CONTENT', 'UNSURE', 'OFFENSIVE')`,
)
@Index('assignments_task_worker_key', ['taskId', 'workerId'], { unique: true })
@Index('assignments_worker_status_idx', ['workerId', 'status'])
@Index('assignments_project_status_idx', ['projectId', 'status'])
@Index('assignments_task_idx', ['taskId'])
// The submit's "answers since the last fit" count (online aggregation), migration 1796000002200.
@Index('assignments_recent_answers_idx', ['projectId', 'submittedAt'], {
  where: `"counted" AND "answer_labels" IS NOT NULL`,
})
export class Assignment extends ProjectOwnedEntity {
  @IdField()
  taskId: string;

  @ForeignKey(() => Task, 'CASCADE')
  task?: Task;

  @IdField()
  workerId: string;

  @ForeignKey(() => User, 'RESTRICT')
  worker?: User;

  @Field(() => AssignmentStatus)
  @Column({ type: 'text', default: AssignmentStatus.LEASED })
  status: AssignmentStatus;

  @TimestampField()
  leasedAt: Date;

  @Index('assignments_leased_expiry_idx', { where: `"status" = 'LEASED'` })
  @TimestampField({ description: 'The lease ends here unless submitted or returned before.' })
  expiresAt: Date;

  @TimestampField({ nullable: true })
  submittedAt: Date | null;

  /** When a SUBMITTED assignment is approved automatically. */
  @Index('assignments_auto_approve_idx', { where: `"status" = 'SUBMITTED'` })
  @TimestampField({ nullable: true })
  autoApproveAt: Date | null;

  @TimestampField({ nullable: true })
  reviewedAt: Date | null;

  /** Requester or admin who reviewed; null for automatic approval. */
  @IdField({ nullable: true })
  reviewedBy: string | null;

  @TextField({ nullable: true })
  rejectionReason: string | null;

  @Field(() => ReturnReason, {
    nullable: true,
    description: 'Why the worker gave the task back, when they said (RETURNED only).',
  })
  @Column({ name: 'return_reason', type: 'text', nullable: true })
  returnReason: ReturnReason | null;

  /** Label keys answered (one for single choice). */
  @TextField({ nullable: true, array: true, description: 'The answer: label keys.' })
  answerLabels: string[] | null;

  /** A structured kind's answer, as its `validateAnswer` returned it (docs/kinds.md). */
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The answer of a structured kind (spans, boxes, rating, pairwise); null for the choice kinds.',
  })
  @Column({ type: 'jsonb', nullable: true })
  answer: Record<string, unknown> | null;

  @IntField({ description: 'Label schema version the answer was given under.' })
  schemaVersion: number;

  @IntField({ nullable: true, description: 'Time the client says the worker spent.' })
  clientDurationMs: number | null;

  @IntField({
    nullable: true,
    description: 'Time between lease and submission, measured by the server.',
  })
  serverDurationMs: number | null;

  @BoolField({
    default: false,
    description: 'Whether the answer takes an overlap slot and enters aggregation.',
  })
  counted: boolean;

  /** Copied from the task at lease time; never exposed to workers. */
  @BoolField({ default: false })
  isGold: boolean;

  /** Whether a gold answer matched the known label; null for non-gold or unanswered. */
  @BoolField({ nullable: true })
  goldCorrect: boolean | null;

  /** A gold answer's score in [0, 1] (the kind's `scoreGold`: F1 for spans and boxes). */
  @FloatField({ nullable: true })
  goldScore: number | null;

  /** Reward promised at lease time, in minor units of `currency`. */
  @IntField()
  rewardAmount: number;

  @TextField()
  currency: string;

  /** Set when an admin excluded this answer from aggregation (it stays stored). */
  @TimestampField({ nullable: true })
  excludedAt: Date | null;
}
