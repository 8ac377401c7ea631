import type { JobQueue } from '../jobs/job-queue';
import type { LeasingService } from './leasing.service';
import type { ReviewService } from './review.service';

/** Names of the recurring assignment sweeps in the `jobs` table. */
export const ASSIGNMENT_JOBS = {
  expireLeases: 'assignments.expire-leases',
  autoApprove: 'assignments.auto-approve',
} as const;

/**
 * Registers the timed work of leases and reviews. Expiry also happens lazily at selection, so
 * the sweep's interval only bounds how long an abandoned lease blocks a slot when nobody asks
 * for work; auto-approval only depends on the sweep. Intervals from `JOBS_LEASE_SWEEP_SECONDS`
 * and `JOBS_AUTO_APPROVE_SWEEP_SECONDS`.
 */
export function registerAssignmentJobs(
  queue: JobQueue,
  services: { leasing: LeasingService; review: ReviewService },
  intervals: { leaseSweepSeconds: number; autoApproveSweepSeconds: number },
): void {
  queue.registerRecurring(
    ASSIGNMENT_JOBS.expireLeases,
    intervals.leaseSweepSeconds * 1000,
    async ctx => ({
      expired: await services.leasing.expireAllStaleLeases(ctx),
    }),
  );
  queue.registerRecurring(
    ASSIGNMENT_JOBS.autoApprove,
    intervals.autoApproveSweepSeconds * 1000,
    async ctx => ({ approved: await services.review.autoApproveDue(ctx) }),
  );
}
