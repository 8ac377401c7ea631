import { AmountEntity } from './amount.entity';
import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { User } from '../auth/user.entity';
import { minorAmountTransformer } from '../ledger/minor-amount.transformer';
import { PayoutStatus } from './payments.types';
import {
  ForeignKey,
  IntField,
  TextColumn,
  TextField,
  TimestampColumn,
  TimestampField,
  UuidColumn,
} from '../../db/columns';

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

  @ForeignKey(() => User, 'RESTRICT')
  worker?: User;

  @Field(() => PayoutStatus)
  @Column({ type: 'text', default: PayoutStatus.PENDING })
  status: PayoutStatus;

  /** Stripe connected account (null offline: paid by hand). */
  @TextColumn({ nullable: true })
  destinationAccountId: string | null;

  /** The Stripe transfer, once known. */
  @TextColumn({ nullable: true })
  transferId: string | null;

  @IntField({ default: 0 })
  attempts: number;

  /** Not sent again before this: set while a sender holds it, and after a retryable failure. */
  @TimestampColumn()
  sendAfter: Date;

  @TextField({ nullable: true })
  lastError: string | null;

  @TimestampField({ nullable: true })
  paidAt: Date | null;

  @TimestampField({ nullable: true })
  failedAt: Date | null;

  @TextField({ nullable: true })
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
  @TextField({ nullable: true })
  reference: string | null;

  /** Admin who created the run; null for the schedule. */
  @UuidColumn({ nullable: true })
  createdBy: string | null;
}
