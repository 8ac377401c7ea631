import { ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { AppEntity } from '../../db/app-entity';
import { User } from '../auth/user.entity';
import { BoolField, ForeignKey, TextColumn, TextField, UuidColumn } from '../../db/columns';

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
  @UuidColumn()
  userId: string;

  @ForeignKey(() => User, 'RESTRICT')
  user?: User;

  @TextColumn()
  stripeAccountId: string;

  @BoolField({
    default: false,
    description: 'Stripe can move money to this account (transfers capability active).',
  })
  payoutsEnabled: boolean;

  @BoolField({ default: false, description: 'Onboarding details were submitted to Stripe.' })
  detailsSubmitted: boolean;

  /** Last bank payout failure Stripe reported for this account (payout.failed). */
  @TextField({ nullable: true })
  lastPayoutFailure: string | null;
}
