import { Arg, Args, Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { ReviewService } from './review.service';
import {
  DecideReviewInput,
  ProjectReviewer,
  ReviewDecision,
  ReviewQueue,
  ReviewQueueArgs,
  ReviewTask,
  ReviewableProject,
} from './review.types';
import {
  IdArg,
  OwnerMutation,
  OwnerQuery,
  SignedInMutation,
  SignedInQuery,
} from '../../graphql/operations';

/** Expert review: the queue, one task, decisions, and the REVIEWER grant. */
@Resolver()
export class ReviewResolver {
  constructor(private readonly review: ReviewService) {}

  @SignedInQuery(
    () => ReviewQueue,
    'Tasks the crowd could not settle (low confidence, model disagrees), lowest confidence first (owner, admin or granted reviewer).',
  )
  reviewQueue(ctx: RequestContext, @Args() args: ReviewQueueArgs): Promise<ReviewQueue> {
    return this.review.queue(ctx, args);
  }

  @SignedInQuery(
    () => ReviewTask,
    'A task as its reviewer sees it: payload, answers under pseudonyms, posterior, pre-label, decision.',
  )
  reviewTask(ctx: RequestContext, @IdArg('taskId') taskId: string): Promise<ReviewTask> {
    return this.review.task(ctx, taskId);
  }

  @SignedInQuery(
    () => [ReviewableProject],
    'Projects you may review: your own and those granted to you.',
  )
  reviewableProjects(ctx: RequestContext): Promise<ReviewableProject[]> {
    return this.review.reviewableProjects(ctx);
  }

  @OwnerQuery(() => [ProjectReviewer], 'Users granted REVIEWER on your project.')
  projectReviewers(
    ctx: RequestContext,
    @IdArg('projectId') projectId: string,
  ): Promise<ProjectReviewer[]> {
    return this.review.reviewers(ctx, projectId);
  }

  @SignedInMutation(
    () => ReviewDecision,
    'Sets a task’s final label; it overrides the aggregate in results and exports (marked reviewed).',
  )
  decideReview(
    ctx: RequestContext,
    @Arg('input', () => DecideReviewInput) input: DecideReviewInput,
  ): Promise<ReviewDecision> {
    return this.review.decide(ctx, input);
  }

  @OwnerMutation(
    () => ProjectReviewer,
    'Lets the user with this email review your project (answers under pseudonyms; no money, no settings).',
  )
  grantReviewer(
    ctx: RequestContext,
    @IdArg('projectId') projectId: string,
    @Arg('email') email: string,
  ): Promise<ProjectReviewer> {
    return this.review.grant(ctx, projectId, email);
  }

  @OwnerMutation(() => ProjectReviewer, 'Takes the REVIEWER role back.')
  revokeReviewer(
    ctx: RequestContext,
    @IdArg('projectId') projectId: string,
    @IdArg('userId') userId: string,
  ): Promise<ProjectReviewer> {
    return this.review.revoke(ctx, projectId, userId);
  }
}
