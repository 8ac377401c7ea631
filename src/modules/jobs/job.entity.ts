import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { IntColumn, TextColumn, TimestampColumn } from '../../db/columns';

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
  @TextColumn()
  name: string;

  @Column({ type: 'jsonb', default: {} })
  payload: Record<string, unknown>;

  @TextColumn({ default: JobStatus.PENDING })
  status: JobStatus;

  @TimestampColumn()
  runAt: Date;

  @IntColumn({ default: 0 })
  attempts: number;

  @IntColumn({ default: 5 })
  maxAttempts: number;

  /** At most one pending or running job per key (e.g. one refit per project at a time). */
  @TextColumn({ nullable: true })
  uniqueKey: string | null;

  @TextColumn({ nullable: true })
  lastError: string | null;

  /** A RUNNING job whose lock passed this time is considered crashed and runs again. */
  @TimestampColumn({ nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;
}
