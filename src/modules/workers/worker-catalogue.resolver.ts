import { Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { WorkerCatalogueService } from './worker-catalogue.service';
import { CatalogueProject } from './worker-catalogue.types';
import { WorkerQuery } from '../../graphql/operations';

/** The worker app's catalogue of projects. */
@Resolver()
export class WorkerCatalogueResolver {
  constructor(private readonly catalogue: WorkerCatalogueService) {}

  @WorkerQuery(
    () => [CatalogueProject],
    'Projects open to you (at most 100): reward, measured time per task, hourly rate, tasks left and your qualification.',
  )
  workerCatalogue(ctx: RequestContext): Promise<CatalogueProject[]> {
    return this.catalogue.catalogue(ctx);
  }
}
