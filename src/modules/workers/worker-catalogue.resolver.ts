import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
import type { WorkerCatalogueService } from './worker-catalogue.service';
import { CatalogueProject } from './worker-catalogue.types';

/** The worker app's catalogue of projects. */
@Resolver()
export class WorkerCatalogueResolver {
  constructor(private readonly catalogue: WorkerCatalogueService) {}

  @Authorized(Role.WORKER)
  @Query(() => [CatalogueProject], {
    description:
      'Projects open to you (at most 100): reward, measured time per task, hourly rate, tasks left and your qualification.',
  })
  workerCatalogue(@Ctx() ctx: RequestContext): Promise<CatalogueProject[]> {
    return this.catalogue.catalogue(ctx);
  }
}
