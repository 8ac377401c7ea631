import type { DataSource } from 'typeorm';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { LedgerAccount } from '../../../src/modules/ledger/ledger-account.entity';
import { InsufficientBalanceError } from '../../../src/modules/ledger/ledger.errors';
import { LedgerService } from '../../../src/modules/ledger/ledger.service';
import { LedgerAccountKind, LedgerTransactionKind } from '../../../src/modules/ledger/ledger.types';
import { makeMoneyProject, makeMoneyUser, moneyContext, Role } from '../../helpers/money-fixtures';
import { useTestDatabase } from '../../helpers/test-db';

const EXTERNAL = { kind: LedgerAccountKind.EXTERNAL_FUNDING } as const;
const available = (userId: string) => ({ kind: LedgerAccountKind.REQUESTER_AVAILABLE, userId });

describe(LedgerService.name, () => {
  const testDb = useTestDatabase();
  let dataSource: DataSource;
  let db: TransactionalConnection;
  let sut: LedgerService;

  beforeAll(() => {
    dataSource = testDb.current.dataSource;
    db = new TransactionalConnection(dataSource);
    sut = new LedgerService(db);
  });

  async function fund(userId: string, amount: number, key = `fund-${Math.random()}`) {
    return db.withTransaction(moneyContext(null), tx =>
      sut.post(tx, {
        kind: LedgerTransactionKind.FUNDING,
        uniqueKey: key,
        description: 'test funding',
        currency: 'usd',
        lines: [
          { account: EXTERNAL, amount: -amount },
          { account: available(userId), amount },
        ],
      }),
    );
  }

  /** The requester's available balance in usd. */
  const availableOf = (requesterId: string) =>
    sut.balanceOf(moneyContext(null), available(requesterId), 'usd');

  /** How many ledger transactions carry `description` (0: the refused one left nothing). */
  async function transactionsDescribed(description: string): Promise<number> {
    const [{ n }] = await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE description = $1`,
      [description],
    );
    return n;
  }

  /** A requester funded with `amount`: the rows of their account and of usd external funding. */
  async function fundedAccountRows(amount: number) {
    const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
    await fund(requester.id, amount);
    const accounts: Array<{ id: string; kind: string }> = await dataSource.query(
      `SELECT id, kind FROM ledger_accounts WHERE user_id = $1 OR (kind = 'EXTERNAL_FUNDING' AND currency = 'usd')`,
      [requester.id],
    );
    return {
      requester,
      mine: accounts.find(a => a.kind === 'REQUESTER_AVAILABLE')!,
      external: accounts.find(a => a.kind === 'EXTERNAL_FUNDING')!,
    };
  }

  /** Posts `amount` from the requester's available balance into the project's escrow. */
  function reserveEscrow(
    requesterId: string,
    projectId: string,
    amount: number,
    description: string,
  ) {
    return db.withTransaction(moneyContext(null), tx =>
      sut.post(tx, {
        kind: LedgerTransactionKind.ESCROW_RESERVE,
        description,
        currency: 'usd',
        lines: [
          { account: available(requesterId), amount: -amount },
          { account: { kind: LedgerAccountKind.PROJECT_ESCROW, projectId }, amount },
        ],
      }),
    );
  }

  describe('database rules', () => {
    it('refuses at COMMIT a transaction whose entries do not sum to zero, writing nothing', async () => {
      const { requester, mine: account } = await fundedAccountRows(100);
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        const [ledgerTx] = await runner.query(
          `INSERT INTO ledger_transactions (kind, description) VALUES ('FUNDING', 'unbalanced') RETURNING id`,
        );
        // Accepted statement by statement: the check is deferred to COMMIT.
        await runner.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 50, 'usd')`,
          [ledgerTx.id, account.id],
        );
        await expect(runner.commitTransaction()).rejects.toThrow(/does not balance/);
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await availableOf(requester.id)).toBe(100);
      expect(await transactionsDescribed('unbalanced')).toBe(0);
    });

    it('accepts entries of one transaction inserted one by one when they balance at COMMIT', async () => {
      const { requester, mine, external } = await fundedAccountRows(10);
      await dataSource.transaction(async manager => {
        const [ledgerTx] = await manager.query(
          `INSERT INTO ledger_transactions (kind, description) VALUES ('FUNDING', 'two statements') RETURNING id`,
        );
        await manager.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 7, 'usd')`,
          [ledgerTx.id, mine.id],
        );
        await manager.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, -7, 'usd')`,
          [ledgerTx.id, external.id],
        );
      });
      expect(await availableOf(requester.id)).toBe(17);
    });

    it('refuses a ledger transaction without entries', async () => {
      await expect(
        dataSource.query(
          `INSERT INTO ledger_transactions (kind, description) VALUES ('FUNDING', 'empty')`,
        ),
      ).rejects.toThrow(/has no entries/);
    });

    it('refuses UPDATE, DELETE and TRUNCATE of entries and transactions', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const { transaction } = await fund(requester.id, 100);
      await expect(
        dataSource.query(
          `UPDATE ledger_entries SET amount = amount * 2 WHERE transaction_id = $1`,
          [transaction!.id],
        ),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(
        dataSource.query(`DELETE FROM ledger_entries WHERE transaction_id = $1`, [transaction!.id]),
      ).rejects.toThrow(/append-only: DELETE refused/);
      await expect(dataSource.query(`TRUNCATE ledger_entries CASCADE`)).rejects.toThrow(
        /append-only: TRUNCATE refused/,
      );
      await expect(
        dataSource.query(`UPDATE ledger_transactions SET description = 'x' WHERE id = $1`, [
          transaction!.id,
        ]),
      ).rejects.toThrow(/append-only: UPDATE refused/);
      await expect(
        dataSource.query(`DELETE FROM ledger_transactions WHERE id = $1`, [transaction!.id]),
      ).rejects.toThrow(/append-only: DELETE refused/);
      expect(await availableOf(requester.id)).toBe(100);
    });

    it('refuses a direct change of a cached balance', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      await fund(requester.id, 100);
      await expect(
        dataSource.query(`UPDATE ledger_accounts SET balance = 1000000 WHERE user_id = $1`, [
          requester.id,
        ]),
      ).rejects.toThrow(/changes only through ledger entries/);
      await expect(
        dataSource.query(`DELETE FROM ledger_accounts WHERE user_id = $1`, [requester.id]),
      ).rejects.toThrow(/append-only/);
    });

    it('refuses an entry whose currency is not its account’s', async () => {
      const { mine: account } = await fundedAccountRows(100);
      await expect(
        dataSource.transaction(async manager => {
          const [ledgerTx] = await manager.query(
            `INSERT INTO ledger_transactions (kind, description) VALUES ('FUNDING', 'eur into usd') RETURNING id`,
          );
          await manager.query(
            `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 5, 'eur'), ($1, $2, -5, 'eur')`,
            [ledgerTx.id, account.id],
          );
        }),
      ).rejects.toThrow(/does not match the currency usd/);
    });

    it('refuses entries added to a transaction committed earlier', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const { transaction } = await fund(requester.id, 100);
      const [account] = await dataSource.query(
        `SELECT id FROM ledger_accounts WHERE user_id = $1`,
        [requester.id],
      );
      await expect(
        dataSource.query(
          `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 5, 'usd'), ($1, $2, -5, 'usd')`,
          [transaction!.id, account.id],
        ),
      ).rejects.toThrow(/only be added in the transaction that created/);
    });

    it('keeps guarded balances at zero or above even for hand-written SQL', async () => {
      const { mine, external } = await fundedAccountRows(10);
      await expect(
        dataSource.transaction(async manager => {
          const [ledgerTx] = await manager.query(
            `INSERT INTO ledger_transactions (kind, description) VALUES ('FUNDING', 'overdraw') RETURNING id`,
          );
          await manager.query(
            `INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, -11, 'usd'), ($1, $3, 11, 'usd')`,
            [ledgerTx.id, mine.id, external.id],
          );
        }),
      ).rejects.toThrow(/ledger_accounts_non_negative_check/);
    });
  });

  describe('post', () => {
    it('moves money, caches balances equal to the sums of entries, and sums to zero', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const { project } = await makeMoneyProject(dataSource, requester.id);
      await fund(requester.id, 500);
      await db.withTransaction(moneyContext(null), tx =>
        sut.post(tx, {
          kind: LedgerTransactionKind.ESCROW_RESERVE,
          description: 'reserve',
          currency: 'usd',
          projectId: project.id,
          lines: [
            { account: available(requester.id), amount: -300 },
            {
              account: { kind: LedgerAccountKind.PROJECT_ESCROW, projectId: project.id },
              amount: 300,
            },
          ],
        }),
      );
      const ctx = moneyContext(null);
      expect(await sut.balanceOf(ctx, available(requester.id), 'usd')).toBe(200);
      expect(
        await sut.balanceOf(
          ctx,
          { kind: LedgerAccountKind.PROJECT_ESCROW, projectId: project.id },
          'usd',
        ),
      ).toBe(300);
      expect(await sut.reservedForProject(ctx, project.id, 'usd')).toBe(300);
      expect(await sut.balanceMismatches(ctx)).toEqual([]);
      const [{ total }] = await dataSource.query(
        `SELECT coalesce(sum(balance), 0)::text AS total FROM ledger_accounts WHERE currency = 'usd'`,
      );
      expect(total).toBe('0');
    });

    it('refuses a debit beyond a guarded balance with INSUFFICIENT_BALANCE and writes nothing', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const { project } = await makeMoneyProject(dataSource, requester.id);
      await fund(requester.id, 100);
      const attempt = reserveEscrow(requester.id, project.id, 101, 'too much');
      await expect(attempt).rejects.toBeInstanceOf(InsufficientBalanceError);
      await expect(attempt).rejects.toMatchObject({
        extensions: { code: 'INSUFFICIENT_BALANCE', available: 100, required: 101, shortfall: 1 },
      });
      expect(await availableOf(requester.id)).toBe(100);
      expect(await transactionsDescribed('too much')).toBe(0);
    });

    it('posts a unique key once: a repeat returns the first transaction and moves nothing', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const first = await fund(requester.id, 100, `same-key-${requester.id}`);
      const second = await fund(requester.id, 100, `same-key-${requester.id}`);
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.transaction?.id).toBe(first.transaction?.id);
      expect(await availableOf(requester.id)).toBe(100);
    });

    it('lets only one of two concurrent debits through when the balance covers one', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      const { project } = await makeMoneyProject(dataSource, requester.id);
      await fund(requester.id, 100);
      const reserve = () => reserveEscrow(requester.id, project.id, 70, 'race');
      const results = await Promise.allSettled([reserve(), reserve(), reserve()]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      for (const result of results.filter(r => r.status === 'rejected')) {
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientBalanceError);
      }
      expect(await availableOf(requester.id)).toBe(30);
    });

    it('creates each account once under concurrent first use', async () => {
      const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
      await Promise.all(Array.from({ length: 5 }, () => fund(requester.id, 1)));
      const accounts = await dataSource
        .getRepository(LedgerAccount)
        .findBy({ userId: requester.id });
      expect(accounts).toHaveLength(1);
      expect(accounts[0]!.balance).toBe(5);
    });

    it('refuses to run outside a database transaction', async () => {
      await expect(
        sut.post(moneyContext(null), {
          kind: LedgerTransactionKind.FUNDING,
          description: 'no tx',
          currency: 'usd',
          lines: [],
        }),
      ).rejects.toThrow(/inside a database transaction/);
    });
  });
});
