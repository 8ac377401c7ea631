import type { WiringContext } from '../../wiring-context';
import type { AggregationService } from '../aggregation/aggregation.service';
import type { ProjectService } from '../projects/project.service';
import type { TaskService } from '../marketplace/task.service';
import { ReviewResolver } from './review.resolver';
import { ReviewService } from './review.service';

/**
 * Builds the review module: its service, its resolver, and the overrides aggregation applies to
 * results and exports (so aggregation never imports review).
 */
export function wireReview(
  app: WiringContext,
  deps: {
    projects: ProjectService;
    tasks: TaskService;
    aggregation: AggregationService;
  },
): ReviewService {
  const review = new ReviewService(app.db, deps.projects, deps.tasks);
  deps.aggregation.setResultOverrides({
    overrides: (ctx, projectId, taskIds) => review.overrides(ctx, projectId, taskIds),
  });
  app.resolvers.register(ReviewResolver, new ReviewResolver(review));
  return review;
}
