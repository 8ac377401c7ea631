import { AmountEntity } from './amount.entity';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index } from 'typeorm';
import { User } from '../auth/user.entity';
import { FundingMethod, FundingStatus } from './payments.types';
import { ForeignKey, TextColumn, TextField, TimestampField, UuidColumn } from '../../db/columns';

/**
 * Money a requester pays in. A Stripe funding is credited to REQUESTER_AVAILABLE only when the
 * signed webhook (payment_intent.succeeded / checkout.session.completed) arrives and the object
 * re-read from Stripe says it is paid — never on the client's word — and exactly once (ledger
 * key `funding:<id>`). A manual funding is recorded and credited by an admin in one step.
 */
@Entity({ name: 'fundings' })
@ObjectType({ description: 'Money paid in by a requester.' })
@Index('fundings_requester_idx', ['requesterId', 'createdAt'])
@Index('fundings_provider_ref_key', ['providerRef'], { unique: true })
@Check('fundings_amount_check', '"amount" > 0')
export class Funding extends AmountEntity {
  @UuidColumn()
  requesterId: string;

  @ForeignKey(() => User, 'RESTRICT')
  requester?: User;

  @Field(() => FundingMethod)
  @Column({ type: 'text' })
  method: FundingMethod;

  @Field(() => FundingStatus)
  @Column({ type: 'text', default: FundingStatus.PENDING })
  status: FundingStatus;

  /** PaymentIntent or Checkout Session id; null until Stripe answered (and for manual ones). */
  @TextColumn({ nullable: true })
  providerRef: string | null;

  /** The PaymentIntent that paid (a Checkout Session creates one when the customer pays). */
  @TextColumn({ nullable: true })
  paymentIntentId: string | null;

  /** The charge behind the payment: what Stripe's balance transactions point at. */
  @TextColumn({ nullable: true })
  chargeId: string | null;

  /** For Stripe.js to confirm a PaymentIntent; only its requester ever reads it. */
  @TextColumn({ nullable: true })
  clientSecret: string | null;

  @TextField({ nullable: true, description: 'Stripe Checkout page to send the payer to.' })
  checkoutUrl: string | null;

  @TextField({ nullable: true, description: 'Manual fundings: the admin’s reference.' })
  reference: string | null;

  /** The admin who recorded a manual funding. */
  @UuidColumn({ nullable: true })
  recordedBy: string | null;

  @TimestampField({ nullable: true })
  succeededAt: Date | null;

  @TextField({ nullable: true })
  failureMessage: string | null;
}
