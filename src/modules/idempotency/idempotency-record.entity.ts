import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { TextColumn, UuidColumn } from '../../db/columns';

/**
 * The first outcome of a mutation called with an `idempotencyKey`: a repeat with the same key
 * and the same parameters returns it; a repeat with other parameters is refused. Scoped per user
 * and per operation, like Stripe's keys are scoped per account.
 */
@Entity({ name: 'idempotency_records' })
@Index('idempotency_records_key', ['userId', 'operation', 'key'], { unique: true })
export class IdempotencyRecord extends AppEntity {
  @UuidColumn()
  userId: string;

  @TextColumn()
  operation: string;

  @TextColumn()
  key: string;

  /** SHA-256 of the canonical JSON of the parameters. */
  @TextColumn()
  requestHash: string;

  /** What the first call produced: the ids needed to rebuild its answer. */
  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;
}
