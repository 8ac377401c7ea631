import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../src/common/request-context';
import type { User } from '../../src/modules/auth/user.entity';
import { LedgerAccountKind, LedgerTransactionKind } from '../../src/modules/ledger/ledger.types';
import {
  addMoneyTasks,
  makeMoneyAssignment,
  makeMoneyProject,
  makeMoneyUser,
  moneyContext,
  Role,
} from './money-fixtures';
import { buildMoneyServices, stripeProviderFor } from './money-services';
import { startStripeServer, type StripeTestServer } from './stripe-server';
import { useTestDatabase } from './test-db';

/** What a money spec works with; filled in `beforeAll`, so read it inside tests only. */
export interface MoneyWorld {
  dataSource: DataSource;
  /** The test database's URL, for commands that open their own connection. */
  databaseUrl: string;
  money: ReturnType<typeof buildMoneyServices>;
  /** An admin user, for the admin-only operations. */
  admin: User;
  /** The test Stripe server; only with `stripe` in the options. */
  stripe: StripeTestServer;
  /** The money fixtures (money-fixtures.ts) on this world's database. */
  makeRequester(): Promise<User>;
  makeWorker(): Promise<User>;
  makeProject(
    ...args: Tail<Parameters<typeof makeMoneyProject>>
  ): ReturnType<typeof makeMoneyProject>;
  addTasks(...args: Tail<Parameters<typeof addMoneyTasks>>): ReturnType<typeof addMoneyTasks>;
  makeAssignment(
    ...args: Tail<Parameters<typeof makeMoneyAssignment>>
  ): ReturnType<typeof makeMoneyAssignment>;
  /**
   * `amount` more earned by the worker, paid from platform revenue as a bonus: the payout specs
   * need earnings, not the approvals that would make them.
   */
  creditEarnings(workerId: string, amount: number, ctx?: RequestContext): Promise<void>;
}

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

/**
 * The arrange block every money spec shared: a fresh test database, the money services built as
 * the container builds them, an admin, and (with `stripe`) a test Stripe server driven by `clock`
 * behind the real Stripe provider, closed after the file.
 */
export function useMoneyWorld(
  options: Omit<Parameters<typeof buildMoneyServices>[1] & object, 'provider'> & {
    stripe?: { timeoutMs?: number };
  } = {},
): MoneyWorld {
  const { stripe: stripeOptions, ...serviceOptions } = options;
  const testDb = useTestDatabase();
  const world = {
    makeRequester: () => makeMoneyUser(world.dataSource, [Role.REQUESTER]),
    makeWorker: () => makeMoneyUser(world.dataSource, [Role.WORKER]),
    makeProject: (...args) => makeMoneyProject(world.dataSource, ...args),
    addTasks: (...args) => addMoneyTasks(world.dataSource, ...args),
    makeAssignment: (...args) => makeMoneyAssignment(world.dataSource, ...args),
    creditEarnings: async (workerId, amount, ctx = moneyContext(null)) => {
      await world.money.db.withTransaction(ctx, tx =>
        world.money.ledger.post(tx, {
          kind: LedgerTransactionKind.BONUS,
          description: 'earnings for the test',
          currency: 'usd',
          lines: [
            { account: { kind: LedgerAccountKind.PLATFORM_REVENUE }, amount: -amount },
            { account: { kind: LedgerAccountKind.WORKER_EARNED, userId: workerId }, amount },
          ],
        }),
      );
    },
  } as MoneyWorld;

  beforeAll(async () => {
    world.dataSource = testDb.current.dataSource;
    world.databaseUrl = testDb.current.url;
    if (stripeOptions) world.stripe = await startStripeServer({ clock: options.clock });
    const provider = stripeOptions
      ? stripeProviderFor(world.stripe, stripeOptions.timeoutMs)
      : undefined;
    world.money = buildMoneyServices(world.dataSource, { ...serviceOptions, provider });
    world.admin = await makeMoneyUser(world.dataSource, [Role.ADMIN]);
  });

  afterAll(async () => {
    await world.stripe?.close();
  });

  return world;
}
