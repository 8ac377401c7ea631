import type { WiringContext } from '../../wiring-context';
import type { TaskSlots } from '../marketplace/task-slots';
import type { ProjectService } from '../projects/project.service';
import { registerAggregationJobs } from './aggregation.jobs';
import { AggregationResolver, ProjectAggregationResolver } from './aggregation.resolver';
import { AggregationService } from './aggregation.service';
import {
  ONLINE_AGGREGATION_JOBS,
  OnlineAggregationService,
} from './online/online-aggregation.service';

/**
 * Aggregation runs and results, and the online posterior (aggregation/online/): the refit job,
 * and the count-change hook that keeps a task's posterior in step with its counted answers. The
 * online submission step is listed in `submission-steps.ts`.
 */
export function wireAggregation(
  app: WiringContext,
  deps: { projects: ProjectService; slots: TaskSlots },
): { aggregation: AggregationService; online: OnlineAggregationService } {
  const aggregation = new AggregationService(
    app.db,
    app.events,
    deps.projects,
    app.jobs,
    app.logger,
  );
  registerAggregationJobs(app.jobs, aggregation);
  const online = new OnlineAggregationService(
    app.db,
    aggregation,
    app.jobs,
    app.logger,
    {},
    deps.slots,
  );
  app.jobs.register(ONLINE_AGGREGATION_JOBS.refit, async (ctx, payload) =>
    online.refit(ctx, String(payload.projectId)),
  );
  deps.slots.onCountChanged((tx, change) => online.onCountChanged(tx, change));
  app.resolvers.register(AggregationResolver, new AggregationResolver(aggregation));
  app.resolvers.register(ProjectAggregationResolver, new ProjectAggregationResolver(aggregation));
  return { aggregation, online };
}
