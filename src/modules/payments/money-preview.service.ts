import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { LedgerService } from '../ledger/ledger.service';
import { accountOf } from '../ledger/ledger.types';
import type { ProjectService } from '../projects/project.service';
import { escrowHoldBack, escrowRequirement, escrowTopUp } from './math/fees';
import { ProjectMoneyPreview } from './money-preview.types';

/**
 * Shows, before a requester confirms a launch, resume, completion or archive, the money that
 * move would reserve or release, with the same formulas `EscrowService` applies when it happens
 * (docs/money.md). Read only: the figures may change if tasks or answers arrive in between.
 */
export class MoneyPreviewService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly ledger: LedgerService,
    private readonly feeBps: number,
  ) {}

  /** The preview for one of the caller's projects (any, for admins). */
  async preview(ctx: RequestContext, projectId: string): Promise<ProjectMoneyPreview> {
    const project = await this.projects.requireProject(ctx, projectId);
    const manager = this.db.manager(ctx);
    const [{ n }] = await queryRows<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM tasks WHERE project_id = $1 AND status <> 'CANCELLED'`,
      [project.id],
    );
    const open = await queryRows<{ reward_amount: number; n: number }>(
      manager,
      `SELECT reward_amount, count(*)::int AS n FROM assignments
        WHERE project_id = $1 AND status IN ('LEASED', 'SUBMITTED') GROUP BY reward_amount`,
      [project.id],
    );
    const required = escrowRequirement({
      taskCount: n!,
      maxOverlap: project.maxOverlap,
      rewardAmount: project.rewardAmount,
      feeBps: this.feeBps,
    }).total;
    const reservedSoFar = await this.ledger.reservedForProject(ctx, project.id, project.currency);
    const escrow = await this.ledger.balanceOf(ctx, accountOf.escrow(project.id), project.currency);
    const holdBack = escrowHoldBack(
      open.map(group => ({ rewardAmount: group.reward_amount, count: group.n })),
      this.feeBps,
    );
    return Object.assign(new ProjectMoneyPreview(), {
      projectId: project.id,
      currency: project.currency,
      available: await this.ledger.balanceOf(
        ctx,
        accountOf.available(project.ownerId),
        project.currency,
      ),
      required,
      reservedSoFar,
      toReserve: escrowTopUp(required, reservedSoFar),
      escrow,
      toRelease: Math.max(0, escrow - holdBack),
    });
  }
}
