import { CreatedEntity } from '../../db/app-entity';
import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index } from 'typeorm';
import { LedgerTransactionKind } from './ledger.types';
import { IdField, TextColumn, TextField, UuidColumn } from '../../db/columns';

/**
 * One business event that moved money: its entries (`ledger_entries`) sum to zero per currency,
 * which a deferred constraint trigger checks at COMMIT. Append-only: triggers refuse UPDATE,
 * DELETE and TRUNCATE.
 *
 * `uniqueKey` makes a posting happen at most once (`approval:<assignmentId>`,
 * `funding:<fundingId>`, `payout-settle:<payoutId>`, ...); on top of it, the partial unique index
 * on `assignment_id` for approvals is the database's promise that an assignment is paid once.
 * The references (`projectId`, `assignmentId`, `payoutId`, `userId`) are an audit trail without
 * foreign keys, so history never blocks or follows a delete elsewhere.
 */
@Entity({ name: 'ledger_transactions' })
@ObjectType({ description: 'One event that moved money; its entries sum to zero.' })
@Index('ledger_transactions_unique_key', ['uniqueKey'], { unique: true })
@Index('ledger_transactions_approval_key', ['assignmentId'], {
  unique: true,
  where: `"kind" = 'ASSIGNMENT_APPROVAL'`,
})
@Index('ledger_transactions_project_idx', ['projectId', 'kind'])
@Index('ledger_transactions_payout_idx', ['payoutId'])
@Index('ledger_transactions_external_ref_idx', ['externalRef'])
export class LedgerTransaction extends CreatedEntity {
  @Field(() => LedgerTransactionKind)
  @Column({ type: 'text' })
  kind: LedgerTransactionKind;

  /** At most one transaction per key (see the class comment). */
  @TextColumn({ nullable: true })
  uniqueKey: string | null;

  @TextField({ description: 'Human-readable reason (a bonus carries the requester’s reason).' })
  description: string;

  @IdField({ nullable: true })
  projectId: string | null;

  @IdField({ nullable: true })
  assignmentId: string | null;

  @IdField({ nullable: true })
  payoutId: string | null;

  /** The requester or worker the transaction is about. */
  @UuidColumn({ nullable: true })
  userId: string | null;

  /** Who caused it (an admin recording a funding, a requester awarding a bonus); null for the system. */
  @UuidColumn({ nullable: true })
  actorId: string | null;

  /** The provider object behind it (PaymentIntent, Checkout Session, Transfer id), for reconciliation. */
  @TextColumn({ nullable: true })
  externalRef: string | null;
}
