import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Every Stripe event the webhook accepted, keyed by Stripe's event id: inserting the id in the
 * same transaction as the event's effects makes each event count once, however often and in
 * whatever order Stripe delivers it.
 */
@Entity({ name: 'stripe_events' })
export class StripeEvent {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  type: string;

  /** Connected account the event came from (Connect events), if any. */
  @Column({ type: 'text', nullable: true })
  account: string | null;

  /** `event.created` from Stripe. */
  @Column({ name: 'stripe_created_at', type: 'timestamptz', precision: 3 })
  stripeCreatedAt: Date;

  @Column({ name: 'received_at', type: 'timestamptz', precision: 3 })
  receivedAt: Date;

  /** What we did: `processed`, or `ignored` for types we do not handle. */
  @Column({ type: 'text' })
  outcome: string;
}
