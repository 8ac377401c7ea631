import { AmountEntity } from './amount.entity';
import { Field, ObjectType } from 'type-graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../auth/user.entity';
import { FundingMethod, FundingStatus } from './payments.types';

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
  @Column({ name: 'requester_id', type: 'uuid' })
  requesterId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'requester_id' })
  requester?: User;

  @Field(() => FundingMethod)
  @Column({ type: 'text' })
  method: FundingMethod;

  @Field(() => FundingStatus)
  @Column({ type: 'text', default: FundingStatus.PENDING })
  status: FundingStatus;

  /** PaymentIntent or Checkout Session id; null until Stripe answered (and for manual ones). */
  @Column({ name: 'provider_ref', type: 'text', nullable: true })
  providerRef: string | null;

  /** The PaymentIntent that paid (a Checkout Session creates one when the customer pays). */
  @Column({ name: 'payment_intent_id', type: 'text', nullable: true })
  paymentIntentId: string | null;

  /** The charge behind the payment: what Stripe's balance transactions point at. */
  @Column({ name: 'charge_id', type: 'text', nullable: true })
  chargeId: string | null;

  /** For Stripe.js to confirm a PaymentIntent; only its requester ever reads it. */
  @Column({ name: 'client_secret', type: 'text', nullable: true })
  clientSecret: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Stripe Checkout page to send the payer to.',
  })
  @Column({ name: 'checkout_url', type: 'text', nullable: true })
  checkoutUrl: string | null;

  @Field(() => String, { nullable: true, description: 'Manual fundings: the admin’s reference.' })
  @Column({ type: 'text', nullable: true })
  reference: string | null;

  /** The admin who recorded a manual funding. */
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ name: 'succeeded_at', type: 'timestamptz', precision: 3, nullable: true })
  succeededAt: Date | null;

  @Field(() => String, { nullable: true })
  @Column({ name: 'failure_message', type: 'text', nullable: true })
  failureMessage: string | null;
}
