import { ProjectOwnedEntity } from '../projects/project-owned.entity';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../auth/user.entity';
import { Task } from './task.entity';
import { AssignmentStatus, ReturnReason } from './assignment.types';

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
export class Assignment extends ProjectOwnedEntity {
  @Field(() => ID)
  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @ManyToOne(() => Task, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: Task;

  @Field(() => ID)
  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'worker_id' })
  worker?: User;

  @Field(() => AssignmentStatus)
  @Column({ type: 'text', default: AssignmentStatus.LEASED })
  status: AssignmentStatus;

  @Field()
  @Column({ name: 'leased_at', type: 'timestamptz', precision: 3 })
  leasedAt: Date;

  @Field({ description: 'The lease ends here unless submitted or returned before.' })
  @Index('assignments_leased_expiry_idx', { where: `"status" = 'LEASED'` })
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'submitted_at', type: 'timestamptz', precision: 3, nullable: true })
  submittedAt: Date | null;

  /** When a SUBMITTED assignment is approved automatically. */
  @Field(() => Date, { nullable: true })
  @Index('assignments_auto_approve_idx', { where: `"status" = 'SUBMITTED'` })
  @Column({ name: 'auto_approve_at', type: 'timestamptz', precision: 3, nullable: true })
  autoApproveAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'reviewed_at', type: 'timestamptz', precision: 3, nullable: true })
  reviewedAt: Date | null;

  /** Requester or admin who reviewed; null for automatic approval. */
  @Field(() => ID, { nullable: true })
  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Field(() => ReturnReason, {
    nullable: true,
    description: 'Why the worker gave the task back, when they said (RETURNED only).',
  })
  @Column({ name: 'return_reason', type: 'text', nullable: true })
  returnReason: ReturnReason | null;

  /** Label keys answered (one for single choice). */
  @Field(() => [String], { nullable: true, description: 'The answer: label keys.' })
  @Column({ name: 'answer_labels', type: 'text', array: true, nullable: true })
  answerLabels: string[] | null;

  @Field(() => Int, { description: 'Label schema version the answer was given under.' })
  @Column({ name: 'schema_version', type: 'integer' })
  schemaVersion: number;

  @Field(() => Int, { nullable: true, description: 'Time the client says the worker spent.' })
  @Column({ name: 'client_duration_ms', type: 'integer', nullable: true })
  clientDurationMs: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Time between lease and submission, measured by the server.',
  })
  @Column({ name: 'server_duration_ms', type: 'integer', nullable: true })
  serverDurationMs: number | null;

  @Field({ description: 'Whether the answer takes an overlap slot and enters aggregation.' })
  @Column({ type: 'boolean', default: false })
  counted: boolean;

  /** Copied from the task at lease time; never exposed to workers. */
  @Field()
  @Column({ name: 'is_gold', type: 'boolean', default: false })
  isGold: boolean;

  /** Whether a gold answer matched the known label; null for non-gold or unanswered. */
  @Field(() => Boolean, { nullable: true })
  @Column({ name: 'gold_correct', type: 'boolean', nullable: true })
  goldCorrect: boolean | null;

  /** Reward promised at lease time, in minor units of `currency`. */
  @Field(() => Int)
  @Column({ name: 'reward_amount', type: 'integer' })
  rewardAmount: number;

  @Field()
  @Column({ type: 'text' })
  currency: string;

  /** Set when an admin excluded this answer from aggregation (it stays stored). */
  @Field(() => Date, { nullable: true })
  @Column({ name: 'excluded_at', type: 'timestamptz', precision: 3, nullable: true })
  excludedAt: Date | null;
}
