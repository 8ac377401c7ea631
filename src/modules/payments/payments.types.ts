import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';
import { registerEnumType } from 'type-graphql';

/** How a requester's money arrives. */
export enum FundingMethod {
  /** Stripe PaymentIntent, confirmed by the client with Stripe.js. */
  PAYMENT_INTENT = 'PAYMENT_INTENT',
  /** Stripe-hosted Checkout page. */
  CHECKOUT_SESSION = 'CHECKOUT_SESSION',
  /** Recorded by an admin (offline mode, bank transfers, invoices). */
  MANUAL = 'MANUAL',
}
registerEnumType(FundingMethod, { name: 'FundingMethod' });

/** PENDING → SUCCEEDED (credited, once) / FAILED / EXPIRED. */
export const FundingStatus = graphqlEnum('FundingStatus', [
  'PENDING',
  'SUCCEEDED',
  'FAILED',
  'EXPIRED',
]);
export type FundingStatus = EnumValue<typeof FundingStatus>;

/**
 * PENDING (earnings moved to payout pending; transfer not confirmed) → PAID (transfer created, or
 * marked paid by hand) → REVERSED (Stripe reversed it; money back in earned). PENDING → FAILED
 * (Stripe refused the transfer; money back in earned).
 */
export const PayoutStatus = graphqlEnum('PayoutStatus', ['PENDING', 'PAID', 'FAILED', 'REVERSED']);
export type PayoutStatus = EnumValue<typeof PayoutStatus>;
