import { Arg, Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { GoldExposureService } from './gold-exposure.service';
import { GoldExposureReport, GoldTaskExposure } from './gold-exposure.types';
import { IdArg, IdsArg, OwnerMutation, OwnerQuery } from '../../graphql/operations';

/** Gold exposure and retirement, for a project's owner and admins (DESIGN.md promise 8). */
@Resolver()
export class GoldExposureResolver {
  constructor(private readonly exposure: GoldExposureService) {}

  @OwnerQuery(
    () => GoldExposureReport,
    'Distinct workers each gold task was served to, against the project’s goldExposureCap; ' +
      'over-exposed gold is no longer served (owner or admin).',
  )
  goldExposure(
    @IdArg('projectId') projectId: string,
    @Arg('overExposedOnly', () => Boolean, { defaultValue: false }) overExposedOnly: boolean,
    ctx: RequestContext,
  ): Promise<GoldExposureReport> {
    return this.exposure.report(ctx, projectId, overExposedOnly);
  }

  @OwnerMutation(
    () => [GoldTaskExposure],
    'Stops serving gold tasks (1 to 1,000, all or nothing); to replace one, import a new gold ' +
      'task and retire the old (owner or admin).',
  )
  retireGoldTasks(
    @IdArg('projectId') projectId: string,
    @IdsArg('taskIds') taskIds: string[],
    ctx: RequestContext,
  ): Promise<GoldTaskExposure[]> {
    return this.exposure.retire(ctx, projectId, taskIds);
  }
}
