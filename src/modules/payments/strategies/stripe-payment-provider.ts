import Stripe from 'stripe';
import {
  type PaymentProvider,
  PaymentProviderFailure,
  type AccountLinkRequest,
  type CheckoutSessionRequest,
  type ConnectedAccountRequest,
  type PaymentIntentRequest,
  type ProviderAccount,
  type ProviderBalanceTransaction,
  type ProviderCheckoutSession,
  type ProviderEvent,
  type ProviderPaymentIntent,
  type ProviderTransfer,
  type TransferRequest,
  type TransferReversalRequest,
  WebhookPayloadError,
  WebhookSignatureError,
} from './payment-provider';
import { isStorableJson } from '../../../common/text';

/** What the Stripe provider needs from the configuration. */
export interface StripeProviderOptions {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** Test overrides: point the SDK at a Stripe-compatible server. */
  readonly apiHost?: string | null;
  readonly apiPort?: number | null;
  readonly apiProtocol?: 'http' | 'https' | null;
  /** Client timeout per call; a timed-out call is retryable with the same idempotency key. */
  readonly timeoutMs: number;
}

/** Stripe's default webhook tolerance: signatures older than this are refused. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The real Stripe, through the official SDK: the only file that imports `stripe`.
 *
 * The SDK's own retries are off (`maxNetworkRetries: 0`): they use a fresh idempotency key per
 * call, while we pass keys derived from our ids and retry from our own state (see
 * `PayoutService`). Errors become `PaymentProviderFailure`: retryable for connection failures,
 * timeouts, 409 (the key is busy), 429 and 5xx; final for 4xx answers.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly online = true;
  private readonly stripe: Stripe;

  constructor(private readonly options: StripeProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      maxNetworkRetries: 0,
      timeout: options.timeoutMs,
      appInfo: { name: 'Quorum' },
      ...(options.apiHost ? { host: options.apiHost } : {}),
      ...(options.apiPort ? { port: options.apiPort } : {}),
      ...(options.apiProtocol ? { protocol: options.apiProtocol } : {}),
    });
  }

  async createPaymentIntent(
    request: PaymentIntentRequest,
  ): Promise<{ id: string; clientSecret: string | null }> {
    const intent = await call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: request.amount,
          currency: request.currency,
          automatic_payment_methods: { enabled: true },
          description: 'Quorum balance funding',
          metadata: {
            quorum_funding_id: request.fundingId,
            quorum_requester_id: request.requesterId,
          },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: intent.id, clientSecret: intent.client_secret ?? null };
  }

  async createCheckoutSession(
    request: CheckoutSessionRequest,
  ): Promise<{ id: string; url: string | null }> {
    const metadata = {
      quorum_funding_id: request.fundingId,
      quorum_requester_id: request.requesterId,
    };
    const session = await call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              quantity: 1,
              price_data: {
                currency: request.currency,
                unit_amount: request.amount,
                product_data: { name: 'Quorum balance' },
              },
            },
          ],
          success_url: request.successUrl,
          cancel_url: request.cancelUrl,
          client_reference_id: request.fundingId,
          metadata,
          payment_intent_data: { metadata },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { id: session.id, url: session.url ?? null };
  }

  async retrievePaymentIntent(id: string): Promise<ProviderPaymentIntent> {
    const intent = await call(() => this.stripe.paymentIntents.retrieve(id));
    return {
      id: intent.id,
      status: intent.status,
      amountReceived: intent.amount_received,
      currency: intent.currency,
      metadata: { ...intent.metadata },
      latestChargeId: idOf(intent.latest_charge),
      failureMessage: intent.last_payment_error?.message ?? null,
    };
  }

  async retrieveCheckoutSession(id: string): Promise<ProviderCheckoutSession> {
    const session = await call(() => this.stripe.checkout.sessions.retrieve(id));
    return {
      id: session.id,
      status: session.status,
      paymentStatus: session.payment_status,
      amountTotal: session.amount_total,
      currency: session.currency,
      metadata: { ...(session.metadata ?? {}) },
      paymentIntentId: idOf(session.payment_intent),
    };
  }

  async createConnectedAccount(request: ConnectedAccountRequest): Promise<{ accountId: string }> {
    // `type` is deprecated: the platform takes fees and losses and Stripe collects the
    // requirements, with the Express dashboard for the worker.
    const account = await call(() =>
      this.stripe.accounts.create(
        {
          controller: {
            fees: { payer: 'application' },
            losses: { payments: 'application' },
            requirement_collection: 'stripe',
            stripe_dashboard: { type: 'express' },
          },
          capabilities: { transfers: { requested: true } },
          email: request.email,
          metadata: { quorum_user_id: request.userId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return { accountId: account.id };
  }

  async createAccountLink(request: AccountLinkRequest): Promise<{ url: string; expiresAt: Date }> {
    const link = await call(() =>
      this.stripe.accountLinks.create({
        account: request.accountId,
        type: 'account_onboarding',
        refresh_url: request.refreshUrl,
        return_url: request.returnUrl,
      }),
    );
    return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
  }

  async retrieveAccount(accountId: string): Promise<ProviderAccount> {
    const account = await call(() => this.stripe.accounts.retrieve(accountId));
    return {
      id: account.id,
      transfersActive: account.capabilities?.transfers === 'active',
      payoutsEnabled: account.payouts_enabled ?? false,
      detailsSubmitted: account.details_submitted ?? false,
    };
  }

  async createTransfer(request: TransferRequest): Promise<ProviderTransfer> {
    const transfer = await call(() =>
      this.stripe.transfers.create(
        {
          amount: request.amount,
          currency: request.currency,
          destination: request.destination,
          transfer_group: request.transferGroup,
          description: 'Quorum earnings',
          metadata: { quorum_payout_id: request.payoutId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return transferOf(transfer);
  }

  async findTransfersByGroup(transferGroup: string): Promise<ProviderTransfer[]> {
    const page = await call(() =>
      this.stripe.transfers.list({ transfer_group: transferGroup, limit: 10 }),
    );
    return page.data.map(transferOf);
  }

  async retrieveTransfer(id: string): Promise<ProviderTransfer> {
    return transferOf(await call(() => this.stripe.transfers.retrieve(id)));
  }

  async reverseTransfer(request: TransferReversalRequest): Promise<ProviderTransfer> {
    await call(() =>
      this.stripe.transfers.createReversal(
        request.transferId,
        { description: 'Quorum: payout failed at the bank' },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return this.retrieveTransfer(request.transferId);
  }

  async *listBalanceTransactions(since: Date | null): AsyncIterable<ProviderBalanceTransaction> {
    const list = this.stripe.balanceTransactions.list({
      limit: 100,
      // The source object, so a transfer reversal names the transfer it reversed.
      expand: ['data.source'],
      ...(since ? { created: { gte: Math.floor(since.getTime() / 1000) } } : {}),
    });
    try {
      for await (const txn of list) {
        yield {
          id: txn.id,
          type: txn.type,
          amount: txn.amount,
          fee: txn.fee,
          currency: txn.currency,
          sourceId: sourceIdOf(txn.source),
          created: new Date(txn.created * 1000),
        };
      }
    } catch (error) {
      throw toFailure(error);
    }
  }

  verifyWebhook(
    rawBody: Buffer,
    signatureHeader: string | undefined,
    receivedAt: Date,
  ): ProviderEvent {
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signatureHeader ?? '',
        this.options.webhookSecret,
        WEBHOOK_TOLERANCE_SECONDS,
        undefined,
        receivedAt.getTime(),
      );
    } catch (error) {
      throw new WebhookSignatureError((error as Error).message);
    }
    assertWellFormedEvent(event);
    return {
      id: event.id,
      type: event.type,
      created: new Date(event.created * 1000),
      account: event.account ?? null,
      object: event.data.object as unknown as Record<string, unknown>,
    };
  }
}

/** The fields `verifyWebhook` reads, checked: a signed payload is authentic, not well-formed. */
function assertWellFormedEvent(event: Stripe.Event): void {
  const { id, type, created, account, data } = (event ?? {}) as unknown as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 && value.length <= 255 && isStorableJson(value);
  const object = (data as { object?: unknown } | null | undefined)?.object;
  if (
    !text(id) ||
    !text(type) ||
    !Number.isSafeInteger(created) ||
    (account != null && !text(account)) ||
    object === null ||
    typeof object !== 'object' ||
    Array.isArray(object) ||
    !isStorableJson(object)
  ) {
    throw new WebhookPayloadError('The event is not a well-formed Stripe event');
  }
}

/** Runs an SDK call and turns its errors into `PaymentProviderFailure`. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toFailure(error);
  }
}

function toFailure(error: unknown): PaymentProviderFailure {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? null;
    const retryable =
      error instanceof Stripe.errors.StripeConnectionError ||
      status === null ||
      status === 409 ||
      status === 429 ||
      status >= 500;
    return new PaymentProviderFailure(error.message, retryable, error.code ?? null, status);
  }
  // Not from the SDK (a bug, or a socket error it did not wrap): assume it may have gone through.
  return new PaymentProviderFailure((error as Error)?.message ?? String(error), true);
}

function transferOf(transfer: Stripe.Transfer): ProviderTransfer {
  return {
    id: transfer.id,
    amount: transfer.amount,
    amountReversed: transfer.amount_reversed,
    currency: transfer.currency,
    destination: idOf(transfer.destination),
    transferGroup: transfer.transfer_group ?? null,
    metadata: { ...transfer.metadata },
  };
}

/** A balance transaction's source; for a transfer reversal, the transfer it reversed. */
function sourceIdOf(source: Stripe.BalanceTransaction['source']): string | null {
  if (source && typeof source === 'object' && source.object === 'transfer_reversal') {
    return idOf((source as Stripe.TransferReversal).transfer);
  }
  return idOf(source as string | { id: string } | null);
}

/** The id of an expandable field, whether Stripe sent the id or the object. */
function idOf(value: string | { id: string } | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : value.id;
}
