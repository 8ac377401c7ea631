import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import type { ProjectProgressService } from './project-progress.service';
import { ProjectProgress } from './project-progress.types';

/** The console dashboard's answer rate and time to finish (owner or admin). */
@Resolver()
export class ProjectProgressResolver {
  constructor(private readonly service: ProjectProgressService) {}

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => ProjectProgress, {
    description:
      'Answers per hour, answers still needed and the estimated time to finish (owner or admin).',
  })
  projectProgress(
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ProjectProgress> {
    return this.service.progress(ctx, projectId);
  }
}
