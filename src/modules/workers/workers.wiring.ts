import type { WiringContext } from '../../wiring-context';
import { QualificationResolver } from './qualification.resolver';
import { QualificationService } from './qualification.service';
import { WorkerBlockResolver } from './worker-block.resolver';
import { WorkerCatalogueResolver } from './worker-catalogue.resolver';
import { WorkerCatalogueService } from './worker-catalogue.service';
import { WorkerStandingService } from './worker-standing.service';

/** A worker's standing (blocks) and qualification. */
export function wireWorkers(app: WiringContext): {
  standing: WorkerStandingService;
  qualifications: QualificationService;
} {
  const standing = new WorkerStandingService(app.db, app.events);
  const qualifications = new QualificationService(app.db);
  app.resolvers.register(WorkerBlockResolver, new WorkerBlockResolver(standing));
  app.resolvers.register(QualificationResolver, new QualificationResolver(qualifications));
  app.resolvers.register(
    WorkerCatalogueResolver,
    new WorkerCatalogueResolver(new WorkerCatalogueService(app.db)),
  );
  return { standing, qualifications };
}
