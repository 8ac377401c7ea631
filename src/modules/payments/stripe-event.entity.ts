import { Entity, PrimaryColumn } from 'typeorm';
import { TextColumn, TimestampColumn } from '../../db/columns';

/**
 * Every Stripe event the webhook accepted, keyed by Stripe's event id: inserting the id in the
 * same transaction as the event's effects makes each event count once, however often and in
 * whatever order Stripe delivers it.
 */
@Entity({ name: 'stripe_events' })
export class StripeEvent {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @TextColumn()
  type: string;

  /** Connected account the event came from (Connect events), if any. */
  @TextColumn({ nullable: true })
  account: string | null;

  /** `event.created` from Stripe. */
  @TimestampColumn()
  stripeCreatedAt: Date;

  @TimestampColumn()
  receivedAt: Date;

  /** What we did: `processed`, or `ignored` for types we do not handle. */
  @TextColumn()
  outcome: string;
}
