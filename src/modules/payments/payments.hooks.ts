import type { Logger } from '../../common/logger';
import type { RequestContext } from '../../common/request-context';
import type { EventBus } from '../../events/event-bus';
import {
  AssignmentApprovedEvent,
  AssignmentExpiredEvent,
  AssignmentRejectedEvent,
  AssignmentReturnedEvent,
} from '../marketplace/assignment.events';
import type { JobQueue } from '../jobs/job-queue';
import { ProjectStatusChangedEvent } from '../projects/project.events';
import type { ProjectService } from '../projects/project.service';
import { ProjectStatus } from '../projects/project.types';
import type { TaskService } from '../marketplace/task.service';
import type { EscrowService } from './escrow.service';
import type { PayoutService } from './payout.service';

/** Names of the payments jobs in the `jobs` table. */
export const PAYMENT_JOBS = {
  sweep: 'payments.sweep',
  runPayouts: 'payments.run-payouts',
} as const;

/**
 * Money reacts to the marketplace; the marketplace never calls money (DESIGN.md, Where things
 * live). Where money must move atomically with a marketplace change, payments registers an
 * in-transaction hook, so the change fails with INSUFFICIENT_BALANCE when it cannot be funded:
 *
 * - a launch (or resume) reserves the project's escrow;
 * - closing a project (COMPLETED, ARCHIVED) releases what is left, minus the hold-back;
 * - an import of tasks into a running project, or a settings change (higher `maxOverlap`),
 *   tops the escrow up.
 */
export function registerPaymentHooks(
  projects: ProjectService,
  tasks: TaskService,
  escrow: EscrowService,
): void {
  projects.onTransition(async (tx, { project, to }) => {
    if (to === ProjectStatus.ACTIVE) await escrow.reserveForLaunch(tx, project);
    if (to === ProjectStatus.COMPLETED || to === ProjectStatus.ARCHIVED) {
      await escrow.releaseEscrow(tx, project);
    }
  });
  projects.onSettingsChanged(async (tx, { project }) => {
    await escrow.ensureEscrow(tx, project);
  });
  tasks.onImported(async (tx, { project }) => {
    await escrow.ensureEscrow(tx, project);
  });
}

/**
 * Reactions after commit. Approvals are paid from `AssignmentApprovedEvent` (delivered after
 * the approval commits; each is paid once, keyed on the assignment). An answer leaving a closed
 * project (rejected, expired, returned) frees its hold-back, so the rest of the escrow is
 * released. If the process dies between a commit and its event, the sweep job does the same work
 * later: nothing depends on an event arriving.
 */
export function registerPaymentSubscribers(
  events: EventBus,
  escrow: EscrowService,
  logger: Logger,
): void {
  events.subscribe(AssignmentApprovedEvent, async (ctx, event) => {
    try {
      await escrow.settleApprovalOf(ctx, event.ref.assignmentId);
    } catch (error) {
      // INSUFFICIENT_BALANCE (escrow and balance both short): the sweep retries it.
      logger.warn({ err: error, assignmentId: event.ref.assignmentId }, 'approval not paid yet');
    }
  });
  // releaseEscrowOf does nothing for a project that is still open.
  const release = async (ctx: RequestContext, projectId: string): Promise<void> => {
    await escrow.releaseEscrowOf(ctx, projectId);
  };
  events.subscribe(AssignmentRejectedEvent, (ctx, event) => release(ctx, event.ref.projectId));
  events.subscribe(AssignmentExpiredEvent, (ctx, event) => release(ctx, event.ref.projectId));
  events.subscribe(AssignmentReturnedEvent, (ctx, event) => release(ctx, event.ref.projectId));
  events.subscribe(ProjectStatusChangedEvent, async (ctx, event) => {
    if (event.to === ProjectStatus.COMPLETED || event.to === ProjectStatus.ARCHIVED) {
      await release(ctx, event.projectId);
    }
  });
}

/**
 * The payments jobs: the safety sweep (approvals without their payment, closed projects still
 * holding escrow, payouts due for a send or a retry) every `sweepSeconds`, and the payout run
 * every `payoutScheduleSeconds` when that is above zero.
 */
export function registerPaymentJobs(
  queue: JobQueue,
  services: { escrow: EscrowService; payouts: PayoutService },
  config: { sweepSeconds: number; payoutScheduleSeconds: number },
): void {
  queue.registerRecurring(PAYMENT_JOBS.sweep, config.sweepSeconds * 1000, async ctx => ({
    approvalsPaid: await services.escrow.settleMissingApprovals(ctx),
    escrowReleased: await services.escrow.releaseClosedProjects(ctx),
    payoutsSent: await services.payouts.sendDuePayouts(ctx),
  }));
  if (config.payoutScheduleSeconds > 0) {
    queue.registerRecurring(
      PAYMENT_JOBS.runPayouts,
      config.payoutScheduleSeconds * 1000,
      async ctx => {
        const run = await services.payouts.createPayouts(ctx, {});
        return { created: run.payouts.length, skipped: run.skipped.length };
      },
    );
  }
}
