import type { Logger } from '../../common/logger';
import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { FundingService } from './funding.service';
import { Payout } from './payout.entity';
import type { PayoutService } from './payout.service';
import type { PaymentProvider, ProviderEvent } from './strategies/payment-provider';

/** What the webhook did with one delivery. */
export interface WebhookOutcome {
  readonly eventId: string;
  readonly type: string;
  /** `processed`; `ignored` (a type we do not act on, or an object that is not ours); `duplicate`. */
  readonly outcome: 'processed' | 'ignored' | 'duplicate';
}

/**
 * Turns verified Stripe events into ledger changes, each event once.
 *
 * - The signature is checked by the provider over the raw body (`constructEvent`); a bad one
 *   throws `WebhookSignatureError` before anything is read or written.
 * - Each event id goes into `stripe_events` in the same transaction as its effects: a second
 *   delivery (Stripe delivers at least once, and a replay from the dashboard is a delivery too)
 *   finds the id and changes nothing; a delivery whose processing fails records nothing, answers
 *   500, and Stripe delivers it again.
 * - The event's object is never trusted as the current state: the PaymentIntent, Checkout
 *   Session, account or transfer is re-read from the API first (outside any transaction), so
 *   events arriving late or out of order act on the truth.
 * - Unknown types are recorded as `ignored` and acknowledged.
 */
export class StripeWebhookService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly provider: PaymentProvider,
    private readonly fundings: FundingService,
    private readonly payouts: PayoutService,
    private readonly logger: Logger,
  ) {}

  /** Verifies and processes one delivery; see the class comment. */
  async handle(
    ctx: RequestContext,
    rawBody: Buffer,
    signatureHeader: string | undefined,
  ): Promise<WebhookOutcome> {
    const event = this.provider.verifyWebhook(rawBody, signatureHeader, ctx.now());
    const seen = await this.db
      .manager(ctx)
      .query(`SELECT 1 FROM stripe_events WHERE id = $1`, [event.id]);
    if (seen.length > 0) return { eventId: event.id, type: event.type, outcome: 'duplicate' };

    const objectId = typeof event.object.id === 'string' ? event.object.id : null;
    switch (event.type) {
      case 'payment_intent.succeeded':
      case 'payment_intent.payment_failed': {
        if (!objectId) return this.record(ctx, event, 'ignored');
        const intent = await this.provider.retrievePaymentIntent(objectId);
        return this.record(ctx, event, 'processed', async tx => {
          if (event.type === 'payment_intent.succeeded') {
            return (await this.fundings.applyPaymentIntent(tx, intent)) !== null;
          }
          await this.fundings.markPaymentFailed(tx, intent);
          return true;
        });
      }
      case 'checkout.session.completed':
      case 'checkout.session.async_payment_succeeded':
      case 'checkout.session.expired': {
        if (!objectId) return this.record(ctx, event, 'ignored');
        const session = await this.provider.retrieveCheckoutSession(objectId);
        const intent = session.paymentIntentId
          ? await this.provider.retrievePaymentIntent(session.paymentIntentId)
          : null;
        return this.record(
          ctx,
          event,
          'processed',
          async tx => (await this.fundings.applyCheckoutSession(tx, session, intent)) !== null,
        );
      }
      case 'account.updated': {
        const accountId = objectId ?? event.account;
        if (!accountId) return this.record(ctx, event, 'ignored');
        const account = await this.payouts.refreshAccount(ctx, accountId);
        return this.record(ctx, event, account ? 'processed' : 'ignored');
      }
      case 'transfer.created':
      case 'transfer.updated':
      case 'transfer.reversed': {
        if (!objectId) return this.record(ctx, event, 'ignored');
        const transfer = await this.provider.retrieveTransfer(objectId);
        const payoutId = transfer.metadata.quorum_payout_id;
        const ours =
          payoutId ??
          (await this.db.repo(ctx, Payout).findOneBy({ transferId: transfer.id }))?.id ??
          null;
        if (!ours) return this.record(ctx, event, 'ignored');
        return this.record(ctx, event, 'processed', async tx => {
          await this.payouts.applyTransfer(tx, transfer, ours);
          return true;
        });
      }
      case 'payout.failed': {
        // A connected account's bank payout (Connect event); the platform's own payouts are not
        // ours to track.
        if (!event.account) return this.record(ctx, event, 'ignored');
        const amount = event.object.amount;
        const currency = event.object.currency;
        if (typeof amount !== 'number' || typeof currency !== 'string') {
          return this.record(ctx, event, 'ignored');
        }
        const reversed = await this.payouts.handleBankPayoutFailed(ctx, {
          account: event.account,
          amount,
          currency,
          failureCode:
            typeof event.object.failure_code === 'string' ? event.object.failure_code : null,
        });
        return this.record(ctx, event, reversed ? 'processed' : 'ignored');
      }
      default:
        return this.record(ctx, event, 'ignored');
    }
  }

  /**
   * Records the event id and applies `effects` in one transaction. A concurrent delivery of the
   * same event waits on the id's insert and then finds it taken: `duplicate`, nothing applied.
   * `effects` returning false means the object was not ours: recorded as `ignored`.
   */
  private async record(
    ctx: RequestContext,
    event: ProviderEvent,
    outcome: 'processed' | 'ignored',
    effects?: (tx: RequestContext) => Promise<boolean>,
  ): Promise<WebhookOutcome> {
    const result = await this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const inserted = await manager.query(
        `INSERT INTO stripe_events (id, type, account, stripe_created_at, received_at, outcome)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [event.id, event.type, event.account, event.created, tx.now(), outcome],
      );
      if (inserted.length === 0) return 'duplicate' as const;
      if (!effects) return outcome;
      const applied = await effects(tx);
      if (!applied && outcome === 'processed') {
        await manager.query(`UPDATE stripe_events SET outcome = 'ignored' WHERE id = $1`, [
          event.id,
        ]);
        return 'ignored' as const;
      }
      return outcome;
    });
    if (result !== 'duplicate') {
      this.logger.info({ eventId: event.id, type: event.type, outcome: result }, 'stripe event');
    }
    return { eventId: event.id, type: event.type, outcome: result };
  }
}
