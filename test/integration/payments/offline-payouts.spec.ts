import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { User } from '../../../src/modules/auth/user.entity';
import { LedgerAccountKind, LedgerTransactionKind } from '../../../src/modules/ledger/ledger.types';
import { PayoutStatus } from '../../../src/modules/payments/payments.types';
import { makeMoneyUser, moneyContext, Role } from '../../helpers/money-fixtures';
import { buildMoneyServices } from '../../helpers/money-services';
import { useTestDatabase } from '../../helpers/test-db';

describe('payouts offline', () => {
  const testDb = useTestDatabase();
  let dataSource: DataSource;
  let money: ReturnType<typeof buildMoneyServices>;
  let admin: User;

  beforeAll(async () => {
    dataSource = testDb.current.dataSource;
    money = buildMoneyServices(dataSource, { minimumAmount: 100 });
    admin = await makeMoneyUser(dataSource, [Role.ADMIN]);
  });

  const balance = (kind: LedgerAccountKind, userId: string) =>
    money.ledger.balanceOf(moneyContext(null), { kind, userId }, 'usd');

  async function workerWith(earned: number) {
    const worker = await makeMoneyUser(dataSource, [Role.WORKER]);
    await earn(worker.id, earned);
    return worker;
  }

  /** `earned` more for the worker (from the platform, to keep the test short). */
  async function earn(workerId: string, earned: number) {
    await money.db.withTransaction(moneyContext(null), tx =>
      money.ledger.post(tx, {
        kind: LedgerTransactionKind.BONUS,
        description: 'earnings for the test',
        currency: 'usd',
        lines: [
          { account: { kind: LedgerAccountKind.PLATFORM_REVENUE }, amount: -earned },
          { account: { kind: LedgerAccountKind.WORKER_EARNED, userId: workerId }, amount: earned },
        ],
      }),
    );
  }

  it('keeps payouts pending until an admin marks them paid, once per key', async () => {
    const worker = await workerWith(150);
    const small = await workerWith(99);
    const run = await money.payouts.createPayouts(moneyContext(admin), {
      idempotencyKey: randomUUID(),
      workerIds: [worker.id, small.id],
    });
    expect(run.payouts).toEqual([
      expect.objectContaining({ workerId: worker.id, amount: 150, status: PayoutStatus.PENDING }),
    ]);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(150);
    expect(await money.payouts.sendDuePayouts(moneyContext(null))).toBe(0);

    const input = {
      payoutId: run.payouts[0]!.id,
      reference: 'SEPA 42',
      idempotencyKey: randomUUID(),
    };
    const paid = await money.payouts.markPaid(moneyContext(admin), input);
    const again = await money.payouts.markPaid(moneyContext(admin), input);
    expect(paid).toMatchObject({ status: PayoutStatus.PAID, reference: 'SEPA 42' });
    expect(again.id).toBe(paid.id);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, worker.id)).toBe(150);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(0);
    await expect(
      money.payouts.markPaid(moneyContext(admin), { ...input, idempotencyKey: randomUUID() }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
  });

  it('returns a payout marked failed to the worker’s earned balance', async () => {
    const worker = await workerWith(300);
    const payout = await money.payouts.createPayout(moneyContext(admin), {
      workerId: worker.id,
      currency: 'usd',
      idempotencyKey: randomUUID(),
    });
    // New earnings wait: one pending payout per worker and currency.
    await earn(worker.id, 50);
    await expect(
      money.payouts.createPayout(moneyContext(admin), {
        workerId: worker.id,
        currency: 'usd',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const failed = await money.payouts.markFailed(moneyContext(admin), {
      payoutId: payout.id,
      reason: 'bank details wrong',
      idempotencyKey: randomUUID(),
    });
    expect(failed).toMatchObject({
      status: PayoutStatus.FAILED,
      failureReason: 'bank details wrong',
    });
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(350);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(0);
  });

  it('refuses a payout of nothing with INSUFFICIENT_BALANCE and bad currencies with BAD_USER_INPUT', async () => {
    const worker = await makeMoneyUser(dataSource, [Role.WORKER]);
    await expect(
      money.payouts.createPayout(moneyContext(admin), {
        workerId: worker.id,
        currency: 'usd',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_BALANCE' } });
    await expect(
      money.payouts.createPayout(moneyContext(admin), {
        workerId: worker.id,
        currency: 'US$',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'currency' } });
  });

  it('answers PAYMENTS_OFFLINE for card payments and connected accounts', async () => {
    const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
    await expect(
      money.fundings.createFunding(moneyContext(requester), {
        amount: 100,
        currency: 'usd',
        method: 'PAYMENT_INTENT' as never,
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'PAYMENTS_OFFLINE' } });
    const worker = await makeMoneyUser(dataSource, [Role.WORKER]);
    await expect(
      money.payouts.connectAccount(moneyContext(worker), {
        refreshUrl: 'https://x',
        returnUrl: 'https://y',
      }),
    ).rejects.toMatchObject({ extensions: { code: 'PAYMENTS_OFFLINE' } });
  });
});
