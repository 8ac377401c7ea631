import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../common/request-context';
import { Role } from '../auth/role';
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

/** Expert review: the queue, one task, decisions, and the REVIEWER grant. */
@Resolver()
export class ReviewResolver {
  constructor(private readonly review: ReviewService) {}

  @Authorized()
  @Query(() => ReviewQueue, {
    description:
      'Tasks the crowd could not settle (low confidence, model disagrees), lowest confidence first (owner, admin or granted reviewer).',
  })
  reviewQueue(@Ctx() ctx: RequestContext, @Args() args: ReviewQueueArgs): Promise<ReviewQueue> {
    return this.review.queue(ctx, args);
  }

  @Authorized()
  @Query(() => ReviewTask, {
    description:
      'A task as its reviewer sees it: payload, answers under pseudonyms, posterior, pre-label, decision.',
  })
  reviewTask(
    @Ctx() ctx: RequestContext,
    @Arg('taskId', () => ID) taskId: string,
  ): Promise<ReviewTask> {
    return this.review.task(ctx, taskId);
  }

  @Authorized()
  @Query(() => [ReviewableProject], {
    description: 'Projects you may review: your own and those granted to you.',
  })
  reviewableProjects(@Ctx() ctx: RequestContext): Promise<ReviewableProject[]> {
    return this.review.reviewableProjects(ctx);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Query(() => [ProjectReviewer], { description: 'Users granted REVIEWER on your project.' })
  projectReviewers(
    @Ctx() ctx: RequestContext,
    @Arg('projectId', () => ID) projectId: string,
  ): Promise<ProjectReviewer[]> {
    return this.review.reviewers(ctx, projectId);
  }

  @Authorized()
  @Mutation(() => ReviewDecision, {
    description:
      'Sets a task’s final label; it overrides the aggregate in results and exports (marked reviewed).',
  })
  decideReview(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => DecideReviewInput) input: DecideReviewInput,
  ): Promise<ReviewDecision> {
    return this.review.decide(ctx, input);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => ProjectReviewer, {
    description:
      'Lets the user with this email review your project (answers under pseudonyms; no money, no settings).',
  })
  grantReviewer(
    @Ctx() ctx: RequestContext,
    @Arg('projectId', () => ID) projectId: string,
    @Arg('email') email: string,
  ): Promise<ProjectReviewer> {
    return this.review.grant(ctx, projectId, email);
  }

  @Authorized(Role.REQUESTER, Role.ADMIN)
  @Mutation(() => ProjectReviewer, { description: 'Takes the REVIEWER role back.' })
  revokeReviewer(
    @Ctx() ctx: RequestContext,
    @Arg('projectId', () => ID) projectId: string,
    @Arg('userId', () => ID) userId: string,
  ): Promise<ProjectReviewer> {
    return this.review.revoke(ctx, projectId, userId);
  }
}
