import type { Container } from '../../container';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { AggregationService } from '../aggregation/aggregation.service';
import type { ProjectService } from '../projects/project.service';
import type { TaskService } from '../tasks/task.service';
import { ReviewResolver } from './review.resolver';
import { ReviewService } from './review.service';

/**
 * Builds the review module: its service, its resolver, and the overrides aggregation applies to
 * results and exports (so aggregation never imports review).
 */
export function wireReview(
  container: Container,
  deps: {
    db: TransactionalConnection;
    projects: ProjectService;
    tasks: TaskService;
    aggregation: AggregationService;
  },
): ReviewService {
  const review = new ReviewService(deps.db, deps.projects, deps.tasks);
  deps.aggregation.setResultOverrides({
    overrides: (ctx, projectId, taskIds) => review.overrides(ctx, projectId, taskIds),
  });
  container.register(ReviewResolver, new ReviewResolver(review));
  return review;
}
