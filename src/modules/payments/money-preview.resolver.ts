import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { MoneyPreviewService } from './money-preview.service';
import { ProjectMoneyPreview } from './money-preview.types';
import { IdArg, OwnerQuery } from '../../graphql/operations';

/** The money preview the console shows before a lifecycle move. */
@Resolver()
export class MoneyPreviewResolver {
  constructor(private readonly preview: MoneyPreviewService) {}

  @OwnerQuery(
    () => ProjectMoneyPreview,
    'What launching/resuming would reserve and completing/archiving would release now (owner or admin).',
  )
  projectMoneyPreview(
    ctx: RequestContext,
    @IdArg('projectId') projectId: string,
  ): Promise<ProjectMoneyPreview> {
    return this.preview.preview(ctx, projectId);
  }
}
