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
export enum FundingStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(FundingStatus, { name: 'FundingStatus' });

/**
 * PENDING (earnings moved to payout pending; transfer not confirmed) → PAID (transfer created, or
 * marked paid by hand) → REVERSED (Stripe reversed it; money back in earned). PENDING → FAILED
 * (Stripe refused the transfer; money back in earned).
 */
export enum PayoutStatus {
  PENDING = 'PENDING',
  PAID = 'PAID',
  FAILED = 'FAILED',
  REVERSED = 'REVERSED',
}
registerEnumType(PayoutStatus, { name: 'PayoutStatus' });
