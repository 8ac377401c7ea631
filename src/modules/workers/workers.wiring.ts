import type { WiringContext } from '../../wiring-context';
import { QualificationResolver } from './qualification.resolver';
import { QualificationService } from './qualification.service';
import { WorkerBlockResolver } from './worker-block.resolver';
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
  return { standing, qualifications };
}
