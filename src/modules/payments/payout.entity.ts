import { AmountEntity } from './amount.entity';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../auth/user.entity';
import { minorAmountTransformer } from '../ledger/minor-amount.transformer';
import { PayoutStatus } from './payments.types';

/**
 * Money on its way from a worker's earned balance to their Stripe connected account, exactly
 * once. Created PENDING in one transaction together with the PAYOUT_RESERVE posting (earned →
 * payout pending); Stripe is called after that commit, never inside a transaction, with the
 * idempotency key `quorum-payout-<id>` and `transfer_group` `payout_<id>`, so any retry — after a
 * timeout, a 500, a crash — either replays the same transfer or finds it by its group.
 * At most one PENDING payout per worker and currency.
 */
@Entity({ name: 'payouts' })
@ObjectType({ description: 'A transfer of earnings to a worker.' })
@Index('payouts_worker_idx', ['workerId', 'createdAt'])
@Index('payouts_one_pending_key', ['workerId', 'currency'], {
  unique: true,
  where: `"status" = 'PENDING'`,
})
@Index('payouts_pending_idx', ['sendAfter'], { where: `"status" = 'PENDING'` })
@Index('payouts_transfer_key', ['transferId'], { unique: true })
@Check('payouts_amount_check', '"amount" > 0')
@Check('payouts_amount_reversed_check', '"amount_reversed" >= 0 AND "amount_reversed" <= "amount"')
export class Payout extends AmountEntity {
  @Field()
  @Column({ name: 'worker_id', type: 'uuid' })
  workerId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'worker_id' })
  worker?: User;

  @Field(() => PayoutStatus)
  @Column({ type: 'text', default: PayoutStatus.PENDING })
  status: PayoutStatus;

  /** Stripe connected account (null offline: paid by hand). */
  @Column({ name: 'destination_account_id', type: 'text', nullable: true })
  destinationAccountId: string | null;

  /** The Stripe transfer, once known. */
  @Column({ name: 'transfer_id', type: 'text', nullable: true })
  transferId: string | null;

  @Field(() => Int)
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Not sent again before this: set while a sender holds it, and after a retryable failure. */
  @Column({ name: 'send_after', type: 'timestamptz', precision: 3 })
  sendAfter: Date;

  @Field(() => String, { nullable: true })
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'paid_at', type: 'timestamptz', precision: 3, nullable: true })
  paidAt: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'failed_at', type: 'timestamptz', precision: 3, nullable: true })
  failedAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  /** Reversed so far (Stripe can reverse part of a transfer); returned to earned. */
  @Field(() => GraphQLSafeInt)
  @Column({
    name: 'amount_reversed',
    type: 'bigint',
    default: 0,
    transformer: minorAmountTransformer,
  })
  amountReversed: number;

  /** Manual payouts: the admin's reference (bank transfer id, ...). */
  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  reference: string | null;

  /** Admin who created the run; null for the schedule. */
  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;
}
