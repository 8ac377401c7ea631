import { randomUUID } from 'node:crypto';
import type { User } from '../../../src/modules/auth/user.entity';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import { LedgerAccountKind } from '../../../src/modules/ledger/ledger.types';
import { EscrowService } from '../../../src/modules/payments/escrow.service';
import { Project } from '../../../src/modules/projects/project.entity';
import { ProjectStatus } from '../../../src/modules/projects/project.types';
import { makeMoneyProject, moneyContext } from '../../helpers/money-fixtures';
import { useMoneyWorld } from '../../helpers/money-world';

describe(EscrowService.name, () => {
  const world = useMoneyWorld({ feeBps: 2000 });

  const system = () => moneyContext(null);
  const balance = (owner: Parameters<typeof world.money.ledger.balanceOf>[1], currency = 'usd') =>
    world.money.ledger.balanceOf(system(), owner, currency);
  const available = (userId: string) =>
    balance({ kind: LedgerAccountKind.REQUESTER_AVAILABLE, userId });
  const escrow = (projectId: string) =>
    balance({ kind: LedgerAccountKind.PROJECT_ESCROW, projectId });
  const earned = (userId: string) => balance({ kind: LedgerAccountKind.WORKER_EARNED, userId });
  const revenue = () => balance({ kind: LedgerAccountKind.PLATFORM_REVENUE });

  async function fund(requesterId: string, amount: number, currency = 'usd') {
    await world.money.fundings.recordManualFunding(moneyContext(world.admin), {
      requesterId,
      amount,
      currency,
      reference: 'wire',
      idempotencyKey: randomUUID(),
    });
  }

  /** Launch as the projects module does: lock the row, save ACTIVE, reserve, one transaction. */
  async function launch(project: Project) {
    return world.money.db.withTransaction(moneyContext(null), async tx => {
      const locked = await world.money.db
        .repo(tx, Project)
        .createQueryBuilder('p')
        .where('p.id = :id', { id: project.id })
        .setLock('pessimistic_write')
        .getOneOrFail();
      locked.status = ProjectStatus.ACTIVE;
      await world.money.db.repo(tx, Project).save(locked);
      return world.money.escrow.reserveForLaunch(tx, locked);
    });
  }

  async function approve(assignment: Assignment) {
    await world.dataSource
      .getRepository(Assignment)
      .update({ id: assignment.id }, { status: AssignmentStatus.APPROVED });
    return world.money.escrow.settleApprovalOf(system(), assignment.id);
  }

  async function setStatus(project: Project, status: ProjectStatus) {
    await world.dataSource.getRepository(Project).update({ id: project.id }, { status });
    return world.dataSource.getRepository(Project).findOneByOrFail({ id: project.id });
  }

  type Plan = Parameters<typeof makeMoneyProject>[2];

  /** A requester's project of `plan` (DRAFT unless told) and a worker to answer it. */
  async function newProject(plan: Plan) {
    const requester = await world.makeRequester();
    const worker = await world.makeWorker();
    const { project, tasks } = await world.makeProject(requester.id, plan);
    return { requester, worker, project, tasks };
  }

  /** `newProject`, with the requester funded with `funds` and the project launched. */
  async function launchedProject(plan: Plan, funds: number) {
    const made = await newProject(plan);
    await fund(made.requester.id, funds);
    await launch(made.project);
    return made;
  }

  /** An ACTIVE project of one task (nothing reserved) and the worker's assignment of it. */
  async function assignedTask(rewardAmount: number) {
    const made = await newProject({
      rewardAmount,
      maxOverlap: 1,
      taskCount: 1,
      status: ProjectStatus.ACTIVE,
    });
    const assignment = await world.makeAssignment(made.project, made.tasks[0]!, made.worker.id);
    return { ...made, assignment };
  }

  it('reserves tasks × maxOverlap × (reward + fee) at launch', async () => {
    // reward 7 at 20 %: fee 1.4 → 1, so 8 per slot; 10 tasks × overlap 3 = 30 slots = 240.
    const { requester, project } = await newProject({
      rewardAmount: 7,
      maxOverlap: 3,
      taskCount: 10,
    });
    await fund(requester.id, 1000);
    const reservation = await launch(project);
    expect(reservation).toEqual({ required: 240, reservedBefore: 0, reserved: 240 });
    expect(await available(requester.id)).toBe(760);
    expect(await escrow(project.id)).toBe(240);
    // Launching again reserves nothing more.
    expect((await launch(project)).reserved).toBe(0);
    expect(await escrow(project.id)).toBe(240);
  });

  it('refuses a launch the requester cannot fund, moving nothing', async () => {
    const { requester, project } = await newProject({
      rewardAmount: 10,
      maxOverlap: 2,
      taskCount: 5,
    }); // 5 × 2 × 12 = 120
    await fund(requester.id, 119);
    await expect(launch(project)).rejects.toMatchObject({
      extensions: { code: 'INSUFFICIENT_BALANCE', available: 119, required: 120, shortfall: 1 },
    });
    expect(await available(requester.id)).toBe(119);
    expect(await escrow(project.id)).toBe(0);
    expect(
      (await world.dataSource.getRepository(Project).findOneByOrFail({ id: project.id })).status,
    ).toBe(ProjectStatus.DRAFT);
  });

  it('tops escrow up when tasks are added or overlap raised, or refuses with INSUFFICIENT_BALANCE', async () => {
    const { requester, project } = await launchedProject(
      { rewardAmount: 5, maxOverlap: 1, taskCount: 4 }, // 4 × 1 × 6 = 24
      60,
    );
    const active = await world.dataSource
      .getRepository(Project)
      .findOneByOrFail({ id: project.id });

    await world.addTasks(project.id, 2); // 6 × 6 = 36
    const afterTasks = await world.money.db.withTransaction(system(), tx =>
      world.money.escrow.ensureEscrow(tx, active),
    );
    expect(afterTasks).toEqual({ required: 36, reservedBefore: 24, reserved: 12 });

    active.maxOverlap = 2; // 6 × 2 × 6 = 72: 36 more, only 24 left
    await expect(
      world.money.db.withTransaction(system(), tx => world.money.escrow.ensureEscrow(tx, active)),
    ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_BALANCE', shortfall: 12 } });
    expect(await escrow(project.id)).toBe(36);
    expect(await available(requester.id)).toBe(24);
  });

  it('pays an approved assignment once: reward to the worker, fee to the platform', async () => {
    const { worker, project, tasks } = await launchedProject(
      { rewardAmount: 25, maxOverlap: 1, taskCount: 2 }, // 2 × 30 = 60
      60,
    );
    const revenueBefore = await revenue();
    const assignment = await world.makeAssignment(project, tasks[0]!, worker.id);

    const first = await approve(assignment);
    const again = await world.money.escrow.settleApprovalOf(system(), assignment.id);
    const concurrent = await Promise.all(
      Array.from({ length: 4 }, () => world.money.escrow.settleApprovalOf(system(), assignment.id)),
    );
    expect(again?.id).toBe(first?.id);
    expect(new Set(concurrent.map(t => t?.id))).toEqual(new Set([first?.id]));
    expect(await earned(worker.id)).toBe(25);
    expect(await revenue()).toBe(revenueBefore + 5);
    expect(await escrow(project.id)).toBe(30);
    const [{ n }] = await world.dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE assignment_id = $1`,
      [assignment.id],
    );
    expect(n).toBe(1);
  });

  it('moves nothing for an assignment that is not approved (rejected money stays in escrow)', async () => {
    const { worker, project, tasks } = await launchedProject(
      { rewardAmount: 10, maxOverlap: 1, taskCount: 1 },
      12,
    );
    const rejected = await world.makeAssignment(
      project,
      tasks[0]!,
      worker.id,
      AssignmentStatus.REJECTED,
    );
    expect(await world.money.escrow.settleApprovalOf(system(), rejected.id)).toBeNull();
    expect(await earned(worker.id)).toBe(0);
    expect(await escrow(project.id)).toBe(12);
  });

  it('takes an escrow shortfall at approval from the requester’s balance', async () => {
    const { requester, worker, project, tasks } = await launchedProject(
      { rewardAmount: 10, maxOverlap: 1, taskCount: 1 }, // 12 reserved
      30,
    );
    const workers = [worker, await world.makeWorker()];
    // A gold task answered beyond the plan: two approvals on one slot's escrow.
    await approve(await world.makeAssignment(project, tasks[0]!, workers[0]!.id));
    await approve(await world.makeAssignment(project, tasks[0]!, workers[1]!.id));
    expect(await escrow(project.id)).toBe(0);
    // 30 funded − 12 reserved − 12 for the second approval.
    expect(await available(requester.id)).toBe(6);
    expect(await earned(workers[0]!.id)).toBe(10);
    expect(await earned(workers[1]!.id)).toBe(10);
  });

  it('refuses an approval neither escrow nor balance can cover, paying nothing', async () => {
    const { requester, worker, assignment } = await assignedTask(10);
    await expect(approve(assignment)).rejects.toMatchObject({
      extensions: { code: 'INSUFFICIENT_BALANCE' },
    });
    expect(await earned(worker.id)).toBe(0);
    // The sweep pays it once the requester has funds.
    await fund(requester.id, 12);
    expect(await world.money.escrow.settleMissingApprovals(system())).toBeGreaterThanOrEqual(1);
    expect(await earned(worker.id)).toBe(10);
  });

  it('releases what is left at completion, keeping back escrow for answers still open', async () => {
    const { requester, worker, project, tasks } = await launchedProject(
      { rewardAmount: 5, maxOverlap: 2, taskCount: 3 }, // 3 × 2 × 6 = 36
      36,
    );
    await approve(await world.makeAssignment(project, tasks[0]!, worker.id));
    const open = await world.makeAssignment(project, tasks[1]!, worker.id);
    const completed = await setStatus(project, ProjectStatus.COMPLETED);

    const released = await world.money.db.withTransaction(system(), tx =>
      world.money.escrow.releaseEscrow(tx, completed),
    );
    expect(released).toBe(36 - 6 - 6);
    expect(await escrow(project.id)).toBe(6);
    expect(await available(requester.id)).toBe(24);
    expect(await world.money.escrow.releaseEscrowOf(system(), project.id)).toBe(0);

    // The open answer is approved late: paid from the hold-back; nothing is left to release.
    await approve(open);
    expect(await escrow(project.id)).toBe(0);
    expect(await earned(worker.id)).toBe(10);
  });

  describe('awardBonus', () => {
    async function setup() {
      const made = await assignedTask(5);
      await fund(made.requester.id, 100);
      return made;
    }
    /** `user` awards a 10 usd bonus "Thanks" on the assignment under a fresh key, or `override`. */
    const bonusBy = (user: User, assignmentId: string, override: object = {}) =>
      world.money.escrow.awardBonus(moneyContext(user), {
        assignmentId,
        amount: 10,
        currency: 'usd',
        reason: 'Thanks',
        idempotencyKey: randomUUID(),
        ...override,
      });

    it('moves the bonus and its fee from the requester, once per idempotency key', async () => {
      const { requester, worker, assignment } = await setup();
      const input = {
        assignmentId: assignment.id,
        amount: 40,
        currency: 'USD',
        reason: 'Careful work',
        idempotencyKey: randomUUID(),
      };
      const first = await world.money.escrow.awardBonus(moneyContext(requester), input);
      const repeat = await world.money.escrow.awardBonus(moneyContext(requester), input);
      expect(first).toMatchObject({ amount: 40, fee: 8 });
      expect(repeat.transaction.id).toBe(first.transaction.id);
      expect(first.transaction.description).toBe('Bonus: Careful work');
      expect(await earned(worker.id)).toBe(40);
      expect(await available(requester.id)).toBe(100 - 48);
      await expect(
        world.money.escrow.awardBonus(moneyContext(requester), { ...input, amount: 41 }),
      ).rejects.toMatchObject({ extensions: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    });

    it.each([
      [{ amount: 0 }, 'BAD_USER_INPUT'],
      [{ amount: -5 }, 'BAD_USER_INPUT'],
      [{ amount: 2.5 }, 'BAD_USER_INPUT'],
      [{ reason: '   ' }, 'BAD_USER_INPUT'],
      [{ currency: 'eur' }, 'CURRENCY_MISMATCH'],
      [{ amount: 84 }, 'INSUFFICIENT_BALANCE'],
    ])('refuses %p with %s and moves nothing', async (override, code) => {
      const { requester, worker, assignment } = await setup();
      await expect(bonusBy(requester, assignment.id, override)).rejects.toMatchObject({
        extensions: { code },
      });
      expect(await earned(worker.id)).toBe(0);
      expect(await available(requester.id)).toBe(100);
    });

    it('hides another requester’s assignment as NOT_FOUND', async () => {
      const { assignment } = await setup();
      const stranger = await world.makeRequester();
      await fund(stranger.id, 100);
      await expect(bonusBy(stranger, assignment.id)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    });
  });
});
