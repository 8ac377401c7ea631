import type { WiringContext } from '../../wiring-context';
import type { AggregationService } from '../aggregation/aggregation.service';
import type { ProjectService } from '../projects/project.service';
import { PrelabelResolver } from './prelabel.resolver';
import { PrelabelService } from './prelabel.service';
import { TrainingService } from './training.service';

/** Pre-label models, pre-labeling runs (a job) and training. */
export function wirePrelabel(
  app: WiringContext,
  deps: { projects: ProjectService; aggregation: AggregationService },
): { prelabels: PrelabelService; training: TrainingService } {
  const prelabels = new PrelabelService(app.db, deps.projects, app.jobs);
  prelabels.registerJobs();
  const training = new TrainingService(app.db, deps.projects, prelabels);
  // Each model version answers as a MODEL annotator whose confusion aggregation learns.
  deps.aggregation.addResponseSource({
    responses: (ctx, projectId) => prelabels.modelResponses(ctx, projectId),
  });
  app.resolvers.register(PrelabelResolver, new PrelabelResolver(prelabels, training));
  return { prelabels, training };
}
