import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { LedgerService } from '../ledger/ledger.service';
import { minorAmountFromDatabase } from '../ledger/math/money';
import {
  type Difference,
  type Movement,
  type MovementKind,
  reconcileMovements,
} from './math/reconcile';
import type { PaymentProvider } from './strategies/payment-provider';

/** What a reconciliation found. */
export interface ReconciliationReport {
  readonly checkedAt: Date;
  readonly since: Date | null;
  /** Which provider was compared (`offline` compares the ledger with itself only). */
  readonly provider: string;
  readonly providerMovements: number;
  readonly ledgerMovements: number;
  /** Every key where the ledger and Stripe disagree. */
  readonly differences: Difference[];
  /** Currencies whose accounts do not sum to zero (should never happen: the database refuses). */
  readonly unbalancedCurrencies: string[];
  /** Accounts whose cached balance differs from the sum of their entries. */
  readonly balanceMismatches: number;
  /** APPROVED assignments without their approval transaction (the sweep pays them). */
  readonly unpaidApprovals: number;
  /** PENDING payouts older than a day (Stripe kept failing, or offline and never settled). */
  readonly stalePendingPayouts: number;
  /** Nothing above needs a human. */
  readonly ok: boolean;
}

/** Balance transaction types that are money of ours; Stripe fees, platform payouts etc. are not. */
const PROVIDER_KINDS: Record<string, MovementKind> = {
  charge: 'charge',
  payment: 'charge',
  transfer: 'transfer',
  transfer_refund: 'transfer_refund',
};

const DAY_MS = 24 * 3600 * 1000;

/**
 * Compares the ledger with Stripe's balance transactions and lists every difference (see
 * `reconcileMovements`), plus the ledger's own health checks. Used by the admin query
 * `paymentsReconciliation` and by `npm run payments:reconcile`. Reads only.
 */
export class ReconciliationService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly ledger: LedgerService,
    private readonly provider: PaymentProvider,
  ) {}

  async reconcile(ctx: RequestContext, since: Date | null = null): Promise<ReconciliationReport> {
    const providerMovements: Movement[] = [];
    for await (const txn of this.provider.listBalanceTransactions(since)) {
      const kind = PROVIDER_KINDS[txn.type];
      if (!kind || !txn.sourceId) continue;
      providerMovements.push({
        kind,
        reference: txn.sourceId,
        currency: txn.currency,
        amount: txn.amount,
      });
    }
    const ledgerMovements = await this.ledgerMovements(ctx, since);
    const differences = this.provider.online
      ? reconcileMovements(ledgerMovements, providerMovements)
      : [];

    const manager = this.db.manager(ctx);
    const sums: Array<{ currency: string; total: string }> = await manager.query(
      `SELECT currency, sum(balance) AS total FROM ledger_accounts GROUP BY currency`,
    );
    const unbalancedCurrencies = sums
      .filter(row => minorAmountFromDatabase(row.total) !== 0)
      .map(row => row.currency)
      .sort();
    const balanceMismatches = (await this.ledger.balanceMismatches(ctx)).length;
    const [{ n: unpaidApprovals }] = await manager.query(
      `SELECT count(*)::int AS n FROM assignments a
        WHERE a.status = 'APPROVED' AND a.reward_amount > 0
          AND NOT EXISTS (SELECT 1 FROM ledger_transactions t
                           WHERE t.kind = 'ASSIGNMENT_APPROVAL' AND t.assignment_id = a.id)`,
    );
    const [{ n: stalePendingPayouts }] = await manager.query(
      `SELECT count(*)::int AS n FROM payouts WHERE status = 'PENDING' AND created_at < $1`,
      [new Date(ctx.now().getTime() - DAY_MS)],
    );
    return {
      checkedAt: ctx.now(),
      since,
      provider: this.provider.name,
      providerMovements: providerMovements.length,
      ledgerMovements: ledgerMovements.length,
      differences,
      unbalancedCurrencies,
      balanceMismatches,
      unpaidApprovals,
      stalePendingPayouts,
      ok:
        differences.length === 0 &&
        unbalancedCurrencies.length === 0 &&
        balanceMismatches === 0 &&
        unpaidApprovals === 0 &&
        stalePendingPayouts === 0,
    };
  }

  /**
   * The ledger's side: Stripe fundings (+ credited, by charge), settled payouts (− by transfer)
   * and reversals (+ by transfer). Manual fundings and payouts paid by hand have no external
   * reference and never touched Stripe.
   */
  private async ledgerMovements(ctx: RequestContext, since: Date | null): Promise<Movement[]> {
    const rows: Array<{ kind: string; external_ref: string; currency: string; amount: string }> =
      await this.db.manager(ctx).query(
        `SELECT t.kind, t.external_ref, e.currency, sum(e.amount) AS amount
           FROM ledger_transactions t
           JOIN ledger_entries e ON e.transaction_id = t.id
           JOIN ledger_accounts a ON a.id = e.account_id
          WHERE t.external_ref IS NOT NULL AND ($1::timestamptz IS NULL OR t.created_at >= $1)
            AND ((t.kind = 'FUNDING' AND a.kind = 'REQUESTER_AVAILABLE')
              OR (t.kind = 'PAYOUT_SETTLE' AND a.kind = 'WORKER_PAID_OUT')
              OR (t.kind = 'PAYOUT_REVERSAL' AND a.kind = 'WORKER_EARNED'))
          GROUP BY t.id, t.kind, t.external_ref, e.currency`,
        [since],
      );
    return rows.map(row => {
      const amount = minorAmountFromDatabase(row.amount);
      const kind: MovementKind =
        row.kind === 'FUNDING'
          ? 'charge'
          : row.kind === 'PAYOUT_SETTLE'
            ? 'transfer'
            : 'transfer_refund';
      return {
        kind,
        reference: row.external_ref,
        currency: row.currency,
        // Money out of the platform for transfers.
        amount: kind === 'transfer' ? -amount : amount,
      };
    });
  }
}
