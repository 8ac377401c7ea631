import { Check, Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { QualificationStatus } from './qualification.types';

/**
 * One attempt of one worker at a project's qualification (its training set of gold tasks).
 * Attempts are numbered from 1; a new one starts only after the previous FAILED attempt's
 * `retryAfter`. Private: workers see a summary through `myQualification`, never which of their
 * training answers were right.
 */
@Entity({ name: 'worker_qualifications' })
@Index('worker_qualifications_project_worker_attempt_key', ['projectId', 'workerId', 'attempt'], {
  unique: true,
})
@Index('worker_qualifications_worker_idx', ['workerId'])
@Check('worker_qualifications_status_check', `"status" IN ('IN_PROGRESS', 'PASSED', 'FAILED')`)
@Check(
  'worker_qualifications_counts_check',
  '"attempt" >= 1 AND "correct" >= 0 AND "answered" >= "correct"',
)
export class WorkerQualification extends AppEntity {
  @Column({ name: 'project_id', type: 'uuid' })
  projectId: string;

  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: 'text' })
  status: QualificationStatus;

  /** Training answers that matched the gold answer in this attempt. */
  @Column({ type: 'integer', default: 0 })
  correct: number;

  /** Training answers submitted in this attempt. */
  @Column({ type: 'integer', default: 0 })
  answered: number;

  @Column({ name: 'started_at', type: 'timestamptz', precision: 3 })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt: Date | null;

  /** FAILED only: no task of the project before this instant, then a new attempt may start. */
  @Column({ name: 'retry_after', type: 'timestamptz', precision: 3, nullable: true })
  retryAfter: Date | null;
}
