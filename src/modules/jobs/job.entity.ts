import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';

export enum JobStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}

/**
 * Deferred work (aggregation runs, payouts, pre-labeling), kept in the database so it survives
 * restarts and works the same on PostgreSQL and the embedded database. Claimed with
 * `FOR UPDATE SKIP LOCKED`, so several API processes can share the queue.
 */
@Entity({ name: 'jobs' })
@Index('jobs_due_idx', ['runAt'], { where: `"status" = 'PENDING'` })
@Index('jobs_running_lock_idx', ['lockedUntil'], { where: `"status" = 'RUNNING'` })
@Index('jobs_unique_pending_key', ['uniqueKey'], {
  unique: true,
  where: `"unique_key" IS NOT NULL AND "status" IN ('PENDING', 'RUNNING')`,
})
export class Job extends AppEntity {
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb', default: {} })
  payload: Record<string, unknown>;

  @Column({ type: 'text', default: JobStatus.PENDING })
  status: JobStatus;

  @Column({ name: 'run_at', type: 'timestamptz', precision: 3 })
  runAt: Date;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'max_attempts', type: 'integer', default: 5 })
  maxAttempts: number;

  /** At most one pending or running job per key (e.g. one refit per project at a time). */
  @Column({ name: 'unique_key', type: 'text', nullable: true })
  uniqueKey: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** A RUNNING job whose lock passed this time is considered crashed and runs again. */
  @Column({ name: 'locked_until', type: 'timestamptz', precision: 3, nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;
}
