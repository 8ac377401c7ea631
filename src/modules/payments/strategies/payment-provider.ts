/** A payment into a requester's balance: one funding. */
export interface PaymentIntentRequest {
  fundingId: string;
  requesterId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
}

/** A funding paid on Stripe's Checkout page, which sends the payer back to one of the URLs. */
export interface CheckoutSessionRequest extends PaymentIntentRequest {
  successUrl: string;
  cancelUrl: string;
}

export interface ConnectedAccountRequest {
  userId: string;
  email: string;
  idempotencyKey: string;
}

export interface AccountLinkRequest {
  accountId: string;
  refreshUrl: string;
  returnUrl: string;
}

export interface TransferRequest {
  payoutId: string;
  destination: string;
  amount: number;
  currency: string;
  transferGroup: string;
  idempotencyKey: string;
}

export interface TransferReversalRequest {
  transferId: string;
  idempotencyKey: string;
}

/**
 * Where money enters and leaves Quorum. Configured in `payments.wiring.ts`: `StripePaymentProvider`
 * when STRIPE_SECRET_KEY is set, `OfflinePaymentProvider` otherwise (admins record fundings and
 * mark payouts paid by hand). Only `stripe-payment-provider.ts` imports the Stripe SDK.
 *
 * Every call that creates something takes an `idempotencyKey` derived from our own ids, so a
 * retry after a timeout, a 500 or a crash can never create it twice. Implementations never run
 * inside a database transaction: callers commit first, call the provider, and record the
 * outcome in a second transaction.
 */
export interface PaymentProvider {
  /** `stripe` or `offline`. */
  readonly name: string;
  /** False: nothing can be sent; funding and payouts are recorded by hand. */
  readonly online: boolean;

  createPaymentIntent(
    request: PaymentIntentRequest,
  ): Promise<{ id: string; clientSecret: string | null }>;

  createCheckoutSession(
    request: CheckoutSessionRequest,
  ): Promise<{ id: string; url: string | null }>;

  /** The PaymentIntent as Stripe has it now (webhooks re-read instead of trusting the payload). */
  retrievePaymentIntent(id: string): Promise<ProviderPaymentIntent>;
  retrieveCheckoutSession(id: string): Promise<ProviderCheckoutSession>;

  /** A connected account for a worker (platform controls fees and losses; Express dashboard). */
  createConnectedAccount(request: ConnectedAccountRequest): Promise<{ accountId: string }>;
  /** A one-time onboarding link for `accountId`. */
  createAccountLink(request: AccountLinkRequest): Promise<{ url: string; expiresAt: Date }>;
  retrieveAccount(accountId: string): Promise<ProviderAccount>;

  /** Moves `amount` to a connected account; `transferGroup` lets a retry find it again. */
  createTransfer(request: TransferRequest): Promise<ProviderTransfer>;
  /** The transfers made with `transferGroup` (at most one, if our keys did their job). */
  findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]>;
  retrieveTransfer(id: string): Promise<ProviderTransfer>;
  /** Reverses what is left of a transfer (money comes back to the platform). */
  reverseTransfer(request: TransferReversalRequest): Promise<ProviderTransfer>;

  /** Every balance transaction created at or after `since` (all when null), newest first. */
  listBalanceTransactions(since: Date | null): AsyncIterable<ProviderBalanceTransaction>;

  /**
   * Verifies a webhook's signature over the raw body and returns the event. Throws
   * `WebhookSignatureError` for a bad or missing signature or a timestamp older than the
   * tolerance (300 s) at `receivedAt`.
   */
  verifyWebhook(
    rawBody: Buffer,
    signatureHeader: string | undefined,
    receivedAt: Date,
  ): ProviderEvent;
}

export interface ProviderPaymentIntent {
  readonly id: string;
  /** `succeeded` once paid. */
  readonly status: string;
  readonly amountReceived: number;
  readonly currency: string;
  readonly metadata: Record<string, string>;
  readonly latestChargeId: string | null;
  readonly failureMessage: string | null;
}

export interface ProviderCheckoutSession {
  readonly id: string;
  /** `open`, `complete` or `expired`. */
  readonly status: string | null;
  /** `paid` once paid. */
  readonly paymentStatus: string;
  readonly amountTotal: number | null;
  readonly currency: string | null;
  readonly metadata: Record<string, string>;
  readonly paymentIntentId: string | null;
}

export interface ProviderAccount {
  readonly id: string;
  /** The account can receive transfers from the platform (`capabilities.transfers` active). */
  readonly transfersActive: boolean;
  readonly payoutsEnabled: boolean;
  readonly detailsSubmitted: boolean;
}

export interface ProviderTransfer {
  readonly id: string;
  readonly amount: number;
  readonly amountReversed: number;
  readonly currency: string;
  readonly destination: string | null;
  readonly transferGroup: string | null;
  readonly metadata: Record<string, string>;
}

export interface ProviderBalanceTransaction {
  readonly id: string;
  /** `charge`, `payment`, `transfer`, `transfer_refund`, ... */
  readonly type: string;
  /** Signed, from the platform's point of view: charges positive, transfers negative. */
  readonly amount: number;
  readonly fee: number;
  readonly currency: string;
  /** The object behind it: ch_… for a charge, tr_… for a transfer and for a transfer's reversal. */
  readonly sourceId: string | null;
  readonly created: Date;
}

/** A verified webhook event: just what the webhook service needs. */
export interface ProviderEvent {
  readonly id: string;
  readonly type: string;
  readonly created: Date;
  /** Connected account for Connect events. */
  readonly account: string | null;
  readonly object: Record<string, unknown>;
}

/** A failed provider call. `retryable`: the same call with the same key may succeed later. */
export class PaymentProviderFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly providerCode: string | null = null,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'PaymentProviderFailure';
  }
}

/** A webhook whose signature or timestamp does not verify: answered 400, nothing written. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/**
 * A correctly signed delivery that is not a well-formed event (no id, no object, text
 * PostgreSQL cannot store). Answered 400: retrying the same bytes can never succeed.
 */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookPayloadError';
  }
}
