import type { WiringContext } from '../../wiring-context';
import type { AggregationService } from '../aggregation/aggregation.service';
import type { OnlineAggregationService } from '../aggregation/online/online-aggregation.service';
import type { TaskSlots } from '../marketplace/task-slots';
import type { ProjectService } from '../projects/project.service';
import { ModelLoop } from './model-loop';
import { PrelabelResolver } from './prelabel.resolver';
import { PrelabelService } from './prelabel.service';
import { TrainingService } from './training.service';

/** Pre-label models, pre-labeling runs (a job), training and the automatic retrain loop. */
export function wirePrelabel(
  app: WiringContext,
  deps: {
    projects: ProjectService;
    aggregation: AggregationService;
    online: OnlineAggregationService;
    slots: TaskSlots;
  },
): { prelabels: PrelabelService; training: TrainingService; modelLoop: ModelLoop } {
  const prelabels = new PrelabelService(app.db, deps.projects, app.jobs);
  prelabels.registerJobs();
  const training = new TrainingService(app.db, deps.projects, prelabels);
  const modelLoop = new ModelLoop(app.db, prelabels, training, app.jobs, app.logger);
  modelLoop.registerJobs();
  deps.slots.onTaskCompleted((tx, completed) => modelLoop.onTaskCompleted(tx, completed));
  // Each model version answers as a MODEL annotator whose confusion aggregation learns.
  deps.aggregation.addResponseSource({
    responses: (ctx, projectId, options) => prelabels.modelResponses(ctx, projectId, options),
  });
  // Unanswered tasks are served in the voting model's uncertainty order; aggregation, the one
  // writer of the serving priority, follows each stored batch and each promotion.
  prelabels.onVotingPredictionsChanged((tx, change) =>
    deps.online.onVotingPredictionsChanged(tx, change),
  );
  app.resolvers.register(PrelabelResolver, new PrelabelResolver(prelabels, training));
  return { prelabels, training, modelLoop };
}
