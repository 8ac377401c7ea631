import { Field, ObjectType } from 'type-graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';

/**
 * A worker's Stripe connected account (Express-style dashboard, platform-controlled fees and
 * losses, set through `controller`). `payoutsEnabled` follows the account as Stripe reports it on
 * `account.updated`, re-read from the API so late or out-of-order events cannot turn it back.
 */
@Entity({ name: 'payout_accounts' })
@ObjectType({ description: 'Your connected Stripe account for payouts.' })
@Index('payout_accounts_user_key', ['userId'], { unique: true })
@Index('payout_accounts_stripe_account_key', ['stripeAccountId'], { unique: true })
export class PayoutAccount extends AppEntity {
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'stripe_account_id', type: 'text' })
  stripeAccountId: string;

  @Field({ description: 'Stripe can move money to this account (transfers capability active).' })
  @Column({ name: 'payouts_enabled', type: 'boolean', default: false })
  payoutsEnabled: boolean;

  @Field({ description: 'Onboarding details were submitted to Stripe.' })
  @Column({ name: 'details_submitted', type: 'boolean', default: false })
  detailsSubmitted: boolean;

  /** Last bank payout failure Stripe reported for this account (payout.failed). */
  @Field(() => String, { nullable: true })
  @Column({ name: 'last_payout_failure', type: 'text', nullable: true })
  lastPayoutFailure: string | null;
}
