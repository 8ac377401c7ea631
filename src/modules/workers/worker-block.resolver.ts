import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import { WorkerBlock } from './worker-block.entity';
import { BlockWorkerInput, WorkerBlocksArgs } from './worker-block.inputs';
import { WorkerStandingService } from './worker-standing.service';

/** Blocking and reinstating workers: admins everywhere, requesters on their own projects. */
@Resolver(() => WorkerBlock)
export class WorkerBlockResolver {
  constructor(private readonly blocks: WorkerStandingService) {}

  @Authorized(Role.ADMIN, Role.REQUESTER)
  @Mutation(() => WorkerBlock, { description: 'Stops a worker from getting new assignments.' })
  blockWorker(
    @Arg('input') input: BlockWorkerInput,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkerBlock> {
    return this.blocks.blockWorker(ctx, input);
  }

  @Authorized(Role.ADMIN, Role.REQUESTER)
  @Mutation(() => WorkerBlock, { description: 'Lifts a block now.' })
  unblockWorker(
    @Arg('blockId', () => ID) blockId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<WorkerBlock> {
    return this.blocks.unblockWorker(ctx, blockId);
  }

  @Authorized(Role.ADMIN, Role.REQUESTER)
  @Query(() => [WorkerBlock], { description: 'Blocks, newest first (at most 500).' })
  workerBlocks(@Args() args: WorkerBlocksArgs, @Ctx() ctx: RequestContext): Promise<WorkerBlock[]> {
    return this.blocks.listBlocks(ctx, args);
  }
}
