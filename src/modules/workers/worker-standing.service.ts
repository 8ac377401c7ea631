import { BadUserInputError, NotFoundError, UnauthorizedError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Role } from '../auth/role';
import { User } from '../auth/user.entity';
import { Project } from '../projects/project.entity';
import { WorkerBlock } from './worker-block.entity';
import { WorkerBlockedEvent, WorkerUnblockedEvent } from './worker-block.events';
import {
  type BlockWorkerInput,
  MAX_BLOCK_REASON_LENGTH,
  type WorkerBlocksArgs,
} from './worker-block.inputs';

/** Most blocks one `listBlocks` call returns (newest first). */
const MAX_LISTED_BLOCKS = 500;

/** A block a quality rule decided on (`WorkerStandingService.block`). */
export interface RuleBlock {
  readonly workerId: string;
  /** Null: every project. */
  readonly projectId: string | null;
  readonly reason: string;
  /** Null: until lifted. */
  readonly endsAt: Date | null;
  readonly ruleId: string;
}

/**
 * A worker's standing: the one writer of `worker_blocks`. Admins block anywhere; a requester
 * blocks only on their own projects; quality rules block and lift through `block` / `lift`
 * inside their transaction. Blocks stop new leases (`LeasingService.nextAssignment` reads
 * `worker_blocks` in its selection); leases already held run their course.
 */
export class WorkerStandingService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
  ) {}

  /**
   * Blocks a worker from now until `endsAt` (or until lifted). NOT_FOUND for an unknown worker
   * or a project that is not the caller's; UNAUTHORIZED for a requester blocking everywhere.
   */
  async blockWorker(ctx: RequestContext, input: BlockWorkerInput): Promise<WorkerBlock> {
    const callerId = ctx.requireUserId();
    const reason = (input.reason ?? '').trim();
    if (reason.length === 0 || reason.length > MAX_BLOCK_REASON_LENGTH) {
      throw new BadUserInputError(`A reason has 1 to ${MAX_BLOCK_REASON_LENGTH} characters`, {
        field: 'reason',
      });
    }
    const now = ctx.now();
    if (input.endsAt && input.endsAt.getTime() <= now.getTime()) {
      throw new BadUserInputError('endsAt must be in the future', { field: 'endsAt' });
    }
    return this.db.withTransaction(ctx, async tx => {
      const projectId = input.projectId ?? null;
      if (projectId === null) {
        if (!tx.hasRole(Role.ADMIN)) {
          throw new UnauthorizedError('Only admins block a worker on every project');
        }
      } else {
        await this.requireManagedProject(tx, projectId);
      }
      const worker = isUuid(input.workerId)
        ? await this.db.repo(tx, User).findOneBy({ id: input.workerId })
        : null;
      if (!worker || !worker.roles.includes(Role.WORKER)) {
        throw new NotFoundError('Worker', input.workerId);
      }
      return this.insertBlock(tx, {
        workerId: worker.id,
        projectId,
        reason,
        endsAt: input.endsAt ?? null,
        createdBy: callerId,
        ruleId: null,
      });
    });
  }

  /**
   * A quality rule blocks the worker from now, inside the rule's transaction (`reason` is cut to
   * 2,000 characters); `WorkerBlockedEvent` names no person (`blockedBy` null).
   */
  block(tx: RequestContext, rule: RuleBlock): Promise<WorkerBlock> {
    return this.insertBlock(tx, {
      ...rule,
      reason: rule.reason.slice(0, MAX_BLOCK_REASON_LENGTH),
      createdBy: null,
    });
  }

  /**
   * A quality rule lifts the worker's blocks still in force now: on `projectId`, or every block
   * when null. Publishes `WorkerUnblockedEvent` per block, `liftedBy` the rule. Returns them.
   */
  async lift(
    tx: RequestContext,
    rule: { workerId: string; projectId: string | null; ruleId: string },
  ): Promise<Array<{ id: string; project_id: string | null }>> {
    const now = tx.now();
    const lifted = await queryRows<{ id: string; project_id: string | null }>(
      this.db.manager(tx),
      `UPDATE worker_blocks SET lifted_at = $3, updated_at = now()
       WHERE worker_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $3)
         AND ($2::uuid IS NULL OR project_id = $2::uuid)
       RETURNING id, project_id`,
      [rule.workerId, rule.projectId, now],
    );
    for (const block of lifted) {
      await this.events.publish(
        tx,
        new WorkerUnblockedEvent(block.id, rule.workerId, block.project_id, rule.ruleId),
      );
    }
    return lifted;
  }

  /** Lifts a block now (idempotent). Requesters may lift only blocks on their own projects. */
  async unblockWorker(ctx: RequestContext, blockId: string): Promise<WorkerBlock> {
    const callerId = ctx.requireUserId();
    return this.db.withTransaction(ctx, async tx => {
      const blocks = this.db.repo(tx, WorkerBlock);
      const block = isUuid(blockId) ? await blocks.findOneBy({ id: blockId }) : null;
      if (!block || !(await this.mayManage(tx, block.projectId))) {
        throw new NotFoundError('WorkerBlock', blockId);
      }
      if (block.liftedAt === null) {
        block.liftedAt = tx.now();
        await blocks.update(block.id, { liftedAt: block.liftedAt });
        await this.events.publish(
          tx,
          new WorkerUnblockedEvent(block.id, block.workerId, block.projectId, callerId),
        );
      }
      return block;
    });
  }

  /**
   * Blocks, newest first (at most 500). Admins may filter freely; requesters must name one of
   * their projects.
   */
  async listBlocks(ctx: RequestContext, args: WorkerBlocksArgs): Promise<WorkerBlock[]> {
    ctx.requireUser();
    const projectId = args.projectId ?? null;
    if (projectId !== null) {
      await this.requireManagedProject(ctx, projectId);
    } else if (!ctx.hasRole(Role.ADMIN)) {
      throw new BadUserInputError('Name one of your projects', { field: 'projectId' });
    }
    if (args.workerId != null && !isUuid(args.workerId)) return [];
    const qb = this.db.repo(ctx, WorkerBlock).createQueryBuilder('block');
    if (projectId !== null) qb.andWhere('block.project_id = :projectId', { projectId });
    if (args.workerId != null)
      qb.andWhere('block.worker_id = :workerId', { workerId: args.workerId });
    if (args.activeOnly) {
      qb.andWhere(
        'block.lifted_at IS NULL AND block.starts_at <= :now AND (block.ends_at IS NULL OR block.ends_at > :now)',
        { now: ctx.now() },
      );
    }
    return qb
      .orderBy('block.created_at', 'DESC')
      .addOrderBy('block.id', 'DESC')
      .take(MAX_LISTED_BLOCKS)
      .getMany();
  }

  /**
   * Whether `workerId` is blocked at `ctx.now()` on `projectId` (a block there or everywhere).
   * The same rule as the lease selection's, for other modules (quality gates, reports).
   */
  async isBlocked(ctx: RequestContext, workerId: string, projectId: string): Promise<boolean> {
    const rows = await queryRows<{ blocked: boolean }>(
      this.db.manager(ctx),
      `SELECT EXISTS (
         SELECT 1 FROM worker_blocks b
         WHERE b.worker_id = $1 AND (b.project_id IS NULL OR b.project_id = $2)
           AND b.lifted_at IS NULL AND b.starts_at <= $3 AND (b.ends_at IS NULL OR b.ends_at > $3)
       ) AS blocked`,
      [workerId, projectId, ctx.now()],
    );
    return rows[0]?.blocked ?? false;
  }

  private async insertBlock(
    tx: RequestContext,
    fields: Omit<RuleBlock, 'ruleId'> & { createdBy: string | null; ruleId: string | null },
  ): Promise<WorkerBlock> {
    const blocks = this.db.repo(tx, WorkerBlock);
    const block = await blocks.save(
      blocks.create({ ...fields, startsAt: tx.now(), liftedAt: null }),
    );
    await this.events.publish(
      tx,
      new WorkerBlockedEvent(
        block.id,
        block.workerId,
        block.projectId,
        fields.createdBy,
        block.reason,
      ),
    );
    return block;
  }

  private async requireManagedProject(ctx: RequestContext, projectId: string): Promise<void> {
    if (!isUuid(projectId) || !(await this.mayManage(ctx, projectId))) {
      throw new NotFoundError('Project', projectId);
    }
  }

  /** Admins manage every block; a requester those on projects they own. */
  private async mayManage(ctx: RequestContext, projectId: string | null): Promise<boolean> {
    if (ctx.hasRole(Role.ADMIN)) {
      return projectId === null || (await this.db.repo(ctx, Project).existsBy({ id: projectId }));
    }
    if (projectId === null || !ctx.hasRole(Role.REQUESTER)) return false;
    return this.db.repo(ctx, Project).existsBy({ id: projectId, ownerId: ctx.requireUserId() });
  }
}
