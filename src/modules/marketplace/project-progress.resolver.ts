import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { ProjectProgressService } from './project-progress.service';
import { ProjectProgress } from './project-progress.types';
import { IdArg, OwnerQuery } from '../../graphql/operations';

/** The console dashboard's answer rate and time to finish (owner or admin). */
@Resolver()
export class ProjectProgressResolver {
  constructor(private readonly service: ProjectProgressService) {}

  @OwnerQuery(
    () => ProjectProgress,
    'Answers per hour, answers still needed and the estimated time to finish (owner or admin).',
  )
  projectProgress(
    @IdArg('projectId') projectId: string,
    ctx: RequestContext,
  ): Promise<ProjectProgress> {
    return this.service.progress(ctx, projectId);
  }
}
