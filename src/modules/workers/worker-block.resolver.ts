import { Args, Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import { WorkerBlock } from './worker-block.entity';
import { BlockWorkerInput, WorkerBlocksArgs } from './worker-block.inputs';
import { WorkerStandingService } from './worker-standing.service';
import { IdArg, InputArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/** Blocking and reinstating workers: admins everywhere, requesters on their own projects. */
@Resolver(() => WorkerBlock)
export class WorkerBlockResolver {
  constructor(private readonly blocks: WorkerStandingService) {}

  @OwnerMutation(() => WorkerBlock, 'Stops a worker from getting new assignments.')
  blockWorker(@InputArg() input: BlockWorkerInput, ctx: RequestContext): Promise<WorkerBlock> {
    return this.blocks.blockWorker(ctx, input);
  }

  @OwnerMutation(() => WorkerBlock, 'Lifts a block now.')
  unblockWorker(@IdArg('blockId') blockId: string, ctx: RequestContext): Promise<WorkerBlock> {
    return this.blocks.unblockWorker(ctx, blockId);
  }

  @OwnerQuery(() => [WorkerBlock], 'Blocks, newest first (at most 500).')
  workerBlocks(@Args() args: WorkerBlocksArgs, ctx: RequestContext): Promise<WorkerBlock[]> {
    return this.blocks.listBlocks(ctx, args);
  }
}
