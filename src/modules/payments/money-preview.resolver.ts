import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import type { MoneyPreviewService } from './money-preview.service';
import { ProjectMoneyPreview } from './money-preview.types';

/** The money preview the console shows before a lifecycle move. */
@Resolver()
export class MoneyPreviewResolver {
  constructor(private readonly preview: MoneyPreviewService) {}

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => ProjectMoneyPreview, {
    description:
      'What launching/resuming would reserve and completing/archiving would release now (owner or admin).',
  })
  projectMoneyPreview(
    @Ctx() ctx: RequestContext,
    @Arg('projectId', () => ID) projectId: string,
  ): Promise<ProjectMoneyPreview> {
    return this.preview.preview(ctx, projectId);
  }
}
