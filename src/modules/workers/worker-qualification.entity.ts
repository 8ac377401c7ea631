import { Check, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { QualificationStatus } from './qualification.types';
import { IntColumn, TextColumn, TimestampColumn, UuidColumn } from '../../db/columns';

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
  @UuidColumn()
  projectId: string;

  @UuidColumn()
  workerId: string;

  @IntColumn()
  attempt: number;

  @TextColumn()
  status: QualificationStatus;

  /** Training answers that matched the gold answer in this attempt. */
  @IntColumn({ default: 0 })
  correct: number;

  /** Training answers submitted in this attempt. */
  @IntColumn({ default: 0 })
  answered: number;

  @TimestampColumn()
  startedAt: Date;

  @TimestampColumn({ nullable: true })
  finishedAt: Date | null;

  /** FAILED only: no task of the project before this instant, then a new attempt may start. */
  @TimestampColumn({ nullable: true })
  retryAfter: Date | null;
}
