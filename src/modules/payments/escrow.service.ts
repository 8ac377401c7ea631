import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Assignment } from '../marketplace/assignment.entity';
import { AssignmentStatus } from '../marketplace/assignment.types';
import { Role } from '../auth/role';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { LedgerTransaction } from '../ledger/ledger-transaction.entity';
import { CurrencyMismatchError } from '../ledger/ledger.errors';
import { type LedgerService, moveLines } from '../ledger/ledger.service';
import { accountOf, LedgerAccountKind, LedgerTransactionKind } from '../ledger/ledger.types';
import { Project } from '../projects/project.entity';
import { ProjectStatus } from '../projects/project.types';
import {
  amountWithFee,
  escrowHoldBack,
  escrowRequirement,
  escrowTopUp,
  platformFee,
} from './math/fees';
import { isPositiveMinorAmount } from '../ledger/math/money';

/** What `awardBonus` moved. */
export interface BonusResult {
  readonly transaction: LedgerTransaction;
  readonly amount: number;
  readonly fee: number;
}

/** Longest bonus reason. */
export const MAX_BONUS_REASON_LENGTH = 1000;

/** An approval paid (partly) from a project's escrow: the escrow before and after it. */
export interface EscrowSpend {
  readonly project: Project;
  /** Reserved for the project over its life (launch and top-ups). */
  readonly reserved: number;
  readonly balanceBefore: number;
  readonly balanceAfter: number;
}

/** Runs inside the transaction of the spend (webhooks' `project.budget_low` outbox). */
export type EscrowSpentHook = (tx: RequestContext, spend: EscrowSpend) => Promise<void> | void;

/**
 * The money of projects: escrow reserved at launch and topped up as the project grows, rewards
 * paid from it on approval (exactly once per assignment), bonuses, and what is left released to
 * the requester when the project closes. Account names and flows: docs/money.md.
 *
 * The `(tx, …)` methods run inside the caller's transaction, so money moves atomically with the
 * marketplace change that causes it: a launch that cannot be funded fails with
 * INSUFFICIENT_BALANCE and leaves the project a DRAFT.
 */
export class EscrowService {
  private readonly spentHooks: EscrowSpentHook[] = [];

  constructor(
    private readonly db: TransactionalConnection,
    private readonly ledger: LedgerService,
    private readonly idempotency: IdempotencyService,
    private readonly feeBps: number,
  ) {}

  /** Runs `hook` in the transaction of every approval paid (partly) from a project's escrow. */
  onSpent(hook: EscrowSpentHook): void {
    this.spentHooks.push(hook);
  }

  /** The platform fee rate, in basis points, that every amount here is computed with. */
  get platformFeeBps(): number {
    return this.feeBps;
  }

  /**
   * Reserves a project's budget when it launches: `tasks × maxOverlap × (reward + fee)` moves
   * from the owner's REQUESTER_AVAILABLE to the project's PROJECT_ESCROW, or the launch fails with
   * INSUFFICIENT_BALANCE. Call it in the launch transaction, after the project row is locked.
   * Safe to call again (it reserves only what is missing).
   */
  reserveForLaunch(tx: RequestContext, project: Project): Promise<EscrowReservation> {
    return this.ensureEscrow(tx, project);
  }

  /**
   * Tops a running project's escrow up to its current requirement (after tasks were added or
   * `maxOverlap` raised), or fails with INSUFFICIENT_BALANCE. Reservations are cumulative: what
   * approvals spent still counts as reserved, so this only ever asks for the growth. Only ACTIVE
   * and PAUSED projects hold escrow: a DRAFT reserves at launch, a closed project never again.
   */
  async ensureEscrow(tx: RequestContext, project: Project): Promise<EscrowReservation> {
    const none = { required: 0, reservedBefore: 0, reserved: 0 };
    if (project.status !== ProjectStatus.ACTIVE && project.status !== ProjectStatus.PAUSED) {
      return none;
    }
    const manager = this.db.manager(tx);
    // The escrow row lock serialises concurrent top-ups of one project: the second one reads the
    // first one's reservation (a new statement under READ COMMITTED) and reserves only the rest.
    await this.ledger.lockAccount(tx, accountOf.escrow(project.id), project.currency);
    const [{ n }]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM tasks WHERE project_id = $1 AND status <> 'CANCELLED'`,
      [project.id],
    );
    const required = escrowRequirement({
      taskCount: n,
      maxOverlap: project.maxOverlap,
      rewardAmount: project.rewardAmount,
      feeBps: this.feeBps,
    }).total;
    const reservedBefore = await this.ledger.reservedForProject(tx, project.id, project.currency);
    const topUp = escrowTopUp(required, reservedBefore);
    if (topUp > 0) {
      await this.ledger.post(tx, {
        kind: LedgerTransactionKind.ESCROW_RESERVE,
        description: `Escrow for ${n} task(s) × overlap ${project.maxOverlap} at ${project.rewardAmount} + fee`,
        currency: project.currency,
        projectId: project.id,
        userId: project.ownerId,
        lines: moveLines(accountOf.available(project.ownerId), accountOf.escrow(project.id), topUp),
      });
    }
    return { required, reservedBefore, reserved: topUp };
  }

  /**
   * Pays an APPROVED assignment: its reward from the project's escrow to the worker's
   * WORKER_EARNED and the platform fee to PLATFORM_REVENUE, exactly once (ledger key
   * `approval:<assignmentId>` and the unique index on approvals). Anything else — not approved,
   * already paid, zero reward — moves nothing. When the escrow is short (gold tasks answered
   * beyond the plan, a reward promised before a change) the rest comes from the owner's
   * available balance in the same transaction, or INSUFFICIENT_BALANCE.
   */
  async settleApproval(
    tx: RequestContext,
    assignmentId: string,
  ): Promise<LedgerTransaction | null> {
    const assignment = await this.db.repo(tx, Assignment).findOneBy({ id: assignmentId });
    if (!assignment || assignment.status !== AssignmentStatus.APPROVED) return null;
    const project = await this.db.repo(tx, Project).findOneByOrFail({ id: assignment.projectId });
    if (assignment.currency !== project.currency) {
      throw new CurrencyMismatchError(project.currency, assignment.currency);
    }
    const reward = assignment.rewardAmount;
    const fee = platformFee(reward, this.feeBps);
    const total = reward + fee;
    if (total === 0) return null;

    const existing = await this.db.repo(tx, LedgerTransaction).findOneBy({
      kind: LedgerTransactionKind.ASSIGNMENT_APPROVAL,
      assignmentId,
    });
    if (existing) return existing;

    const escrow = await this.ledger.lockAccount(
      tx,
      accountOf.escrow(project.id),
      project.currency,
    );
    const fromEscrow = Math.min(escrow.balance, total);
    const { transaction } = await this.ledger.post(tx, {
      kind: LedgerTransactionKind.ASSIGNMENT_APPROVAL,
      uniqueKey: `approval:${assignmentId}`,
      description:
        fromEscrow < total
          ? `Reward ${reward} + fee ${fee}; escrow short by ${total - fromEscrow}, taken from the requester’s balance`
          : `Reward ${reward} + fee ${fee}`,
      currency: project.currency,
      projectId: project.id,
      assignmentId,
      userId: assignment.workerId,
      lines: [
        { account: accountOf.escrow(project.id), amount: -fromEscrow },
        { account: accountOf.available(project.ownerId), amount: -(total - fromEscrow) },
        { account: accountOf.earned(assignment.workerId), amount: reward },
        { account: REVENUE, amount: fee },
      ],
    });
    if (fromEscrow > 0 && this.spentHooks.length > 0) {
      const spend: EscrowSpend = {
        project,
        reserved: await this.ledger.reservedForProject(tx, project.id, project.currency),
        balanceBefore: escrow.balance,
        balanceAfter: escrow.balance - fromEscrow,
      };
      for (const hook of this.spentHooks) await hook(tx, spend);
    }
    return transaction;
  }

  /**
   * Releases a closed (COMPLETED or ARCHIVED) project's unspent escrow to its owner's available
   * balance, keeping back reward + fee for every assignment that may still be approved (LEASED
   * or SUBMITTED). Idempotent: a second call finds nothing more to release. Returns the amount
   * released.
   */
  async releaseEscrow(tx: RequestContext, project: Project): Promise<number> {
    if (project.status !== ProjectStatus.COMPLETED && project.status !== ProjectStatus.ARCHIVED) {
      return 0;
    }
    const escrow = await this.ledger.lockAccount(
      tx,
      accountOf.escrow(project.id),
      project.currency,
    );
    const groups: Array<{ reward_amount: number; n: number }> = await this.db.manager(tx).query(
      `SELECT reward_amount, count(*)::int AS n FROM assignments
        WHERE project_id = $1 AND status IN ('LEASED', 'SUBMITTED')
        GROUP BY reward_amount`,
      [project.id],
    );
    const holdBack = escrowHoldBack(
      groups.map(group => ({ rewardAmount: group.reward_amount, count: group.n })),
      this.feeBps,
    );
    const release = escrow.balance - holdBack;
    if (release <= 0) return 0;
    await this.ledger.post(tx, {
      kind: LedgerTransactionKind.ESCROW_RELEASE,
      description:
        holdBack > 0
          ? `Unspent escrow released; ${holdBack} kept for answers still open`
          : 'Unspent escrow released',
      currency: project.currency,
      projectId: project.id,
      userId: project.ownerId,
      lines: moveLines(accountOf.escrow(project.id), accountOf.available(project.ownerId), release),
    });
    return release;
  }

  /** `releaseEscrow` in its own transaction, locking the project first (event and sweep path). */
  async releaseEscrowOf(ctx: RequestContext, projectId: string): Promise<number> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.db
        .repo(tx, Project)
        .createQueryBuilder('project')
        .where('project.id = :projectId', { projectId })
        .setLock('pessimistic_read')
        .getOne();
      return project ? this.releaseEscrow(tx, project) : 0;
    });
  }

  /** `settleApproval` in its own transaction (event and sweep path). */
  settleApprovalOf(ctx: RequestContext, assignmentId: string): Promise<LedgerTransaction | null> {
    return this.db.withTransaction(ctx, tx => this.settleApproval(tx, assignmentId));
  }

  /**
   * Safety net for the after-commit event path: pays every APPROVED assignment that has no
   * approval transaction yet (a crash between the approval's commit and its event), at most
   * `limit`. Failures (an escrow and balance both short) are left for the next sweep. Returns
   * how many were paid.
   */
  async settleMissingApprovals(ctx: RequestContext, limit = 500): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.manager(ctx).query(
      `SELECT a.id FROM assignments a
        WHERE a.status = 'APPROVED' AND a.reward_amount > 0
          AND NOT EXISTS (SELECT 1 FROM ledger_transactions t
                           WHERE t.kind = 'ASSIGNMENT_APPROVAL' AND t.assignment_id = a.id)
        ORDER BY a.reviewed_at NULLS FIRST, a.id
        LIMIT $1`,
      [limit],
    );
    let paid = 0;
    for (const row of rows) {
      try {
        if (await this.settleApprovalOf(ctx, row.id)) paid += 1;
      } catch {
        // Left for the next sweep; reconciliation lists it meanwhile.
      }
    }
    return paid;
  }

  /** Safety net: releases escrow of closed projects that still hold more than their hold-back. */
  async releaseClosedProjects(ctx: RequestContext, limit = 200): Promise<number> {
    const rows: Array<{ project_id: string }> = await this.db.manager(ctx).query(
      `SELECT a.project_id FROM ledger_accounts a
         JOIN projects p ON p.id = a.project_id
        WHERE a.kind = 'PROJECT_ESCROW' AND a.balance > 0 AND p.status IN ('COMPLETED', 'ARCHIVED')
        ORDER BY a.project_id
        LIMIT $1`,
      [limit],
    );
    let released = 0;
    for (const row of rows) released += await this.releaseEscrowOf(ctx, row.project_id);
    return released;
  }

  /**
   * A bonus from the project owner to the worker of an answered assignment: `amount` from the
   * owner's REQUESTER_AVAILABLE to the worker's WORKER_EARNED, plus the platform fee to
   * PLATFORM_REVENUE. A reason is required (the worker sees it). Retry-safe with
   * `idempotencyKey`. Owner or admin; anyone else NOT_FOUND.
   */
  async awardBonus(
    ctx: RequestContext,
    input: {
      assignmentId: string;
      amount: number;
      currency: string;
      reason: string;
      idempotencyKey: string;
    },
  ): Promise<BonusResult> {
    const actorId = ctx.requireUserId();
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > MAX_BONUS_REASON_LENGTH) {
      throw new BadUserInputError(`reason must have 1 to ${MAX_BONUS_REASON_LENGTH} characters`, {
        field: 'reason',
      });
    }
    if (!isPositiveMinorAmount(input.amount)) {
      throw new BadUserInputError('amount must be a positive whole number of minor units', {
        field: 'amount',
      });
    }
    const currency = input.currency.toLowerCase();
    const fee = platformFee(input.amount, this.feeBps);
    return this.idempotency.run(
      ctx,
      {
        operation: 'awardBonus',
        key: input.idempotencyKey,
        params: { assignmentId: input.assignmentId, amount: input.amount, currency, reason },
      },
      async tx => {
        const assignment = await this.requireReviewableAssignment(tx, input.assignmentId);
        if (currency !== assignment.currency) {
          throw new CurrencyMismatchError(assignment.currency, currency);
        }
        const project = await this.db
          .repo(tx, Project)
          .findOneByOrFail({ id: assignment.projectId });
        const { transaction } = await this.ledger.post(tx, {
          kind: LedgerTransactionKind.BONUS,
          description: `Bonus: ${reason}`,
          currency,
          projectId: project.id,
          assignmentId: assignment.id,
          userId: assignment.workerId,
          actorId,
          lines: [
            {
              account: accountOf.available(project.ownerId),
              amount: -amountWithFee(input.amount, this.feeBps),
            },
            { account: accountOf.earned(assignment.workerId), amount: input.amount },
            { account: REVENUE, amount: fee },
          ],
        });
        return { transaction: transaction!, amount: input.amount, fee };
      },
      {
        toRecord: result => ({
          transactionId: result.transaction.id,
          amount: result.amount,
          fee: result.fee,
        }),
        fromRecord: async (tx, record) => ({
          transaction: await this.db
            .repo(tx, LedgerTransaction)
            .findOneByOrFail({ id: String(record.transactionId) }),
          amount: Number(record.amount),
          fee: Number(record.fee),
        }),
      },
    );
  }

  /** An answered assignment in a project the caller owns (or any, for an admin). */
  private async requireReviewableAssignment(
    tx: RequestContext,
    assignmentId: string,
  ): Promise<Assignment> {
    const assignment = isUuid(assignmentId)
      ? await this.db.repo(tx, Assignment).findOneBy({ id: assignmentId })
      : null;
    if (!assignment) throw new NotFoundError('Assignment', assignmentId);
    if (!tx.hasRole(Role.ADMIN)) {
      const project = await this.db.repo(tx, Project).findOneBy({ id: assignment.projectId });
      if (project?.ownerId !== tx.requireUserId())
        throw new NotFoundError('Assignment', assignmentId);
    }
    if (assignment.submittedAt === null) {
      throw new BadUserInputError('Bonuses are for answered assignments', {
        field: 'assignmentId',
      });
    }
    return assignment;
  }
}

/** What `ensureEscrow` found and did. */
export interface EscrowReservation {
  /** tasks × maxOverlap × (reward + fee), now. */
  readonly required: number;
  /** Reserved before this call, over the project's life. */
  readonly reservedBefore: number;
  /** Reserved by this call. */
  readonly reserved: number;
}

const REVENUE = { kind: LedgerAccountKind.PLATFORM_REVENUE } as const;
