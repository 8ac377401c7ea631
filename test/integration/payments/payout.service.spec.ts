import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../src/common/clock';
import type { User } from '../../../src/modules/auth/user.entity';
import { LedgerAccountKind, LedgerTransactionKind } from '../../../src/modules/ledger/ledger.types';
import { Payout } from '../../../src/modules/payments/payout.entity';
import { PayoutService, transferGroupOf } from '../../../src/modules/payments/payout.service';
import { PayoutStatus } from '../../../src/modules/payments/payments.types';
import { ProjectStatus } from '../../../src/modules/projects/project.types';
import { moneyContext } from '../../helpers/money-fixtures';
import type { Fault } from '../../helpers/stripe-server';
import { useMoneyWorld } from '../../helpers/money-world';

const CLAIM_MS = 60_000;

describe(`${PayoutService.name} with Stripe`, () => {
  const clock = new ManualClock(Date.now());
  const world = useMoneyWorld({
    stripe: { timeoutMs: 300 },
    feeBps: 2000,
    claimMs: CLAIM_MS,
    clock,
  });

  afterEach(() => world.stripe.clearFaults());

  const ctx = (user: User | null = world.admin) => moneyContext(user, clock);
  const balance = (kind: LedgerAccountKind, userId: string) =>
    world.money.ledger.balanceOf(ctx(null), { kind, userId }, 'usd');

  /** A worker with a connected, enabled Stripe account and `earned` in WORKER_EARNED. */
  async function connectedWorker(earned: number, options: { enabled?: boolean } = {}) {
    const worker = await world.makeWorker();
    const link = await world.money.payouts.connectAccount(ctx(worker), {
      refreshUrl: 'https://quorum.example/refresh',
      returnUrl: 'https://quorum.example/return',
    });
    expect(link.url).toMatch(/^https?:\/\//);
    if (options.enabled ?? true) world.stripe.enableAccount(link.account.stripeAccountId);
    await world.money.payouts.refreshAccount(ctx(null), link.account.stripeAccountId);
    if (earned > 0) await earn(worker, earned);
    return { worker, accountId: link.account.stripeAccountId };
  }

  /**
   * A worker earning `earned` whose payout run meets `fault` on Stripe's transfer endpoint (once):
   * the worker, the payout as the run left it, and the fault's handle.
   */
  async function payoutMeeting(earned: number, fault: Fault) {
    const { worker } = await connectedWorker(earned);
    const injected = world.stripe.injectFault({ method: 'POST', path: '/v1/transfers' }, fault);
    const [first] = (await world.money.payouts.createPayouts(ctx(), { workerIds: [worker.id] }))
      .payouts;
    return { worker, first: first, fault: injected };
  }

  /** The payout row as stored now. */
  const storedPayout = (id: string) =>
    world.dataSource.getRepository(Payout).findOneByOrFail({ id });

  /** `amount` approved for `worker` on a funded project (reward = amount). */
  async function earn(worker: User, amount: number) {
    const requester = await world.makeRequester();
    const { project, tasks } = await world.makeProject(requester.id, {
      rewardAmount: amount,
      maxOverlap: 1,
      taskCount: 1,
      status: ProjectStatus.ACTIVE,
    });
    await world.money.fundings.recordManualFunding(ctx(), {
      requesterId: requester.id,
      amount: amount * 2,
      currency: 'usd',
      reference: 'test',
      idempotencyKey: randomUUID(),
    });
    const assignment = await world.makeAssignment(project, tasks[0]!, worker.id);
    await world.dataSource.query(`UPDATE assignments SET status = 'APPROVED' WHERE id = $1`, [
      assignment.id,
    ]);
    await world.money.escrow.settleApprovalOf(ctx(null), assignment.id);
  }

  function transfersTo(accountId: string) {
    return world.stripe
      .requests({ method: 'POST', path: '/v1/transfers' })
      .filter(r => r.params.destination === accountId && r.status === 200);
  }

  async function stripeTransfers(payoutId: string) {
    const list = await world.stripe
      .client()
      .transfers.list({ transfer_group: transferGroupOf(payoutId) });
    return list.data;
  }

  /** A PENDING payout of `amount`, reserved but not sent (as a run leaves it before sending). */
  async function pendingPayout(
    workerId: string,
    accountId: string,
    amount: number,
    options: { attempts?: number; sendAfter?: Date } = {},
  ): Promise<string> {
    return world.money.db.withTransaction(ctx(), async tx => {
      const [row] = await world.money.db.manager(tx).query(
        `INSERT INTO payouts (worker_id, amount, currency, destination_account_id, send_after, attempts)
         VALUES ($1, $2, 'usd', $3, $4, $5) RETURNING id`,
        [workerId, amount, accountId, options.sendAfter ?? clock.now(), options.attempts ?? 0],
      );
      await world.money.ledger.post(tx, {
        kind: LedgerTransactionKind.PAYOUT_RESERVE,
        uniqueKey: `payout-reserve:${row.id}`,
        description: 'Payout created',
        currency: 'usd',
        payoutId: row.id,
        userId: workerId,
        lines: [
          { account: { kind: LedgerAccountKind.WORKER_EARNED, userId: workerId }, amount: -amount },
          { account: { kind: LedgerAccountKind.WORKER_PAYOUT_PENDING, userId: workerId }, amount },
        ],
      });
      return row.id as string;
    });
  }

  async function expectPaidOnce(workerId: string, payout: Payout, amount: number) {
    expect(payout.status).toBe(PayoutStatus.PAID);
    expect(await stripeTransfers(payout.id)).toHaveLength(1);
    expect((await stripeTransfers(payout.id))[0]!.amount).toBe(amount);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, workerId)).toBe(amount);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, workerId)).toBe(0);
    expect(await balance(LedgerAccountKind.WORKER_EARNED, workerId)).toBe(0);
  }

  it('pays a worker’s earnings with one transfer, keyed by the payout id', async () => {
    const { worker, accountId } = await connectedWorker(700);
    const run = await world.money.payouts.createPayouts(ctx(), {
      idempotencyKey: randomUUID(),
      workerIds: [worker.id],
    });
    expect(run.payouts).toHaveLength(1);
    const payout = run.payouts[0]!;
    await expectPaidOnce(worker.id, payout, 700);
    const [request] = transfersTo(accountId);
    expect(request!.idempotencyKey).toBe(`quorum-payout-${payout.id}`);
    expect(request!.params.transfer_group).toBe(transferGroupOf(payout.id));
  });

  it('refuses a payout to a worker without a connected account with PAYOUT_ACCOUNT_MISSING', async () => {
    const worker = await world.makeWorker();
    await earn(worker, 300);
    await expect(
      world.money.payouts.createPayout(ctx(), {
        workerId: worker.id,
        currency: 'usd',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'PAYOUT_ACCOUNT_MISSING' } });
    const run = await world.money.payouts.createPayouts(ctx(), { workerIds: [worker.id] });
    expect(run.payouts).toEqual([]);
    expect(run.skipped).toEqual([
      { workerId: worker.id, currency: 'usd', reason: 'NO_PAYOUT_ACCOUNT' },
    ]);
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(300);
  });

  it('leaves out workers below the minimum and pays those above it', async () => {
    const small = await connectedWorker(99);
    const large = await connectedWorker(100);
    const run = await world.money.payouts.createPayouts(ctx(), {
      minimumAmount: 100,
      workerIds: [small.worker.id, large.worker.id],
    });
    expect(run.payouts.map(p => p.workerId)).toEqual([large.worker.id]);
    expect(await balance(LedgerAccountKind.WORKER_EARNED, small.worker.id)).toBe(99);
  });

  it('records a transfer Stripe made before answering 500, without making another (crash after the call)', async () => {
    const { worker, first } = await payoutMeeting(400, {
      kind: 'error',
      phase: 'after-commit',
      status: 500,
    });
    expect(first.status).toBe(PayoutStatus.PENDING);
    expect(first.lastError).toBeTruthy();
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(400);

    clock.advance(CLAIM_MS + 60_000);
    await world.money.payouts.sendDuePayouts(ctx(null));
    const settled = await storedPayout(first.id);
    await expectPaidOnce(worker.id, settled, 400);
    // The retry found the transfer by its group: it never asked Stripe to transfer again.
    expect(
      world.stripe
        .requests({ method: 'POST', path: '/v1/transfers' })
        .filter(r => r.idempotencyKey === `quorum-payout-${first.id}`),
    ).toHaveLength(1);
  });

  it('finds the transfer after a sender crashed mid-send once its claim lapses', async () => {
    const { worker, accountId } = await connectedWorker(180);
    // The payout was claimed (attempt 1, claim held for CLAIM_MS) by a sender that then died.
    const payoutId = await pendingPayout(worker.id, accountId, 180, {
      attempts: 1,
      sendAfter: new Date(clock.now().getTime() + CLAIM_MS),
    });
    // The crashed sender's call reached Stripe.
    await world.stripe.client().transfers.create(
      {
        amount: 180,
        currency: 'usd',
        destination: accountId,
        transfer_group: transferGroupOf(payoutId),
        metadata: { quorum_payout_id: payoutId },
      },
      { idempotencyKey: `quorum-payout-${payoutId}` },
    );
    // Its claim still holds: nobody sends.
    expect(await world.money.payouts.sendDuePayouts(ctx(null))).toBe(0);
    clock.advance(CLAIM_MS);
    await world.money.payouts.sendDuePayouts(ctx(null));
    await expectPaidOnce(worker.id, await storedPayout(payoutId), 180);
  });

  it('retries a transfer that failed before reaching Stripe with the same key', async () => {
    const { worker, first } = await payoutMeeting(320, {
      kind: 'error',
      phase: 'before-execution',
      status: 502,
    });
    expect(first.status).toBe(PayoutStatus.PENDING);
    expect(await stripeTransfers(first.id)).toHaveLength(0);
    clock.advance(CLAIM_MS + 60_000);
    await world.money.payouts.sendDuePayouts(ctx(null));
    await expectPaidOnce(worker.id, await storedPayout(first.id), 320);
  });

  it('waits out a saved 500 (Stripe replays it for the key’s 24 hours) and then pays once', async () => {
    const { worker, first } = await payoutMeeting(260, {
      kind: 'error',
      phase: 'before-commit',
      status: 500,
    });
    clock.advance(3_600_000);
    await world.money.payouts.sendDuePayouts(ctx(null));
    let payout = await storedPayout(first.id);
    expect(payout.status).toBe(PayoutStatus.PENDING);
    expect(payout.attempts).toBe(2);
    // After the key expires the same key runs the transfer for real.
    clock.advance(24 * 3_600_000);
    await world.money.payouts.sendDuePayouts(ctx(null));
    payout = await storedPayout(first.id);
    await expectPaidOnce(worker.id, payout, 260);
  });

  it('treats a client timeout as unknown and finds the transfer on the retry', async () => {
    const {
      worker,
      first,
      fault: hang,
    } = await payoutMeeting(150, { kind: 'hang', phase: 'after-commit' });
    expect(first.status).toBe(PayoutStatus.PENDING);
    hang.release();
    clock.advance(CLAIM_MS + 60_000);
    await world.money.payouts.sendDuePayouts(ctx(null));
    await expectPaidOnce(worker.id, await storedPayout(first.id), 150);
  });

  it('pays each worker once when payout runs race each other', async () => {
    const workers = await Promise.all([
      connectedWorker(110),
      connectedWorker(120),
      connectedWorker(130),
    ]);
    const ids = workers.map(w => w.worker.id);
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => world.money.payouts.createPayouts(ctx(), { workerIds: ids })),
    );
    const created = runs.flatMap(run => run.payouts);
    expect(created).toHaveLength(3);
    for (const [index, { worker }] of workers.entries()) {
      const [payout] = await world.dataSource.getRepository(Payout).findBy({ workerId: worker.id });
      await expectPaidOnce(worker.id, payout!, 110 + index * 10);
    }
  });

  it('sends a payout once when several senders race for it', async () => {
    const { worker, accountId } = await connectedWorker(90);
    const payoutId = await pendingPayout(worker.id, accountId, 90);
    // Slow Stripe down so the senders overlap.
    world.stripe.injectFault(
      { method: 'POST', path: '/v1/transfers' },
      { kind: 'delay', phase: 'before-execution', ms: 100 },
      { times: 5 },
    );
    const results = await Promise.all(
      Array.from({ length: 4 }, () => world.money.payouts.sendPayout(ctx(null), payoutId)),
    );
    expect(results.every(r => r.id === payoutId)).toBe(true);
    expect(world.stripe.countRequests({ method: 'POST', path: '/v1/transfers' })).toBeGreaterThan(
      0,
    );
    await expectPaidOnce(worker.id, await storedPayout(payoutId), 90);
    expect(
      world.stripe
        .requests({ method: 'POST', path: '/v1/transfers' })
        .filter(r => r.idempotencyKey === `quorum-payout-${payoutId}`),
    ).toHaveLength(1);
  });

  it('fails a payout Stripe refuses and returns the money to earned', async () => {
    const { worker } = await connectedWorker(210, { enabled: false });
    // Mark the account enabled on our side only: Stripe still lacks the transfers capability.
    await world.dataSource.query(
      `UPDATE payout_accounts SET payouts_enabled = true WHERE user_id = $1`,
      [worker.id],
    );
    const payout = await world.money.payouts.createPayout(ctx(), {
      workerId: worker.id,
      currency: 'usd',
      idempotencyKey: randomUUID(),
    });
    expect(payout.status).toBe(PayoutStatus.FAILED);
    expect(payout.failureReason).toMatch(/capabilities/);
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(210);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(0);
  });

  it('returns reversed money to earned once, whatever the number of deliveries', async () => {
    const { worker } = await connectedWorker(500);
    const [payout] = (await world.money.payouts.createPayouts(ctx(), { workerIds: [worker.id] }))
      .payouts;
    await world.stripe.client().transfers.createReversal(payout!.transferId!, { amount: 200 });
    const transfer = await world.money.provider.retrieveTransfer(payout!.transferId!);
    for (let i = 0; i < 3; i++) {
      await world.money.db.withTransaction(ctx(null), tx =>
        world.money.payouts.applyTransfer(tx, transfer),
      );
    }
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(200);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, worker.id)).toBe(300);
    let stored = await storedPayout(payout!.id);
    expect(stored).toMatchObject({ status: PayoutStatus.PAID, amountReversed: 200 });

    await world.stripe.client().transfers.createReversal(payout!.transferId!);
    const full = await world.money.provider.retrieveTransfer(payout!.transferId!);
    await world.money.db.withTransaction(ctx(null), tx =>
      world.money.payouts.applyTransfer(tx, full),
    );
    // An older snapshot arriving late changes nothing.
    await world.money.db.withTransaction(ctx(null), tx =>
      world.money.payouts.applyTransfer(tx, transfer),
    );
    stored = await storedPayout(payout!.id);
    expect(stored).toMatchObject({ status: PayoutStatus.REVERSED, amountReversed: 500 });
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(500);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, worker.id)).toBe(0);
  });

  it('reverses the matching transfer when the worker’s bank refuses the payout', async () => {
    const { worker, accountId } = await connectedWorker(330);
    const [payout] = (await world.money.payouts.createPayouts(ctx(), { workerIds: [worker.id] }))
      .payouts;
    const failure = {
      account: accountId,
      amount: 330,
      currency: 'usd',
      failureCode: 'account_closed',
    };
    const reversed = await world.money.payouts.handleBankPayoutFailed(ctx(null), failure);
    await world.money.payouts.handleBankPayoutFailed(ctx(null), failure); // a duplicate event
    expect(reversed).toMatchObject({ id: payout!.id, status: PayoutStatus.REVERSED });
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(330);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, worker.id)).toBe(0);
    const transfer = await world.stripe.client().transfers.retrieve(payout!.transferId!);
    expect(transfer.amount_reversed).toBe(330);
    expect(
      await world.dataSource.query(
        `SELECT last_payout_failure FROM payout_accounts WHERE user_id = $1`,
        [worker.id],
      ),
    ).toEqual([{ last_payout_failure: 'account_closed' }]);
  });
});
