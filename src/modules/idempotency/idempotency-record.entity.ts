import { Column, Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';

/**
 * The first outcome of a mutation called with an `idempotencyKey`: a repeat with the same key
 * and the same parameters returns it; a repeat with other parameters is refused. Scoped per user
 * and per operation, like Stripe's keys are scoped per account.
 */
@Entity({ name: 'idempotency_records' })
@Index('idempotency_records_key', ['userId', 'operation', 'key'], { unique: true })
export class IdempotencyRecord extends AppEntity {
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  operation: string;

  @Column({ type: 'text' })
  key: string;

  /** SHA-256 of the canonical JSON of the parameters. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  /** What the first call produced: the ids needed to rebuild its answer. */
  @Column({ type: 'jsonb', nullable: true })
  result: Record<string, unknown> | null;
}
