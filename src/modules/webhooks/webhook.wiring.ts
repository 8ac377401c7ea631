/**
 * Wires the webhooks module: the service, the delivery job, and the in-transaction observers
 * that turn domain events into outbox rows (one line per event kind).
 */
import type { WiringContext } from '../../wiring-context';
import { LabelsAggregatedEvent } from '../aggregation/aggregation.events';
import { AssignmentSubmittedEvent } from '../marketplace/assignment.events';
import type { EscrowService } from '../payments/escrow.service';
import type { PayoutService } from '../payments/payout.service';
import { AuditAction } from '../quality/audit-log.entity';
import type { AuditService } from '../quality/audit.service';
import { ProjectStatusChangedEvent } from '../projects/project.events';
import { WorkerBlockedEvent } from '../workers/worker-block.events';
import { budgetLowThreshold, crossesBudgetLow } from './budget-low';
import { HttpWebhookTransport, type WebhookTransport } from './webhook-sender';
import { WebhookResolver } from './webhook.resolver';
import { WebhookService } from './webhook.service';

/** Name of the recurring job that sends due deliveries. */
export const WEBHOOK_DELIVERY_JOB = 'webhooks.deliver';

/** Builds the service, registers its resolver, job and event observers; returns the service. */
export function wireWebhooks(
  app: WiringContext,
  sources: {
    readonly audit: AuditService;
    readonly payouts: PayoutService;
    readonly escrow: EscrowService;
  },
  transport: WebhookTransport = new HttpWebhookTransport(
    app.config.webhooks,
    app.config.webhooks.timeoutMs,
  ),
): WebhookService {
  const { config, events, jobs } = {
    config: app.config.webhooks,
    events: app.events,
    jobs: app.jobs,
  };
  const webhooks = new WebhookService(app.db, config, transport);
  app.resolvers.register(WebhookResolver, new WebhookResolver(webhooks));
  jobs.registerRecurring(WEBHOOK_DELIVERY_JOB, config.pollIntervalMs, async ctx => ({
    attempted: await webhooks.deliverDue(ctx),
  }));

  events.observeInTransaction(ProjectStatusChangedEvent, (tx, event) =>
    event.to === 'COMPLETED'
      ? webhooks.emit(tx, 'project.completed', event.projectId, {
          projectId: event.projectId,
          completedAt: event.at.toISOString(),
        })
      : undefined,
  );
  events.observeInTransaction(WorkerBlockedEvent, (tx, event) =>
    webhooks.emit(tx, 'worker.blocked', event.projectId, {
      blockId: event.blockId,
      workerId: event.workerId,
      projectId: event.projectId,
      byRule: event.blockedBy === null,
      reason: event.reason,
    }),
  );
  events.observeInTransaction(AssignmentSubmittedEvent, async (tx, event) => {
    const { assignmentId, taskId, projectId, workerId } = event.ref;
    await webhooks.emit(tx, 'assignment.submitted', projectId, {
      assignmentId,
      taskId,
      projectId,
      workerId,
      labels: event.labels,
    });
    if (event.taskCompleted) {
      await webhooks.emit(tx, 'task.completed', projectId, { taskId, projectId });
    }
  });
  events.observeInTransaction(LabelsAggregatedEvent, (tx, event) =>
    webhooks.emit(tx, 'aggregation.finished', event.projectId, {
      projectId: event.projectId,
      runId: event.runId,
      method: event.method,
      taskCount: event.taskCount,
      changedTasks: event.changedTasks,
    }),
  );
  // A quality rule's FLAG and NOTIFY actions are audit entries: the webhook is their delivery.
  sources.audit.onRecorded((tx, entry) =>
    entry.workerId && (entry.action === AuditAction.FLAG || entry.action === AuditAction.NOTIFY)
      ? webhooks.emit(tx, 'worker.flagged', entry.projectId, {
          workerId: entry.workerId,
          projectId: entry.projectId,
          action: entry.action,
          reason: entry.reason,
          ruleId: entry.ruleId,
          auditEntryId: entry.id,
        })
      : undefined,
  );
  // In the approval's transaction: only the spend that crosses the line (budget-low.ts).
  sources.escrow.onSpent((tx, spend) =>
    crossesBudgetLow(spend, config.budgetLowPercent)
      ? webhooks.emit(tx, 'project.budget_low', spend.project.id, {
          projectId: spend.project.id,
          currency: spend.project.currency,
          remaining: spend.balanceAfter,
          reserved: spend.reserved,
          threshold: budgetLowThreshold(spend.reserved, config.budgetLowPercent),
        })
      : undefined,
  );
  // Payouts concern no project: only admins' endpoints get them.
  sources.payouts.onSettled((tx, payout, status) =>
    webhooks.emit(tx, status === 'PAID' ? 'payout.paid' : 'payout.failed', null, {
      payoutId: payout.id,
      workerId: payout.workerId,
      amount: payout.amount,
      currency: payout.currency,
    }),
  );
  return webhooks;
}
