import { checkManualReference } from './manual-reference';
import { BadUserInputError, ConflictError, NotFoundError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { InsufficientBalanceError } from '../ledger/ledger.errors';
import { type LedgerService, moveLines, type Posting } from '../ledger/ledger.service';
import { accountOf, LedgerAccountKind, LedgerTransactionKind } from '../ledger/ledger.types';
import { providerError } from './funding.service';
import { isCurrency, isPositiveMinorAmount } from '../ledger/math/money';
import { PayoutAccount } from './payout-account.entity';
import { Payout } from './payout.entity';
import { PayoutAccountMissingError, PaymentsOfflineError } from './payments.errors';
import { PayoutStatus } from './payments.types';
import {
  type PaymentProvider,
  PaymentProviderFailure,
  type ProviderTransfer,
} from './strategies/payment-provider';

/** Why a payout run left a worker out. */
export enum PayoutSkipReason {
  /** Stripe mode, and the worker has no connected account able to receive transfers. */
  NO_PAYOUT_ACCOUNT = 'NO_PAYOUT_ACCOUNT',
  /** A payout in this currency is still pending. */
  PAYOUT_PENDING = 'PAYOUT_PENDING',
  /** The balance fell below the minimum meanwhile (a concurrent run paid it out). */
  BELOW_MINIMUM = 'BELOW_MINIMUM',
}

/** What a payout run created and whom it left out. */
export interface PayoutRun {
  readonly payouts: Payout[];
  readonly skipped: Array<{ workerId: string; currency: string; reason: PayoutSkipReason }>;
}

/** Tunables of `PayoutService`. */
export interface PayoutOptions {
  /** Default minimum earned balance for a payout run (PAYOUT_MINIMUM_AMOUNT). */
  readonly minimumAmount: number;
  /**
   * How long a sender holds a payout before another may send it again: longer than one Stripe
   * call can take (the client timeout), so two senders overlap only after a crash.
   */
  readonly claimMs: number;
}

/** Called in the transaction that settles a payout (PAID) or gives it up (FAILED). */
export type PayoutSettledHook = (
  tx: RequestContext,
  payout: Payout,
  status: 'PAID' | 'FAILED',
) => Promise<void> | void;

/**
 * Payouts: a worker's WORKER_EARNED balance to their Stripe connected account, exactly once.
 *
 * 1. `createPayouts` (admin or schedule) creates PENDING payouts and moves each amount from
 *    WORKER_EARNED to WORKER_PAYOUT_PENDING, in one committed transaction.
 * 2. `sendPayout` claims a payout (a short lease, `send_after`), calls Stripe OUTSIDE any
 *    transaction with the idempotency key `quorum-payout-<id>` and transfer group
 *    `payout_<id>`, and records the outcome in a second transaction: PAID (pending → paid out),
 *    FAILED on a final refusal (pending → earned again), or a retry later on a timeout, 409,
 *    429 or 5xx. Before any retry it looks the transfer up by its group, so a transfer Stripe
 *    made before a crash or a lost response is recorded, never made again.
 * 3. Webhooks reconcile: transfer.created settles a payout we did not record yet,
 *    transfer.reversed returns the reversed amount to WORKER_EARNED, payout.failed (a connected
 *    account's bank refused the money) reverses the matching transfer, which then comes back
 *    as transfer.reversed.
 *
 * Offline, payouts stay PENDING until an admin marks them paid or failed by hand.
 */
export class PayoutService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly provider: PaymentProvider,
    private readonly options: PayoutOptions,
    private readonly logger: Logger,
  ) {}

  private readonly settledHooks: PayoutSettledHook[] = [];

  /** Runs inside the transaction that marks a payout PAID or FAILED (the webhook outbox). */
  onSettled(hook: PayoutSettledHook): void {
    this.settledHooks.push(hook);
  }

  private async settled(
    tx: RequestContext,
    payout: Payout,
    status: 'PAID' | 'FAILED',
  ): Promise<void> {
    for (const hook of this.settledHooks) await hook(tx, payout, status);
  }

  // ── Connected accounts ────────────────────────────────────────────────────────────────────

  /**
   * Creates the caller's connected account on first use (idempotency key derived from the user
   * id) and returns a fresh onboarding link. `account.updated` later marks it able to receive
   * payouts.
   */
  async connectAccount(
    ctx: RequestContext,
    input: { refreshUrl: string; returnUrl: string },
  ): Promise<{ url: string; expiresAt: Date; account: PayoutAccount }> {
    const userId = ctx.requireUserId();
    if (!this.provider.online) throw new PaymentsOfflineError('Connected accounts');
    let account = await this.db.repo(ctx, PayoutAccount).findOneBy({ userId });
    if (!account) {
      const user = await this.db.repo(ctx, User).findOneByOrFail({ id: userId });
      const created = await this.provider
        .createConnectedAccount({
          userId,
          email: user.email,
          idempotencyKey: `quorum-connect-${userId}`,
        })
        .catch(error => Promise.reject(providerError(error)));
      account = await this.db.withTransaction(ctx, async tx => {
        await this.db.manager(tx).query(
          `INSERT INTO payout_accounts (user_id, stripe_account_id) VALUES ($1, $2)
           ON CONFLICT (user_id) DO NOTHING`,
          [userId, created.accountId],
        );
        return this.db.repo(tx, PayoutAccount).findOneByOrFail({ userId });
      });
    }
    const link = await this.provider
      .createAccountLink({ accountId: account.stripeAccountId, ...input })
      .catch(error => Promise.reject(providerError(error)));
    return { ...link, account };
  }

  /** The caller's connected account, if any. */
  myAccount(ctx: RequestContext): Promise<PayoutAccount | null> {
    return this.db.repo(ctx, PayoutAccount).findOneBy({ userId: ctx.requireUserId() });
  }

  /**
   * Re-reads a connected account from Stripe and stores whether it can receive payouts
   * (`account.updated`). Reading the current state instead of the event's snapshot makes late
   * and out-of-order events harmless. Null when the account is not one of ours.
   */
  async refreshAccount(
    ctx: RequestContext,
    stripeAccountId: string,
  ): Promise<PayoutAccount | null> {
    const known = await this.db.repo(ctx, PayoutAccount).findOneBy({ stripeAccountId });
    if (!known) return null;
    const remote = await this.provider.retrieveAccount(stripeAccountId);
    return this.db.withTransaction(ctx, async tx => {
      await this.db.repo(tx, PayoutAccount).update(
        { id: known.id },
        {
          payoutsEnabled: remote.transfersActive && remote.payoutsEnabled,
          detailsSubmitted: remote.detailsSubmitted,
        },
      );
      return this.db.repo(tx, PayoutAccount).findOneByOrFail({ id: known.id });
    });
  }

  // ── Creating payouts ──────────────────────────────────────────────────────────────────────

  /**
   * A payout run: one PENDING payout per worker and currency whose earned balance is at least
   * `minimumAmount` (default PAYOUT_MINIMUM_AMOUNT), optionally only for `workerIds` or one
   * currency, all in one transaction; then each is sent to Stripe after the commit. Workers
   * without a connected account (Stripe mode) or with a payout still pending are skipped and
   * listed. Retry-safe with `idempotencyKey` (the schedule runs without one: a second run finds
   * the payouts pending and skips them).
   */
  async createPayouts(
    ctx: RequestContext,
    input: {
      idempotencyKey?: string | null;
      currency?: string | null;
      minimumAmount?: number | null;
      workerIds?: string[] | null;
    },
  ): Promise<PayoutRun> {
    const minimum = input.minimumAmount ?? this.options.minimumAmount;
    if (!isPositiveMinorAmount(minimum)) {
      throw new BadUserInputError('minimumAmount must be a positive whole number of minor units', {
        field: 'minimumAmount',
      });
    }
    const currency = input.currency ? validCurrency(input.currency) : null;
    const workerIds = input.workerIds?.filter(isUuid) ?? null;
    const run = await this.idempotency.run(
      ctx,
      {
        operation: 'createPayouts',
        key: input.idempotencyKey,
        params: { currency, minimum, workerIds: workerIds ? [...workerIds].sort() : null },
      },
      async tx => {
        const candidates = await this.db.manager(tx).query(
          `SELECT a.user_id, a.currency, pa.stripe_account_id, coalesce(pa.payouts_enabled, false) AS enabled
             FROM ledger_accounts a
             LEFT JOIN payout_accounts pa ON pa.user_id = a.user_id
            WHERE a.kind = 'WORKER_EARNED' AND a.balance >= $1
              AND ($2::text IS NULL OR a.currency = $2)
              AND ($3::uuid[] IS NULL OR a.user_id = ANY($3))
            ORDER BY a.user_id, a.currency`,
          [minimum, currency, workerIds],
        );
        const payouts: Payout[] = [];
        const skipped: PayoutRun['skipped'] = [];
        for (const row of candidates as Array<{
          user_id: string;
          currency: string;
          stripe_account_id: string | null;
          enabled: boolean;
        }>) {
          if (this.provider.online && !row.enabled) {
            skipped.push({
              workerId: row.user_id,
              currency: row.currency,
              reason: PayoutSkipReason.NO_PAYOUT_ACCOUNT,
            });
            continue;
          }
          const reserved = await this.reserve(tx, {
            workerId: row.user_id,
            currency: row.currency,
            minimum,
            destination: this.provider.online ? row.stripe_account_id : null,
          });
          if ('payout' in reserved) payouts.push(reserved.payout);
          else
            skipped.push({ workerId: row.user_id, currency: row.currency, reason: reserved.skip });
        }
        return { payouts, skipped };
      },
      {
        toRecord: result => ({ payoutIds: result.payouts.map(p => p.id), skipped: result.skipped }),
        fromRecord: async (tx, record) => ({
          payouts: await this.loadPayouts(tx, record.payoutIds as string[]),
          skipped: record.skipped as PayoutRun['skipped'],
        }),
      },
    );
    const sent: Payout[] = [];
    for (const payout of run.payouts) sent.push(await this.sendPayout(ctx, payout.id));
    return { payouts: sent, skipped: run.skipped };
  }

  /**
   * A payout of a worker's whole earned balance in `currency` (admin), whatever the minimum.
   * PAYOUT_ACCOUNT_MISSING when Stripe is on and the worker cannot receive transfers;
   * INSUFFICIENT_BALANCE when nothing is earned; CONFLICT when one is already pending.
   */
  async createPayout(
    ctx: RequestContext,
    input: { workerId: string; currency: string; idempotencyKey: string },
  ): Promise<Payout> {
    const currency = validCurrency(input.currency);
    const payout = await this.idempotency.run(
      ctx,
      {
        operation: 'createPayout',
        key: input.idempotencyKey,
        params: { workerId: input.workerId, currency },
      },
      async tx => {
        const worker = isUuid(input.workerId)
          ? await this.db.repo(tx, User).findOneBy({ id: input.workerId })
          : null;
        if (!worker || !worker.roles.includes(Role.WORKER))
          throw new NotFoundError('Worker', input.workerId);
        let destination: string | null = null;
        if (this.provider.online) {
          const account = await this.db.repo(tx, PayoutAccount).findOneBy({ userId: worker.id });
          if (!account?.payoutsEnabled) throw new PayoutAccountMissingError(worker.id);
          destination = account.stripeAccountId;
        }
        const reserved = await this.reserve(tx, {
          workerId: worker.id,
          currency,
          minimum: 1,
          destination,
        });
        if ('payout' in reserved) return reserved.payout;
        if (reserved.skip === PayoutSkipReason.PAYOUT_PENDING) {
          throw new ConflictError(`A payout in ${currency} is already pending for this worker`, {
            workerId: worker.id,
          });
        }
        throw new InsufficientBalanceError({
          accountKind: LedgerAccountKind.WORKER_EARNED,
          currency,
          available: reserved.balance,
          required: 1,
        });
      },
      {
        toRecord: result => ({ payoutId: result.id }),
        fromRecord: (tx, record) =>
          this.db.repo(tx, Payout).findOneByOrFail({ id: String(record.payoutId) }),
      },
    );
    return this.sendPayout(ctx, payout.id);
  }

  /**
   * Moves a worker's whole earned balance into a new PENDING payout, under the earned account's
   * row lock (so two concurrent runs cannot both take it). Skips when another payout in this
   * currency is pending or the balance is below `minimum`.
   */
  private async reserve(
    tx: RequestContext,
    input: { workerId: string; currency: string; minimum: number; destination: string | null },
  ): Promise<{ payout: Payout } | { skip: PayoutSkipReason; balance: number }> {
    const earned = await this.ledger.lockAccount(
      tx,
      accountOf.earned(input.workerId),
      input.currency,
    );
    if (earned.balance < input.minimum || earned.balance <= 0) {
      return { skip: PayoutSkipReason.BELOW_MINIMUM, balance: earned.balance };
    }
    const manager = this.db.manager(tx);
    const inserted = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO payouts (worker_id, amount, currency, destination_account_id, send_after, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (worker_id, currency) WHERE status = 'PENDING' DO NOTHING
       RETURNING id`,
      [
        input.workerId,
        earned.balance,
        input.currency,
        input.destination,
        tx.now(),
        tx.user?.id ?? null,
      ],
    );
    const payoutId = inserted[0]?.id;
    if (!payoutId) return { skip: PayoutSkipReason.PAYOUT_PENDING, balance: earned.balance };
    await this.ledger.post(tx, {
      kind: LedgerTransactionKind.PAYOUT_RESERVE,
      uniqueKey: `payout-reserve:${payoutId}`,
      description: 'Payout created',
      currency: input.currency,
      payoutId,
      userId: input.workerId,
      actorId: tx.user?.id ?? null,
      lines: workerMove(input.workerId, 'earned', 'pending', earned.balance),
    });
    return { payout: await this.db.repo(tx, Payout).findOneByOrFail({ id: payoutId }) };
  }

  // ── Sending ───────────────────────────────────────────────────────────────────────────────

  /**
   * Sends one PENDING payout to Stripe (see the class comment) and returns it as recorded
   * afterwards. A payout another sender holds, or one already settled, is returned unchanged.
   * Offline, nothing is sent.
   */
  async sendPayout(ctx: RequestContext, payoutId: string): Promise<Payout> {
    if (!this.provider.online) return this.db.repo(ctx, Payout).findOneByOrFail({ id: payoutId });
    const claimed = await this.claim(ctx, payoutId);
    if (!claimed) return this.db.repo(ctx, Payout).findOneByOrFail({ id: payoutId });

    const transferGroup = transferGroupOf(claimed.id);
    let transfer: ProviderTransfer | null = null;
    try {
      // Any earlier attempt may have reached Stripe (a timeout, a 500 after the transfer, a
      // crash before our second transaction): find its transfer instead of asking again.
      if (claimed.attempts > 1)
        transfer = (await this.provider.findTransfersByGroup(transferGroup))[0] ?? null;
      transfer ??= await this.provider.createTransfer({
        payoutId: claimed.id,
        destination: claimed.destinationAccountId!,
        amount: claimed.amount,
        currency: claimed.currency,
        transferGroup,
        idempotencyKey: `quorum-payout-${claimed.id}`,
      });
    } catch (error) {
      const failure =
        error instanceof PaymentProviderFailure
          ? error
          : new PaymentProviderFailure(String((error as Error)?.message ?? error), true);
      if (failure.retryable) return this.scheduleRetry(ctx, claimed, failure.message);
      return this.recordFailure(ctx, claimed.id, `Stripe refused the transfer: ${failure.message}`);
    }
    return this.db.withTransaction(ctx, tx => this.applyTransfer(tx, transfer!, claimed.id));
  }

  /**
   * Sends every PENDING payout whose `send_after` has passed (first attempts left behind by a
   * crash, retries after failures), at most `limit`. The sweep job calls it. Returns how many
   * it tried.
   */
  async sendDuePayouts(ctx: RequestContext, limit = 100): Promise<number> {
    if (!this.provider.online) return 0;
    const due = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `SELECT id FROM payouts WHERE status = 'PENDING' AND send_after <= $1 ORDER BY send_after, id LIMIT $2`,
      [ctx.now(), limit],
    );
    for (const row of due) {
      try {
        await this.sendPayout(ctx, row.id);
      } catch (error) {
        this.logger.error({ err: error, payoutId: row.id }, 'payout send failed');
      }
    }
    return due.length;
  }

  /**
   * Records a transfer Stripe has for a payout (our own call's answer, a lookup by transfer
   * group, or a transfer.created / transfer.reversed event re-read from the API): a PENDING
   * payout becomes PAID (pending → paid out), and any reversed amount not yet recorded goes
   * back to WORKER_EARNED. Idempotent. `payoutId` defaults to the transfer's metadata.
   */
  async applyTransfer(
    tx: RequestContext,
    transfer: ProviderTransfer,
    payoutId: string | null = transfer.metadata.quorum_payout_id ?? null,
  ): Promise<Payout> {
    const payout = await this.lockPayout(tx, payoutId, transfer.id);
    if (!payout) throw new NotFoundError('Payout', payoutId ?? transfer.id);
    if (transfer.amount !== payout.amount || transfer.currency !== payout.currency) {
      // Our keys make this impossible; if it happens, a human must look (reconciliation lists it).
      this.logger.error(
        { payoutId: payout.id, transferId: transfer.id },
        'transfer does not match its payout',
      );
      return payout;
    }
    if (payout.status === PayoutStatus.PENDING) {
      await this.db
        .repo(tx, Payout)
        .update(
          { id: payout.id },
          { status: PayoutStatus.PAID, transferId: transfer.id, paidAt: tx.now(), lastError: null },
        );
      await this.ledger.post(tx, {
        kind: LedgerTransactionKind.PAYOUT_SETTLE,
        uniqueKey: `payout-settle:${payout.id}`,
        description: 'Payout transferred to Stripe',
        currency: payout.currency,
        payoutId: payout.id,
        userId: payout.workerId,
        externalRef: transfer.id,
        lines: workerMove(payout.workerId, 'pending', 'paidOut', payout.amount),
      });
      Object.assign(payout, { status: PayoutStatus.PAID, transferId: transfer.id });
      await this.settled(tx, payout, 'PAID');
    } else if (payout.status === PayoutStatus.FAILED) {
      this.logger.error(
        { payoutId: payout.id, transferId: transfer.id },
        'a transfer exists for a payout recorded as failed',
      );
      return payout;
    }
    const delta = transfer.amountReversed - payout.amountReversed;
    if (delta > 0) {
      const reversed = transfer.amountReversed;
      await this.ledger.post(tx, {
        kind: LedgerTransactionKind.PAYOUT_REVERSAL,
        uniqueKey: `payout-reversal:${payout.id}:${reversed}`,
        description: 'Transfer reversed by Stripe; earnings returned',
        currency: payout.currency,
        payoutId: payout.id,
        userId: payout.workerId,
        externalRef: transfer.id,
        lines: workerMove(payout.workerId, 'paidOut', 'earned', delta),
      });
      await this.db.repo(tx, Payout).update(
        { id: payout.id },
        {
          amountReversed: reversed,
          status: reversed === payout.amount ? PayoutStatus.REVERSED : PayoutStatus.PAID,
        },
      );
    }
    return this.db.repo(tx, Payout).findOneByOrFail({ id: payout.id });
  }

  /**
   * A connected account's bank payout failed (payout.failed): the money sits in the worker's
   * Stripe balance, unreachable for them. The account is re-read; the most recent PAID payout
   * to it of exactly that amount is reversed at Stripe (key `quorum-reverse-<payoutId>`) and the
   * reversal recorded, so the earnings return to WORKER_EARNED for a later payout. Without an
   * exact match nothing moves (reconciliation and the admin see the failure on the account).
   */
  async handleBankPayoutFailed(
    ctx: RequestContext,
    failure: { account: string; amount: number; currency: string; failureCode: string | null },
  ): Promise<Payout | null> {
    const account = await this.db
      .repo(ctx, PayoutAccount)
      .findOneBy({ stripeAccountId: failure.account });
    if (!account) return null;
    await this.db.withTransaction(ctx, tx =>
      this.db
        .repo(tx, PayoutAccount)
        .update({ id: account.id }, { lastPayoutFailure: failure.failureCode ?? 'payout_failed' }),
    );
    await this.refreshAccount(ctx, failure.account);
    const match = await this.db.repo(ctx, Payout).findOne({
      where: {
        destinationAccountId: failure.account,
        amount: failure.amount,
        currency: failure.currency,
        status: PayoutStatus.PAID,
        amountReversed: 0,
      },
      order: { paidAt: 'DESC', id: 'DESC' },
    });
    if (!match?.transferId) {
      this.logger.warn(
        { account: failure.account, amount: failure.amount },
        'bank payout failure matches no payout',
      );
      return null;
    }
    const transfer = await this.provider
      .reverseTransfer({
        transferId: match.transferId,
        idempotencyKey: `quorum-reverse-${match.id}`,
      })
      .catch(error => Promise.reject(providerError(error)));
    return this.db.withTransaction(ctx, tx => this.applyTransfer(tx, transfer, match.id));
  }

  // ── Manual settlement (offline) ───────────────────────────────────────────────────────────

  /** Offline: an admin paid a PENDING payout by other means. Retry-safe with `idempotencyKey`. */
  markPaid(
    ctx: RequestContext,
    input: { payoutId: string; reference: string; idempotencyKey: string },
  ): Promise<Payout> {
    const reference = checkManualReference(input.reference);
    return this.settleByHand(ctx, 'markPayoutPaid', input, { reference }, async (tx, payout) => {
      await this.db
        .repo(tx, Payout)
        .update({ id: payout.id }, { status: PayoutStatus.PAID, paidAt: tx.now(), reference });
      await this.settled(tx, payout, 'PAID');
      await this.ledger.post(tx, {
        kind: LedgerTransactionKind.PAYOUT_SETTLE,
        uniqueKey: `payout-settle:${payout.id}`,
        description: `Payout paid by hand: ${reference}`,
        currency: payout.currency,
        payoutId: payout.id,
        userId: payout.workerId,
        actorId: tx.requireUserId(),
        lines: workerMove(payout.workerId, 'pending', 'paidOut', payout.amount),
      });
      return this.db.repo(tx, Payout).findOneByOrFail({ id: payout.id });
    });
  }

  /** Offline: an admin gives up on a PENDING payout; the money returns to WORKER_EARNED. */
  markFailed(
    ctx: RequestContext,
    input: { payoutId: string; reason: string; idempotencyKey: string },
  ): Promise<Payout> {
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 500) {
      throw new BadUserInputError('reason must have 1 to 500 characters', { field: 'reason' });
    }
    return this.settleByHand(ctx, 'markPayoutFailed', input, { reason }, tx =>
      this.fail(tx, input.payoutId, reason),
    );
  }

  /**
   * An admin's settlement of a PENDING offline payout (markPaid, markFailed): once per
   * idempotency key, after checking under the payout's lock that it is still PENDING and not
   * Stripe's to settle.
   */
  private settleByHand(
    ctx: RequestContext,
    operation: string,
    input: { payoutId: string; idempotencyKey: string },
    params: Record<string, unknown>,
    settle: (tx: RequestContext, payout: Payout) => Promise<Payout>,
  ): Promise<Payout> {
    return this.idempotency.run(
      ctx,
      { operation, key: input.idempotencyKey, params: { payoutId: input.payoutId, ...params } },
      async tx => settle(tx, await this.requireManualPending(tx, input.payoutId)),
      payoutCodec(this.db),
    );
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  /** Takes the sending lease of a due PENDING payout and counts the attempt; null if not due. */
  private async claim(ctx: RequestContext, payoutId: string): Promise<Payout | null> {
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const now = tx.now();
      const rows = await queryRows<Record<string, unknown>>(
        manager,
        `UPDATE payouts SET attempts = attempts + 1, send_after = $2, updated_at = now()
          WHERE id = $1 AND status = 'PENDING' AND send_after <= $3
            AND destination_account_id IS NOT NULL
          RETURNING *`,
        [payoutId, new Date(now.getTime() + this.options.claimMs), now],
      );
      return rows[0] ? hydrateRow(manager, Payout, rows[0]) : null;
    });
  }

  private scheduleRetry(ctx: RequestContext, payout: Payout, message: string): Promise<Payout> {
    // Exponential backoff from 30 s, at most an hour; the same idempotency key every time.
    const delayMs = Math.min(30_000 * 2 ** Math.max(payout.attempts - 1, 0), 3_600_000);
    return this.db.withTransaction(ctx, async tx => {
      await this.db
        .repo(tx, Payout)
        .createQueryBuilder()
        .update()
        .set({
          lastError: message.slice(0, 1000),
          sendAfter: new Date(tx.now().getTime() + delayMs),
        })
        .where('id = :id AND status = :pending', { id: payout.id, pending: PayoutStatus.PENDING })
        .execute();
      return this.db.repo(tx, Payout).findOneByOrFail({ id: payout.id });
    });
  }

  private recordFailure(ctx: RequestContext, payoutId: string, reason: string): Promise<Payout> {
    return this.db.withTransaction(ctx, async tx => {
      const payout = await this.lockPayout(tx, payoutId, null);
      if (payout?.status !== PayoutStatus.PENDING) return payout!;
      return this.fail(tx, payoutId, reason);
    });
  }

  /** PENDING → FAILED, and the amount from WORKER_PAYOUT_PENDING back to WORKER_EARNED. */
  private async fail(tx: RequestContext, payoutId: string, reason: string): Promise<Payout> {
    const payout = await this.db.repo(tx, Payout).findOneByOrFail({ id: payoutId });
    await this.db
      .repo(tx, Payout)
      .update(
        { id: payout.id },
        { status: PayoutStatus.FAILED, failedAt: tx.now(), failureReason: reason.slice(0, 1000) },
      );
    await this.settled(tx, payout, 'FAILED');
    await this.ledger.post(tx, {
      kind: LedgerTransactionKind.PAYOUT_RETURN,
      uniqueKey: `payout-return:${payout.id}`,
      description: `Payout failed: ${reason.slice(0, 200)}`,
      currency: payout.currency,
      payoutId: payout.id,
      userId: payout.workerId,
      actorId: tx.user?.id ?? null,
      lines: workerMove(payout.workerId, 'pending', 'earned', payout.amount),
    });
    return this.db.repo(tx, Payout).findOneByOrFail({ id: payout.id });
  }

  private async requireManualPending(tx: RequestContext, payoutId: string): Promise<Payout> {
    const payout = await this.lockPayout(tx, isUuid(payoutId) ? payoutId : null, null);
    if (!payout) throw new NotFoundError('Payout', payoutId);
    if (payout.status !== PayoutStatus.PENDING) {
      throw new ConflictError(`Payout ${payoutId} is ${payout.status}, not PENDING`, {
        status: payout.status,
      });
    }
    if (payout.destinationAccountId) {
      throw new ConflictError('This payout goes through Stripe; Stripe settles it', {
        payoutId,
      });
    }
    return payout;
  }

  private async lockPayout(
    tx: RequestContext,
    payoutId: string | null,
    transferId: string | null,
  ): Promise<Payout | null> {
    const qb = this.db.repo(tx, Payout).createQueryBuilder('payout').setLock('pessimistic_write');
    if (payoutId && isUuid(payoutId)) qb.where('payout.id = :payoutId', { payoutId });
    else if (transferId) qb.where('payout.transfer_id = :transferId', { transferId });
    else return null;
    return qb.getOne();
  }

  private async loadPayouts(tx: RequestContext, ids: string[]): Promise<Payout[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .repo(tx, Payout)
      .createQueryBuilder('payout')
      .where('payout.id IN (:...ids)', { ids })
      .getMany();
    const byId = new Map(rows.map(row => [row.id, row]));
    return ids.map(id => byId.get(id)!);
  }
}

/** The transfer group of a payout: how a retry finds a transfer Stripe already made. */
export function transferGroupOf(payoutId: string): string {
  return `payout_${payoutId}`;
}

function validCurrency(currency: string): string {
  const lower = currency.toLowerCase();
  if (!isCurrency(lower)) {
    throw new BadUserInputError('currency must be a three-letter ISO 4217 code', {
      field: 'currency',
    });
  }
  return lower;
}

function payoutCodec(db: TransactionalConnection) {
  return {
    toRecord: (payout: Payout) => ({ payoutId: payout.id }),
    fromRecord: (tx: RequestContext, record: Record<string, unknown>) =>
      db.repo(tx, Payout).findOneByOrFail({ id: String(record.payoutId) }),
  };
}

/**
 * Every payout posting moves money between two accounts of the payout's worker (earned, payout
 * pending, paid out): the lines of such a move.
 */
function workerMove(
  workerId: string,
  from: 'earned' | 'pending' | 'paidOut',
  to: 'earned' | 'pending' | 'paidOut',
  amount: number,
): Posting['lines'] {
  return moveLines(accountOf[from](workerId), accountOf[to](workerId), amount);
}
