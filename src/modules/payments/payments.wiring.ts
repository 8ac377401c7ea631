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
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { LedgerService } from '../ledger/ledger.service';
import type { WiringContext } from '../../wiring-context';
import { EscrowService } from './escrow.service';
import { FundingService } from './funding.service';
import { MoneyQueryService } from './money-query.service';
import { MoneyPreviewResolver } from './money-preview.resolver';
import { MoneyPreviewService } from './money-preview.service';
import { PaymentsResolver } from './payments.resolver';
import { PayoutService } from './payout.service';
import { ReconciliationService } from './reconciliation.service';
import { createPaymentProvider } from './strategies/create-payment-provider';
import type { PaymentProvider } from './strategies/payment-provider';
import { StripeWebhookService } from './stripe-webhook.service';

/** Names of the payments jobs in the `jobs` table. */
export const PAYMENT_JOBS = {
  sweep: 'payments.sweep',
  runPayouts: 'payments.run-payouts',
} as const;

/** The money services (docs/money.md): the ledger, its flows, Stripe and the webhook. */
export interface Money {
  readonly ledger: LedgerService;
  readonly paymentProvider: PaymentProvider;
  readonly escrow: EscrowService;
  readonly fundings: FundingService;
  readonly payouts: PayoutService;
  readonly stripeWebhooks: StripeWebhookService;
  readonly reconciliation: ReconciliationService;
}

/**
 * The ledger and payments: services, the in-transaction hooks on projects and tasks, the
 * after-commit subscribers to marketplace events, the jobs and the resolver.
 */
export function wirePayments(
  app: WiringContext,
  deps: { idempotency: IdempotencyService; projects: ProjectService; tasks: TaskService },
): Money {
  const { config, db, logger } = app;
  const ledger = new LedgerService(db);
  const paymentProvider = createPaymentProvider(config);
  const escrow = new EscrowService(db, ledger, deps.idempotency, config.payments.platformFeeBps);
  const fundings = new FundingService(db, ledger, deps.idempotency, paymentProvider);
  const payouts = new PayoutService(
    db,
    ledger,
    deps.idempotency,
    paymentProvider,
    // The claim outlives a Stripe call that times out, so only a crashed sender is overtaken.
    {
      minimumAmount: config.payments.payoutMinimumAmount,
      claimMs: 4 * config.payments.stripeTimeoutMs,
    },
    logger,
  );
  const stripeWebhooks = new StripeWebhookService(db, paymentProvider, fundings, payouts, logger);
  const reconciliation = new ReconciliationService(db, ledger, paymentProvider);
  registerPaymentHooks(deps.projects, deps.tasks, escrow);
  registerPaymentSubscribers(app.events, escrow, logger);
  registerPaymentJobs(app.jobs, { escrow, payouts }, config.payments);
  app.resolvers.register(
    MoneyPreviewResolver,
    new MoneyPreviewResolver(
      new MoneyPreviewService(db, deps.projects, ledger, config.payments.platformFeeBps),
    ),
  );
  app.resolvers.register(
    PaymentsResolver,
    new PaymentsResolver(
      new MoneyQueryService(db, ledger),
      fundings,
      escrow,
      payouts,
      reconciliation,
    ),
  );
  return { ledger, paymentProvider, escrow, fundings, payouts, stripeWebhooks, reconciliation };
}

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
