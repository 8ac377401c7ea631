import { NotFoundError } from '../../common/errors';
import { type ConnectionArgs, type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { LedgerEntry } from '../ledger/ledger-entry.entity';
import type { LedgerService } from '../ledger/ledger.service';
import { accountOf, LedgerAccountKind } from '../ledger/ledger.types';
import { Project } from '../projects/project.entity';
import { minorAmountFromDatabase } from '../ledger/math/money';
import type {
  ProjectMoney,
  RequesterBalance,
  TrialBalance,
  TrialBalanceCurrency,
  WorkerEarnings,
} from './money.types';
import { Payout } from './payout.entity';
import type { PayoutStatus } from './payments.types';

/**
 * Read models of the ledger: what requesters, workers and admins see. Everything is derived
 * from ledger entries and account balances (which the database keeps equal to the sums of
 * entries), never from counters kept elsewhere.
 */
export class MoneyQueryService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly ledger: LedgerService,
  ) {}

  /** The caller's available balance, escrow across their projects and spend, per currency. */
  async requesterBalances(ctx: RequestContext): Promise<RequesterBalance[]> {
    const userId = ctx.requireUserId();
    const rows: Array<{ currency: string; available: string; in_escrow: string; spent: string }> =
      await this.db.manager(ctx).query(
        `WITH mine AS (
           SELECT a.id, a.kind, a.currency, a.balance FROM ledger_accounts a
            WHERE (a.kind = 'REQUESTER_AVAILABLE' AND a.user_id = $1)
               OR (a.kind = 'PROJECT_ESCROW' AND a.project_id IN (SELECT id FROM projects WHERE owner_id = $1))
         ),
         spend AS (
           SELECT e.currency, -sum(e.amount) AS spent
             FROM ledger_entries e
             JOIN mine m ON m.id = e.account_id
             JOIN ledger_transactions t ON t.id = e.transaction_id
            WHERE t.kind IN ('ASSIGNMENT_APPROVAL', 'BONUS')
            GROUP BY e.currency
         )
         SELECT m.currency,
                coalesce(sum(m.balance) FILTER (WHERE m.kind = 'REQUESTER_AVAILABLE'), 0) AS available,
                coalesce(sum(m.balance) FILTER (WHERE m.kind = 'PROJECT_ESCROW'), 0) AS in_escrow,
                coalesce(max(s.spent), 0) AS spent
           FROM mine m LEFT JOIN spend s ON s.currency = m.currency
          GROUP BY m.currency ORDER BY m.currency`,
        [userId],
      );
    return rows.map(row => ({
      currency: row.currency,
      available: minorAmountFromDatabase(row.available),
      inEscrow: minorAmountFromDatabase(row.in_escrow),
      spent: minorAmountFromDatabase(row.spent),
    }));
  }

  /** Reserved, escrow, spend and releases of one project: its owner or an admin. */
  async projectMoney(ctx: RequestContext, projectId: string): Promise<ProjectMoney> {
    const project = isUuid(projectId)
      ? await this.db.repo(ctx, Project).findOneBy({ id: projectId })
      : null;
    if (!project || (project.ownerId !== ctx.requireUserId() && !ctx.hasRole(Role.ADMIN))) {
      throw new NotFoundError('Project', projectId);
    }
    const rows: Array<{ kind: string; account_kind: string; amount: string; n: number }> =
      await this.db.manager(ctx).query(
        `SELECT t.kind, a.kind AS account_kind, sum(e.amount) AS amount, count(DISTINCT t.id)::int AS n
           FROM ledger_transactions t
           JOIN ledger_entries e ON e.transaction_id = t.id
           JOIN ledger_accounts a ON a.id = e.account_id
          WHERE t.project_id = $1 AND e.currency = $2
          GROUP BY t.kind, a.kind`,
        [project.id, project.currency],
      );
    const sum = (kind: string, accountKind: LedgerAccountKind) =>
      minorAmountFromDatabase(
        rows.find(row => row.kind === kind && row.account_kind === accountKind)?.amount ?? null,
      );
    const rewards = sum('ASSIGNMENT_APPROVAL', LedgerAccountKind.WORKER_EARNED);
    const bonuses = sum('BONUS', LedgerAccountKind.WORKER_EARNED);
    const fees =
      sum('ASSIGNMENT_APPROVAL', LedgerAccountKind.PLATFORM_REVENUE) +
      sum('BONUS', LedgerAccountKind.PLATFORM_REVENUE);
    const approvedAssignments =
      rows.find(
        row =>
          row.kind === 'ASSIGNMENT_APPROVAL' &&
          row.account_kind === LedgerAccountKind.WORKER_EARNED,
      )?.n ?? 0;
    return {
      projectId: project.id,
      currency: project.currency,
      reserved: sum('ESCROW_RESERVE', LedgerAccountKind.PROJECT_ESCROW),
      escrow: await this.ledger.balanceOf(ctx, accountOf.escrow(project.id), project.currency),
      rewards,
      bonuses,
      fees,
      spent: rewards + bonuses + fees,
      released: sum('ESCROW_RELEASE', LedgerAccountKind.REQUESTER_AVAILABLE),
      approvedAssignments,
    };
  }

  /** The caller's earned, pending and paid-out amounts, per currency. */
  async workerEarnings(ctx: RequestContext): Promise<WorkerEarnings[]> {
    const accounts = await this.ledger.accountsOfUser(ctx, ctx.requireUserId());
    const byCurrency = new Map<string, WorkerEarnings>();
    for (const account of accounts) {
      const row = byCurrency.get(account.currency) ?? {
        currency: account.currency,
        earned: 0,
        pending: 0,
        paidOut: 0,
      };
      if (account.kind === LedgerAccountKind.WORKER_EARNED) row.earned = account.balance;
      else if (account.kind === LedgerAccountKind.WORKER_PAYOUT_PENDING)
        row.pending = account.balance;
      else if (account.kind === LedgerAccountKind.WORKER_PAID_OUT) row.paidOut = account.balance;
      else continue;
      byCurrency.set(account.currency, row);
    }
    return [...byCurrency.values()];
  }

  /**
   * The entries on the caller's own accounts (requester and worker kinds), oldest first, with
   * their transaction and account: every movement behind the balances above.
   */
  async myEntries(
    ctx: RequestContext,
    args: ConnectionArgs & { currency?: string | null; accountKind?: LedgerAccountKind | null },
  ): Promise<ConnectionShape<LedgerEntry>> {
    const qb = this.db
      .repo(ctx, LedgerEntry)
      .createQueryBuilder('entry')
      .innerJoinAndSelect('entry.account', 'account')
      .innerJoinAndSelect('entry.transaction', 'transaction')
      .where('account.user_id = :userId', { userId: ctx.requireUserId() });
    if (args.currency)
      qb.andWhere('entry.currency = :currency', { currency: args.currency.toLowerCase() });
    if (args.accountKind) qb.andWhere('account.kind = :kind', { kind: args.accountKind });
    return paginate(qb, args);
  }

  /** Payouts: the caller's own, or (admins) anyone's, optionally by status and worker. */
  async payouts(
    ctx: RequestContext,
    args: ConnectionArgs & { status?: PayoutStatus | null; workerId?: string | null },
    scope: 'own' | 'all',
  ): Promise<ConnectionShape<Payout>> {
    const qb = this.db.repo(ctx, Payout).createQueryBuilder('payout');
    if (scope === 'own') qb.where('payout.worker_id = :me', { me: ctx.requireUserId() });
    else qb.where('TRUE');
    if (args.status) qb.andWhere('payout.status = :status', { status: args.status });
    if (args.workerId) {
      if (!isUuid(args.workerId)) qb.andWhere('FALSE');
      else qb.andWhere('payout.worker_id = :workerId', { workerId: args.workerId });
    }
    return paginate(qb, args);
  }

  /** Every account summed by kind and currency; each currency must sum to zero. */
  async trialBalance(ctx: RequestContext): Promise<TrialBalance> {
    const rows: Array<{
      currency: string;
      kind: LedgerAccountKind;
      accounts: number;
      balance: string;
    }> = await this.db.manager(ctx).query(
      `SELECT currency, kind, count(*)::int AS accounts, sum(balance) AS balance
           FROM ledger_accounts GROUP BY currency, kind ORDER BY currency, kind`,
    );
    const currencies = new Map<string, TrialBalanceCurrency>();
    for (const row of rows) {
      const entry = currencies.get(row.currency) ?? { currency: row.currency, total: 0, lines: [] };
      const balance = minorAmountFromDatabase(row.balance);
      entry.lines.push({ kind: row.kind, accounts: row.accounts, balance });
      entry.total += balance;
      currencies.set(row.currency, entry);
    }
    const list = [...currencies.values()];
    return {
      balanced: list.every(currency => currency.total === 0),
      cachedBalancesMatchEntries: (await this.ledger.balanceMismatches(ctx)).length === 0,
      currencies: list,
    };
  }
}
