import { checkManualReference } from './manual-reference';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { type LedgerService, moveLines } from '../ledger/ledger.service';
import { accountOf, LedgerAccountKind, LedgerTransactionKind } from '../ledger/ledger.types';
import { Funding } from './funding.entity';
import { isCurrency, isPositiveMinorAmount, MAX_MINOR_AMOUNT } from '../ledger/math/money';
import { PaymentProviderError, PaymentsOfflineError } from './payments.errors';
import { FundingMethod, FundingStatus } from './payments.types';
import {
  type PaymentProvider,
  PaymentProviderFailure,
  type ProviderCheckoutSession,
  type ProviderPaymentIntent,
} from './strategies/payment-provider';

/** A funding and what the payer needs to complete it. */
export interface FundingStart {
  readonly funding: Funding;
  /** PaymentIntent: for Stripe.js `confirmPayment`. */
  readonly clientSecret: string | null;
  /** Checkout Session: the page to redirect the payer to. */
  readonly checkoutUrl: string | null;
}

/**
 * Money into requesters' REQUESTER_AVAILABLE balances. With Stripe: a PaymentIntent or a Checkout
 * Session is created (recorded first, then Stripe called outside any transaction with the key
 * `quorum-funding-<id>`), and the balance is credited only by the signed webhook once the object
 * re-read from Stripe says it is paid, exactly once per funding (ledger key `funding:<id>`).
 * Offline: an admin records fundings by hand.
 */
export class FundingService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly provider: PaymentProvider,
  ) {}

  /**
   * An admin records money received outside Stripe (a bank transfer, an invoice, or any funding
   * in offline mode) and credits the requester at once. Retry-safe with `idempotencyKey`.
   */
  async recordManualFunding(
    ctx: RequestContext,
    input: {
      requesterId: string;
      amount: number;
      currency: string;
      reference: string;
      idempotencyKey: string;
    },
  ): Promise<Funding> {
    const adminId = ctx.requireUserId();
    const currency = validateMoney(input.amount, input.currency);
    const reference = checkManualReference(input.reference);
    return this.idempotency.run(
      ctx,
      {
        operation: 'recordManualFunding',
        key: input.idempotencyKey,
        params: { requesterId: input.requesterId, amount: input.amount, currency, reference },
      },
      async tx => {
        const requester = isUuid(input.requesterId)
          ? await this.db.repo(tx, User).findOneBy({ id: input.requesterId })
          : null;
        if (!requester || !requester.roles.includes(Role.REQUESTER)) {
          throw new NotFoundError('Requester', input.requesterId);
        }
        const fundings = this.db.repo(tx, Funding);
        const funding = await fundings.save(
          fundings.create({
            requesterId: requester.id,
            amount: input.amount,
            currency,
            method: FundingMethod.MANUAL,
            status: FundingStatus.SUCCEEDED,
            reference,
            recordedBy: adminId,
            succeededAt: tx.now(),
          }),
        );
        await this.credit(tx, funding, input.amount, currency, null, adminId);
        return funding;
      },
      fundingCodec(this.db),
    );
  }

  /** Whether card payments (Stripe) are configured on this server. */
  cardPaymentsAvailable(): boolean {
    return this.provider.online;
  }

  /**
   * A requester starts paying in through Stripe. Nothing is credited now: the webhook does it
   * once Stripe confirms the payment. Retry-safe with `idempotencyKey`: a repeat returns the same
   * funding and the same PaymentIntent or Checkout Session (Stripe's own key is derived from the
   * funding id, so even a crash between our record and Stripe's answer cannot create two).
   */
  async createFunding(
    ctx: RequestContext,
    input: {
      amount: number;
      currency: string;
      method: FundingMethod;
      successUrl?: string | null;
      cancelUrl?: string | null;
      idempotencyKey: string;
    },
  ): Promise<FundingStart> {
    const requesterId = ctx.requireUserId();
    const currency = validateMoney(input.amount, input.currency);
    if (input.method === FundingMethod.MANUAL) {
      throw new BadUserInputError('Manual fundings are recorded by an admin', { field: 'method' });
    }
    if (!this.provider.online) throw new PaymentsOfflineError('Card payments');
    if (
      input.method === FundingMethod.CHECKOUT_SESSION &&
      (!input.successUrl || !input.cancelUrl)
    ) {
      throw new BadUserInputError('Checkout needs successUrl and cancelUrl', {
        field: input.successUrl ? 'cancelUrl' : 'successUrl',
      });
    }
    const funding = await this.idempotency.run(
      ctx,
      {
        operation: 'createFunding',
        key: input.idempotencyKey,
        params: {
          amount: input.amount,
          currency,
          method: input.method,
          successUrl: input.successUrl,
          cancelUrl: input.cancelUrl,
        },
      },
      tx => {
        const fundings = this.db.repo(tx, Funding);
        return fundings.save(
          fundings.create({ requesterId, amount: input.amount, currency, method: input.method }),
        );
      },
      fundingCodec(this.db),
    );
    if (funding.providerRef || funding.status !== FundingStatus.PENDING) return startOf(funding);

    // Committed above; Stripe is called outside any transaction.
    const idempotencyKey = `quorum-funding-${funding.id}`;
    try {
      if (funding.method === FundingMethod.PAYMENT_INTENT) {
        const intent = await this.provider.createPaymentIntent({
          fundingId: funding.id,
          requesterId,
          amount: funding.amount,
          currency: funding.currency,
          idempotencyKey,
        });
        Object.assign(funding, {
          providerRef: intent.id,
          paymentIntentId: intent.id,
          clientSecret: intent.clientSecret,
        });
      } else {
        const session = await this.provider.createCheckoutSession({
          fundingId: funding.id,
          requesterId,
          amount: funding.amount,
          currency: funding.currency,
          successUrl: input.successUrl!,
          cancelUrl: input.cancelUrl!,
          idempotencyKey,
        });
        Object.assign(funding, { providerRef: session.id, checkoutUrl: session.url });
      }
    } catch (error) {
      throw providerError(error);
    }
    await this.db.withTransaction(ctx, tx =>
      this.db.repo(tx, Funding).update(
        { id: funding.id },
        {
          providerRef: funding.providerRef,
          paymentIntentId: funding.paymentIntentId,
          clientSecret: funding.clientSecret,
          checkoutUrl: funding.checkoutUrl,
        },
      ),
    );
    return startOf(funding);
  }

  /**
   * A PaymentIntent re-read from Stripe after a webhook. Succeeded: the funding it names (by
   * `metadata.quorum_funding_id`) is credited with what Stripe received, once. Failed: a pending
   * funding is marked FAILED. Returns the funding, or null when the intent is not ours.
   */
  async applyPaymentIntent(
    tx: RequestContext,
    intent: ProviderPaymentIntent,
  ): Promise<Funding | null> {
    const funding = await this.lockFunding(tx, intent.metadata.quorum_funding_id, intent.id);
    if (!funding) return null;
    if (intent.status === 'succeeded') {
      await this.markSucceeded(tx, funding, intent, intent.amountReceived, intent.currency);
    } else if (intent.failureMessage && funding.status === FundingStatus.PENDING) {
      // Still retryable by the payer with another card; recorded for the requester to see.
      await this.db
        .repo(tx, Funding)
        .update({ id: funding.id }, { failureMessage: intent.failureMessage });
    }
    return funding;
  }

  /** A PaymentIntent whose payment attempt failed (payment_intent.payment_failed). */
  async markPaymentFailed(tx: RequestContext, intent: ProviderPaymentIntent): Promise<void> {
    const funding = await this.lockFunding(tx, intent.metadata.quorum_funding_id, intent.id);
    if (!funding || funding.status !== FundingStatus.PENDING || intent.status === 'succeeded')
      return;
    await this.db
      .repo(tx, Funding)
      .update(
        { id: funding.id },
        { failureMessage: intent.failureMessage ?? 'The payment failed' },
      );
  }

  /**
   * A Checkout Session re-read from Stripe after a webhook: paid → credited (with the charge of
   * its PaymentIntent, re-read too); expired → the pending funding is EXPIRED.
   */
  async applyCheckoutSession(
    tx: RequestContext,
    session: ProviderCheckoutSession,
    intent: ProviderPaymentIntent | null,
  ): Promise<Funding | null> {
    const funding = await this.lockFunding(tx, session.metadata.quorum_funding_id, session.id);
    if (!funding) return null;
    if (session.paymentStatus === 'paid' && intent?.status === 'succeeded') {
      await this.markSucceeded(tx, funding, intent, intent.amountReceived, intent.currency);
    } else if (session.status === 'expired' && funding.status === FundingStatus.PENDING) {
      await this.db.repo(tx, Funding).update({ id: funding.id }, { status: FundingStatus.EXPIRED });
    }
    return funding;
  }

  /** The caller's fundings (requester), newest first. */
  listOwn(ctx: RequestContext, limit = 50): Promise<Funding[]> {
    return this.db.repo(ctx, Funding).find({
      where: { requesterId: ctx.requireUserId() },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: Math.min(Math.max(limit, 1), 100),
    });
  }

  private async markSucceeded(
    tx: RequestContext,
    funding: Funding,
    intent: ProviderPaymentIntent,
    amountReceived: number,
    currency: string,
  ): Promise<void> {
    if (funding.status === FundingStatus.SUCCEEDED) return;
    // Credit what Stripe says it received, in its currency: that is the money we hold.
    await this.credit(
      tx,
      funding,
      amountReceived,
      currency,
      intent.latestChargeId ?? intent.id,
      null,
    );
    await this.db.repo(tx, Funding).update(
      { id: funding.id },
      {
        status: FundingStatus.SUCCEEDED,
        succeededAt: tx.now(),
        paymentIntentId: intent.id,
        chargeId: intent.latestChargeId,
        failureMessage: null,
      },
    );
    funding.status = FundingStatus.SUCCEEDED;
  }

  private async credit(
    tx: RequestContext,
    funding: Funding,
    amount: number,
    currency: string,
    externalRef: string | null,
    actorId: string | null,
  ): Promise<void> {
    await this.ledger.post(tx, {
      kind: LedgerTransactionKind.FUNDING,
      uniqueKey: `funding:${funding.id}`,
      description:
        funding.method === FundingMethod.MANUAL
          ? `Funding recorded by an admin: ${funding.reference}`
          : `Funding through Stripe (${funding.method === FundingMethod.CHECKOUT_SESSION ? 'Checkout' : 'PaymentIntent'})`,
      currency,
      userId: funding.requesterId,
      actorId,
      externalRef,
      lines: moveLines(
        { kind: LedgerAccountKind.EXTERNAL_FUNDING },
        accountOf.available(funding.requesterId),
        amount,
      ),
    });
  }

  /** The funding a Stripe object names, locked for the rest of the transaction. */
  private async lockFunding(
    tx: RequestContext,
    fundingId: string | undefined,
    providerRef: string,
  ): Promise<Funding | null> {
    const qb = this.db.repo(tx, Funding).createQueryBuilder('funding').setLock('pessimistic_write');
    if (fundingId && isUuid(fundingId)) qb.where('funding.id = :fundingId', { fundingId });
    else qb.where('funding.provider_ref = :providerRef', { providerRef });
    return qb.getOne();
  }
}

function validateMoney(amount: number, currency: string): string {
  if (!isPositiveMinorAmount(amount)) {
    throw new BadUserInputError(
      `amount must be a whole number of minor units from 1 to ${MAX_MINOR_AMOUNT}`,
      { field: 'amount', limit: MAX_MINOR_AMOUNT },
    );
  }
  const lower = currency.toLowerCase();
  if (!isCurrency(lower)) {
    throw new BadUserInputError('currency must be a three-letter ISO 4217 code', {
      field: 'currency',
    });
  }
  return lower;
}

function startOf(funding: Funding): FundingStart {
  return { funding, clientSecret: funding.clientSecret, checkoutUrl: funding.checkoutUrl };
}

function fundingCodec(db: TransactionalConnection) {
  return {
    toRecord: (funding: Funding) => ({ fundingId: funding.id }),
    fromRecord: (tx: RequestContext, record: Record<string, unknown>) =>
      db.repo(tx, Funding).findOneByOrFail({ id: String(record.fundingId) }),
  };
}

/** A provider failure as the GraphQL error the caller gets. */
export function providerError(error: unknown): unknown {
  if (error instanceof PaymentProviderFailure) {
    return new PaymentProviderError(`Stripe: ${error.message}`, {
      providerCode: error.providerCode,
      retryable: error.retryable,
    });
  }
  return error;
}
