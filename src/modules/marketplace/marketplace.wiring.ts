import type { WiringContext } from '../../wiring-context';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import type { ProjectService } from '../projects/project.service';
import { registerAssignmentJobs } from './assignment.jobs';
import type { SubmissionStep } from './assignment.hooks';
import { AssignmentResolver } from './assignment.resolver';
import { GoldExposureResolver } from './gold-exposure.resolver';
import { GoldExposureService } from './gold-exposure.service';
import { LeasingService, type UniformRng } from './leasing.service';
import { ProjectProgressResolver } from './project-progress.resolver';
import { ProjectProgressService } from './project-progress.service';
import { ReviewService } from './review.service';
import { SubmissionService } from './submission.service';
import { TaskSlots } from './task-slots';
import { ProjectTasksResolver, TaskResolver } from './task.resolver';
import { TaskService } from './task.service';
import { WorkerTaskResolver } from './worker-task.resolver';

/** The marketplace's services before submission is wired (see `wireSubmission`). */
export interface Marketplace {
  readonly tasks: TaskService;
  /** The only writer of `live_assignments` / `counted_answers`; count-change hooks go here. */
  readonly slots: TaskSlots;
  readonly leasing: LeasingService;
  readonly review: ReviewService;
}

/**
 * Tasks, leases, review and gold exposure, with the lease-expiry and auto-approval sweeps. Submission is wired
 * separately, last, because its steps come from modules built on top of this one.
 */
export function wireMarketplace(
  app: WiringContext,
  deps: { idempotency: IdempotencyService; projects: ProjectService; rng: UniformRng },
): Marketplace {
  const tasks = new TaskService(app.db, app.events, deps.idempotency, deps.projects);
  const slots = new TaskSlots(app.db);
  const leasing = new LeasingService(app.db, app.events, slots, { rng: deps.rng });
  const review = new ReviewService(app.db, app.events, slots);
  registerAssignmentJobs(app.jobs, { leasing, review }, app.config.jobs);
  app.resolvers.register(TaskResolver, new TaskResolver(tasks));
  app.resolvers.register(ProjectTasksResolver, new ProjectTasksResolver(tasks));
  app.resolvers.register(WorkerTaskResolver, new WorkerTaskResolver());
  app.resolvers.register(
    GoldExposureResolver,
    new GoldExposureResolver(new GoldExposureService(app.db, deps.projects)),
  );
  app.resolvers.register(
    ProjectProgressResolver,
    new ProjectProgressResolver(new ProjectProgressService(app.db, deps.projects)),
  );
  return { tasks, slots, leasing, review };
}

/**
 * The submission service with its in-transaction steps, in the order given (the list is
 * written once, in `submission-steps.ts`), and the assignment resolver over all three services.
 */
export function wireSubmission(
  app: WiringContext,
  marketplace: Marketplace,
  steps: readonly SubmissionStep[],
): { submission: SubmissionService } {
  const submission = new SubmissionService(app.db, app.events, marketplace.slots, steps);
  app.resolvers.register(
    AssignmentResolver,
    new AssignmentResolver(marketplace.leasing, submission, marketplace.review),
  );
  return { submission };
}
