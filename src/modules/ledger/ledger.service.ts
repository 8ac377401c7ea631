import { type EntityManager, IsNull } from 'typeorm';
import { BadUserInputError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { isCurrency, MAX_MINOR_AMOUNT, minorAmountFromDatabase } from './math/money';
import { LedgerAccount } from './ledger-account.entity';
import { LedgerTransaction } from './ledger-transaction.entity';
import { BalanceLimitExceededError, InsufficientBalanceError } from './ledger.errors';
import {
  type LedgerAccountKind,
  type LedgerTransactionKind,
  NON_NEGATIVE_ACCOUNT_KINDS,
  PROJECT_ACCOUNT_KINDS,
  USER_ACCOUNT_KINDS,
} from './ledger.types';

/** Which account: its kind and owner (a user, a project, or nobody for system accounts). */
export type AccountOwner =
  | { readonly kind: LedgerAccountKind; readonly userId: string }
  | { readonly kind: LedgerAccountKind; readonly projectId: string }
  | { readonly kind: LedgerAccountKind };

/** A ledger transaction to write: its lines must sum to zero. */
export interface Posting {
  readonly kind: LedgerTransactionKind;
  /** At most one transaction per key: a repeat returns the first one and moves nothing. */
  readonly uniqueKey?: string | null;
  readonly description: string;
  readonly currency: string;
  /** Signed amounts in minor units (credit > 0, debit < 0); zero lines are dropped. */
  readonly lines: ReadonlyArray<{ readonly account: AccountOwner; readonly amount: number }>;
  readonly projectId?: string | null;
  readonly assignmentId?: string | null;
  readonly payoutId?: string | null;
  readonly userId?: string | null;
  readonly actorId?: string | null;
  readonly externalRef?: string | null;
}

/** The two lines of a posting that moves `amount` from one account to another. */
export function moveLines(from: AccountOwner, to: AccountOwner, amount: number): Posting['lines'] {
  return [
    { account: from, amount: -amount },
    { account: to, amount },
  ];
}

/** What `post` did: `created` is false when `uniqueKey` had already been posted. */
export interface PostingResult {
  readonly transaction: LedgerTransaction | null;
  readonly created: boolean;
}

/**
 * The only writer of the double-entry ledger. `post` runs inside the caller's transaction
 * (money moves together with the business change that causes it, or not at all):
 *
 * 1. the transaction row is inserted with `ON CONFLICT DO NOTHING`, so a `uniqueKey` (or the
 *    one-approval-per-assignment index) already taken turns the call into a no-op without
 *    aborting the caller's transaction;
 * 2. every account involved is created if missing and locked `FOR UPDATE`, in id order so two
 *    postings never deadlock on each other's accounts;
 * 3. debits on accounts that must not go negative are checked against the locked balances
 *    (INSUFFICIENT_BALANCE), so concurrent debits cannot both pass;
 * 4. the entries go in as one INSERT; triggers then check currencies, update the cached
 *    balances, and at COMMIT check that the transaction sums to zero.
 *
 * The database rules (migration CreateLedger) hold even if this class has a bug; the checks here
 * are there to answer with a clear code instead of a constraint error (a constraint error that
 * still gets through is a bug, and is answered as INTERNAL_SERVER_ERROR).
 */
export class LedgerService {
  constructor(private readonly db: TransactionalConnection) {}

  /** Writes `posting` in `tx`'s transaction; see the class comment. */
  async post(tx: RequestContext, posting: Posting): Promise<PostingResult> {
    const manager = this.requireTransaction(tx);
    if (!isCurrency(posting.currency)) {
      throw new BadUserInputError(`Unknown currency ${posting.currency}`, { field: 'currency' });
    }
    const lines = mergeLines(posting.lines);
    if (lines.length === 0) return { transaction: null, created: false };
    const sum = lines.reduce((total, line) => total + line.amount, 0);
    if (sum !== 0) throw new Error(`Posting ${posting.kind} does not balance (sum ${sum})`);

    const inserted: Array<Record<string, unknown>> = await manager.query(
      `INSERT INTO ledger_transactions
         (kind, unique_key, description, project_id, assignment_id, payout_id, user_id, actor_id, external_ref)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        posting.kind,
        posting.uniqueKey ?? null,
        posting.description,
        posting.projectId ?? null,
        posting.assignmentId ?? null,
        posting.payoutId ?? null,
        posting.userId ?? null,
        posting.actorId ?? null,
        posting.externalRef ?? null,
      ],
    );
    const transactionId = inserted[0]?.id as string | undefined;
    if (!transactionId) {
      // The key (or the assignment's approval) was posted before: nothing moves again.
      const existing = await this.findExisting(manager, posting);
      return { transaction: existing, created: false };
    }

    const accounts = await this.lockAccounts(
      tx,
      lines.map(line => line.account),
      posting.currency,
    );
    for (const [index, line] of lines.entries()) {
      const account = accounts[index]!;
      if (
        line.amount < 0 &&
        NON_NEGATIVE_ACCOUNT_KINDS.includes(account.kind) &&
        account.balance + line.amount < 0
      ) {
        throw new InsufficientBalanceError({
          accountKind: account.kind,
          currency: account.currency,
          available: account.balance,
          required: -line.amount,
        });
      }
      if (Math.abs(account.balance + line.amount) > MAX_MINOR_AMOUNT) {
        throw new BalanceLimitExceededError({
          accountKind: account.kind,
          currency: account.currency,
          limit: MAX_MINOR_AMOUNT,
        });
      }
    }

    const values: unknown[] = [];
    const rows = lines.map((line, index) => {
      values.push(transactionId, accounts[index]!.id, line.amount, posting.currency);
      const p = index * 4;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4})`;
    });
    await manager.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ${rows.join(', ')}`,
      values,
    );
    const transaction = await manager.findOneByOrFail(LedgerTransaction, { id: transactionId });
    return { transaction, created: true };
  }

  /**
   * The account of `owner` in `currency`, created (at zero) if missing and locked FOR UPDATE
   * until the caller's transaction ends. Lock before reading a balance you are about to act on.
   */
  async lockAccount(
    tx: RequestContext,
    owner: AccountOwner,
    currency: string,
  ): Promise<LedgerAccount> {
    const [account] = await this.lockAccounts(tx, [owner], currency);
    return account!;
  }

  /** The account of `owner` in `currency`, or null if it was never used. No lock. */
  async findAccount(
    ctx: RequestContext,
    owner: AccountOwner,
    currency: string,
  ): Promise<LedgerAccount | null> {
    const { userId, projectId } = ownerIds(owner);
    return this.db.repo(ctx, LedgerAccount).findOneBy({
      kind: owner.kind,
      currency,
      userId: userId ?? IsNull(),
      projectId: projectId ?? IsNull(),
    });
  }

  /** Balance of `owner` in `currency` (0 for an account never used). No lock. */
  async balanceOf(ctx: RequestContext, owner: AccountOwner, currency: string): Promise<number> {
    return (await this.findAccount(ctx, owner, currency))?.balance ?? 0;
  }

  /** Every account a user owns (requester and worker kinds), ordered by currency and kind. */
  async accountsOfUser(ctx: RequestContext, userId: string): Promise<LedgerAccount[]> {
    return this.db
      .repo(ctx, LedgerAccount)
      .find({ where: { userId }, order: { currency: 'ASC', kind: 'ASC' } });
  }

  /**
   * Sum of the amounts a project's escrow received from ESCROW_RESERVE transactions: what was
   * reserved over its life (approvals spend it; they do not make it smaller).
   */
  async reservedForProject(
    tx: RequestContext,
    projectId: string,
    currency: string,
  ): Promise<number> {
    const rows: Array<{ total: string | null }> = await this.db.manager(tx).query(
      `SELECT sum(e.amount) AS total
         FROM ledger_entries e
         JOIN ledger_accounts a ON a.id = e.account_id
         JOIN ledger_transactions t ON t.id = e.transaction_id
        WHERE a.kind = 'PROJECT_ESCROW' AND a.project_id = $1 AND a.currency = $2
          -- Reservations carry the project id: reading them by (project_id, kind) touches the
          -- few reservation rows, not every approval entry of the escrow (once per approval).
          AND t.kind = 'ESCROW_RESERVE' AND t.project_id = $1`,
      [projectId, currency],
    );
    return minorAmountFromDatabase(rows[0]?.total ?? null);
  }

  /** Sum of each account's entries next to its cached balance, for accounts where they differ. */
  async balanceMismatches(
    ctx: RequestContext,
  ): Promise<Array<{ accountId: string; cached: number; summed: number }>> {
    const rows: Array<{ id: string; balance: string; summed: string | null }> = await this.db
      .manager(ctx)
      .query(
        `SELECT a.id, a.balance, s.summed
           FROM ledger_accounts a
           LEFT JOIN (SELECT account_id, sum(amount) AS summed FROM ledger_entries GROUP BY account_id) s
             ON s.account_id = a.id
          WHERE a.balance <> coalesce(s.summed, 0)`,
      );
    return rows.map(row => ({
      accountId: row.id,
      cached: minorAmountFromDatabase(row.balance),
      summed: minorAmountFromDatabase(row.summed),
    }));
  }

  private async lockAccounts(
    tx: RequestContext,
    owners: readonly AccountOwner[],
    currency: string,
  ): Promise<LedgerAccount[]> {
    const manager = this.requireTransaction(tx);
    const ids: string[] = [];
    for (const owner of owners) ids.push(await this.ensureAccount(manager, owner, currency));
    // One statement, ordered by id: every posting takes its locks in the same global order.
    const locked = await manager
      .createQueryBuilder(LedgerAccount, 'account')
      .where('account.id IN (:...ids)', { ids: [...new Set(ids)] })
      .orderBy('account.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    const byId = new Map(locked.map(account => [account.id, account]));
    return ids.map(id => byId.get(id)!);
  }

  private async ensureAccount(
    manager: EntityManager,
    owner: AccountOwner,
    currency: string,
  ): Promise<string> {
    const { userId, projectId } = ownerIds(owner);
    const conflictTarget = userId
      ? `(kind, user_id, currency) WHERE user_id IS NOT NULL`
      : projectId
        ? `(kind, project_id, currency) WHERE project_id IS NOT NULL`
        : `(kind, currency) WHERE user_id IS NULL AND project_id IS NULL`;
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO ledger_accounts (kind, user_id, project_id, currency)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT ${conflictTarget} DO NOTHING
       RETURNING id`,
      [owner.kind, userId ?? null, projectId ?? null, currency],
    );
    if (inserted[0]) return inserted[0].id;
    const existing: Array<{ id: string }> = await manager.query(
      `SELECT id FROM ledger_accounts
        WHERE kind = $1 AND user_id IS NOT DISTINCT FROM $2 AND project_id IS NOT DISTINCT FROM $3
          AND currency = $4`,
      [owner.kind, userId ?? null, projectId ?? null, currency],
    );
    return existing[0]!.id;
  }

  private async findExisting(
    manager: EntityManager,
    posting: Posting,
  ): Promise<LedgerTransaction | null> {
    if (posting.uniqueKey) {
      const byKey = await manager.findOneBy(LedgerTransaction, { uniqueKey: posting.uniqueKey });
      if (byKey) return byKey;
    }
    if (posting.assignmentId) {
      return manager.findOneBy(LedgerTransaction, {
        kind: posting.kind,
        assignmentId: posting.assignmentId,
      });
    }
    return null;
  }

  private requireTransaction(tx: RequestContext): EntityManager {
    if (!tx.transactionManager) {
      // A programming error: money must move inside the transaction of the change causing it.
      throw new Error('LedgerService needs a context inside a database transaction');
    }
    return tx.transactionManager;
  }
}

/** The owner ids of an account reference, validated against its kind. */
function ownerIds(owner: AccountOwner): { userId?: string; projectId?: string } {
  const userId = 'userId' in owner ? owner.userId : undefined;
  const projectId = 'projectId' in owner ? owner.projectId : undefined;
  if (USER_ACCOUNT_KINDS.includes(owner.kind) !== Boolean(userId)) {
    throw new Error(`Account ${owner.kind} needs ${userId ? 'no' : 'a'} user`);
  }
  if (PROJECT_ACCOUNT_KINDS.includes(owner.kind) !== Boolean(projectId)) {
    throw new Error(`Account ${owner.kind} needs ${projectId ? 'no' : 'a'} project`);
  }
  return { userId, projectId };
}

/** Lines on the same account are added up; zero lines disappear. */
function mergeLines(lines: Posting['lines']): Array<{ account: AccountOwner; amount: number }> {
  const merged = new Map<string, { account: AccountOwner; amount: number }>();
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amount)) {
      throw new BadUserInputError(`Amount ${line.amount} is not a whole number of minor units`, {
        field: 'amount',
      });
    }
    const { userId, projectId } = ownerIds(line.account);
    const key = `${line.account.kind}|${userId ?? ''}|${projectId ?? ''}`;
    const current = merged.get(key);
    if (current) current.amount += line.amount;
    else merged.set(key, { account: line.account, amount: line.amount });
  }
  return [...merged.values()].filter(line => line.amount !== 0);
}
