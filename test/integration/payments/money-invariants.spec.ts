import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { ManualClock } from '../../../src/common/clock';
import { type Rng, mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import type { User } from '../../../src/modules/auth/user.entity';
import { LedgerAccountKind } from '../../../src/modules/ledger/ledger.types';
import { amountWithFee, platformFee } from '../../../src/modules/payments/math/fees';
import { Payout } from '../../../src/modules/payments/payout.entity';
import { transferGroupOf } from '../../../src/modules/payments/payout.service';
import { PayoutStatus } from '../../../src/modules/payments/payments.types';
import { Project } from '../../../src/modules/projects/project.entity';
import { ProjectStatus } from '../../../src/modules/projects/project.types';
import type { Task } from '../../../src/modules/marketplace/task.entity';
import { moneyContext } from '../../helpers/money-fixtures';
import { useMoneyWorld } from '../../helpers/money-world';

const FEE_BPS = 2000;
const CLAIM_MS = 60_000;

/**
 * The money invariants under random sequences (seeded, so a failure replays): fundings,
 * launches, approvals, rejections, bonuses, payout runs with Stripe failing in every way the
 * offline server can fail, sweeps, reversals and project completions. After every step:
 *
 * - every currency sums to zero and every cached balance equals the sum of its entries;
 * - no requester, escrow or worker account is negative;
 * - each worker: earned + pending + paid out = approved rewards + bonuses (a model kept by the
 *   test), and Stripe holds exactly `paid out` for them (transfers minus reversals), so
 *   paid = approved + bonuses − pending − earned;
 * - each requester: available + escrow of their projects = funded − spent;
 * - each approved assignment has one approval transaction; each payout at most one transfer.
 */
describe('money invariants under random operations', () => {
  const clock = new ManualClock(Date.now());
  const env = useMoneyWorld({
    stripe: {},
    feeBps: FEE_BPS,
    claimMs: CLAIM_MS,
    minimumAmount: 1,
    clock,
  });

  it.each([[20260101], [7], [123456]])(
    'keeps every invariant (seed %i)',
    async seed => {
      const rng = mulberry32(seed);
      const world = await newWorld();
      for (let step = 0; step < 90; step++) {
        const operation = pick(rng, OPERATIONS);
        try {
          await operation(rng, world);
        } catch (error) {
          const code = (error as { extensions?: { code?: string } }).extensions?.code;
          // Refusals the operations may meet; anything else is a bug.
          if (code !== 'INSUFFICIENT_BALANCE') throw error;
        }
        await checkInvariants(world, `seed ${seed}, step ${step}, ${operation.name}`);
      }
      // Stripe heals: every pending payout goes through, still exactly once.
      env.stripe.clearFaults();
      clock.advance(25 * 3600_000);
      await env.money.payouts.sendDuePayouts(moneyContext(null, clock));
      const pending = await env.dataSource.getRepository(Payout).countBy({
        status: PayoutStatus.PENDING,
        workerId: In(world.workers.map(w => w.user.id)),
      });
      expect(pending).toBe(0);
      await checkInvariants(world, `seed ${seed}, after healing`);
    },
    120_000,
  );

  // ── The world and its model ────────────────────────────────────────────────────────────────

  interface World {
    requesters: Array<{ user: User; funded: number; spent: number }>;
    workers: Array<{ user: User; accountId: string; credited: number }>;
    projects: Array<{ project: Project; tasks: Task[]; ownerIndex: number }>;
    answered: Assignment[];
  }

  async function newWorld(): Promise<World> {
    const requesters = [];
    for (let i = 0; i < 2; i++) {
      requesters.push({
        user: await env.makeRequester(),
        funded: 0,
        spent: 0,
      });
    }
    const workers = [];
    for (let i = 0; i < 3; i++) {
      const user = await env.makeWorker();
      const link = await env.money.payouts.connectAccount(moneyContext(user, clock), {
        refreshUrl: 'https://q.example/r',
        returnUrl: 'https://q.example/d',
      });
      env.stripe.enableAccount(link.account.stripeAccountId);
      await env.money.payouts.refreshAccount(
        moneyContext(null, clock),
        link.account.stripeAccountId,
      );
      workers.push({ user, accountId: link.account.stripeAccountId, credited: 0 });
    }
    return { requesters, workers, projects: [], answered: [] };
  }

  const OPERATIONS: Array<(rng: Rng, world: World) => Promise<void>> = [
    async function fund(rng, world) {
      const requester = pick(rng, world.requesters);
      const amount = 1 + randomInt(rng, 400);
      await env.money.fundings.recordManualFunding(moneyContext(env.admin, clock), {
        requesterId: requester.user.id,
        amount,
        currency: 'usd',
        reference: 'random',
        idempotencyKey: randomUUID(),
      });
      requester.funded += amount;
    },

    async function launch(rng, world) {
      const ownerIndex = randomInt(rng, world.requesters.length);
      const { project, tasks } = await env.makeProject(world.requesters[ownerIndex]!.user.id, {
        rewardAmount: randomInt(rng, 40),
        maxOverlap: 1 + randomInt(rng, 3),
        taskCount: 1 + randomInt(rng, 3),
      });
      await env.money.db.withTransaction(moneyContext(null, clock), async tx => {
        project.status = ProjectStatus.ACTIVE;
        await env.money.db.repo(tx, Project).save(project);
        await env.money.escrow.reserveForLaunch(tx, project);
      });
      world.projects.push({ project, tasks, ownerIndex });
    },

    async function approve(rng, world) {
      const answer = await answerSomething(rng, world, AssignmentStatus.SUBMITTED);
      if (!answer) return;
      await env.dataSource
        .getRepository(Assignment)
        .update({ id: answer.assignment.id }, { status: AssignmentStatus.APPROVED });
      const paid = await env.money.escrow.settleApprovalOf(
        moneyContext(null, clock),
        answer.assignment.id,
      );
      // Approving again must move nothing.
      await env.money.escrow.settleApprovalOf(moneyContext(null, clock), answer.assignment.id);
      const reward = answer.assignment.rewardAmount;
      if (paid || reward === 0) {
        world.workers[answer.workerIndex]!.credited += reward;
        world.requesters[answer.ownerIndex]!.spent += amountWithFee(reward, FEE_BPS);
      }
    },

    async function reject(rng, world) {
      await answerSomething(rng, world, AssignmentStatus.REJECTED);
    },

    async function bonus(rng, world) {
      if (world.answered.length === 0) return;
      const assignment = pick(rng, world.answered);
      const amount = 1 + randomInt(rng, 60);
      const owner = world.projects.find(p => p.project.id === assignment.projectId)!;
      const requester = world.requesters[owner.ownerIndex]!;
      await env.money.escrow.awardBonus(moneyContext(requester.user, clock), {
        assignmentId: assignment.id,
        amount,
        currency: 'usd',
        reason: 'random bonus',
        idempotencyKey: randomUUID(),
      });
      world.workers.find(w => w.user.id === assignment.workerId)!.credited += amount;
      requester.spent += amount + platformFee(amount, FEE_BPS);
    },

    async function payoutRun(rng, world) {
      const faults = [
        null,
        { kind: 'error', phase: 'after-commit', status: 500 },
        { kind: 'error', phase: 'before-commit', status: 500 },
        { kind: 'error', phase: 'before-execution', status: 502 },
        { kind: 'error', phase: 'before-commit', status: 429 },
      ] as const;
      const fault = pick(rng, [...faults]);
      if (fault) {
        env.stripe.injectFault({ method: 'POST', path: '/v1/transfers' }, fault, {
          times: 1 + randomInt(rng, 2),
        });
      }
      const workerIds = world.workers.filter(() => rng() < 0.7).map(w => w.user.id);
      await Promise.all([
        env.money.payouts.createPayouts(moneyContext(env.admin, clock), { workerIds }),
        rng() < 0.5
          ? env.money.payouts.createPayouts(moneyContext(env.admin, clock), { workerIds })
          : Promise.resolve(),
      ]);
      env.stripe.clearFaults();
    },

    async function sweep(rng) {
      clock.advance(CLAIM_MS + randomInt(rng, 4 * 3600_000));
      await env.money.payouts.sendDuePayouts(moneyContext(null, clock));
    },

    async function reverse(rng, world) {
      const paid = await env.dataSource.getRepository(Payout).findBy({ status: PayoutStatus.PAID });
      const mine = paid.filter(p => world.workers.some(w => w.user.id === p.workerId));
      if (mine.length === 0) return;
      const payout = pick(rng, mine);
      const left = payout.amount - payout.amountReversed;
      const amount = 1 + randomInt(rng, left);
      await env.stripe.client().transfers.createReversal(payout.transferId!, { amount });
      const transfer = await env.money.provider.retrieveTransfer(payout.transferId!);
      await env.money.db.withTransaction(moneyContext(null, clock), tx =>
        env.money.payouts.applyTransfer(tx, transfer),
      );
    },

    async function complete(rng, world) {
      const open = world.projects.filter(p => p.project.status === ProjectStatus.ACTIVE);
      if (open.length === 0) return;
      const entry = pick(rng, open);
      await env.money.db.withTransaction(moneyContext(null, clock), async tx => {
        entry.project.status = ProjectStatus.COMPLETED;
        await env.money.db.repo(tx, Project).save(entry.project);
        await env.money.escrow.releaseEscrow(tx, entry.project);
      });
    },
  ];

  /** A new answer (in `status`) by a random worker to a random task they have not answered. */
  async function answerSomething(rng: Rng, world: World, status: AssignmentStatus) {
    const active = world.projects.filter(p => p.project.status === ProjectStatus.ACTIVE);
    if (active.length === 0) return null;
    const entry = pick(rng, active);
    const task = pick(rng, entry.tasks);
    const workerIndex = randomInt(rng, world.workers.length);
    const worker = world.workers[workerIndex]!;
    const taken = await env.dataSource
      .getRepository(Assignment)
      .countBy({ taskId: task.id, workerId: worker.user.id });
    if (taken > 0) return null;
    const assignment = await env.makeAssignment(entry.project, task, worker.user.id, status);
    world.answered.push(assignment);
    return { assignment, workerIndex, ownerIndex: entry.ownerIndex };
  }

  // ── Invariants ─────────────────────────────────────────────────────────────────────────────

  async function checkInvariants(world: World, where: string) {
    const ctx = moneyContext(null, clock);
    const [{ total }] = await env.dataSource.query(
      `SELECT coalesce(sum(balance), 0)::text AS total FROM ledger_accounts WHERE currency = 'usd'`,
    );
    expect({ where, total }).toEqual({ where, total: '0' });
    expect({ where, mismatches: await env.money.ledger.balanceMismatches(ctx) }).toEqual({
      where,
      mismatches: [],
    });
    const negative = await env.dataSource.query(
      `SELECT kind, balance FROM ledger_accounts
        WHERE balance < 0 AND kind NOT IN ('EXTERNAL_FUNDING', 'PLATFORM_REVENUE')`,
    );
    expect({ where, negative }).toEqual({ where, negative: [] });

    for (const worker of world.workers) {
      const of = (kind: LedgerAccountKind) =>
        env.money.ledger.balanceOf(ctx, { kind, userId: worker.user.id }, 'usd');
      const earned = await of(LedgerAccountKind.WORKER_EARNED);
      const pending = await of(LedgerAccountKind.WORKER_PAYOUT_PENDING);
      const paidOut = await of(LedgerAccountKind.WORKER_PAID_OUT);
      expect({ where, sum: earned + pending + paidOut }).toEqual({ where, sum: worker.credited });
      // Stripe may already hold a pending payout's transfer (it answered 500 after acting, or
      // the answer was lost): that money is `pending` in the ledger until the retry records it.
      const transfers = await env.stripe
        .client()
        .transfers.list({ destination: worker.accountId, limit: 100 });
      const pendingIds = new Set(
        (
          await env.dataSource
            .getRepository(Payout)
            .findBy({ workerId: worker.user.id, status: PayoutStatus.PENDING })
        ).map(p => p.id),
      );
      const atStripe = transfers.data
        .filter(t => !pendingIds.has(t.metadata.quorum_payout_id ?? ''))
        .reduce((sum, t) => sum + t.amount - t.amount_reversed, 0);
      expect({ where, atStripe }).toEqual({ where, atStripe: paidOut });
    }

    for (const [index, requester] of world.requesters.entries()) {
      const available = await env.money.ledger.balanceOf(
        ctx,
        { kind: LedgerAccountKind.REQUESTER_AVAILABLE, userId: requester.user.id },
        'usd',
      );
      let escrow = 0;
      for (const { project } of world.projects.filter(p => p.ownerIndex === index)) {
        escrow += await env.money.ledger.balanceOf(
          ctx,
          { kind: LedgerAccountKind.PROJECT_ESCROW, projectId: project.id },
          'usd',
        );
      }
      expect({ where, held: available + escrow }).toEqual({
        where,
        held: requester.funded - requester.spent,
      });
    }

    const [{ approvals, paidApprovals }] = await env.dataSource.query(
      `SELECT (SELECT count(*)::int FROM assignments WHERE status = 'APPROVED' AND reward_amount > 0) AS approvals,
              (SELECT count(*)::int FROM ledger_transactions WHERE kind = 'ASSIGNMENT_APPROVAL') AS "paidApprovals"`,
    );
    expect({ where, paidApprovals }).toEqual({ where, paidApprovals: approvals });

    const payouts = await env.dataSource.getRepository(Payout).find();
    for (const payout of payouts) {
      const list = await env.stripe
        .client()
        .transfers.list({ transfer_group: transferGroupOf(payout.id) });
      expect({ where, transfers: list.data.length }).toEqual({
        where,
        transfers:
          payout.status === PayoutStatus.PENDING ? list.data.length : payout.transferId ? 1 : 0,
      });
      expect(list.data.length).toBeLessThanOrEqual(1);
    }
  }
});

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[randomInt(rng, items.length)]!;
}
