import type { ContainerType, ResolverData } from 'type-graphql';
import type { AppConfig } from './config/app-config';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import { TransactionalConnection } from './db/transactional-connection';
import type { DataSource } from 'typeorm';
import { EventBus } from './events/event-bus';
import { AuthResolver } from './modules/auth/auth.resolver';
import { AuthService } from './modules/auth/auth.service';
import { IdempotencyService } from './modules/idempotency/idempotency.service';
import { ProjectResolver } from './modules/projects/project.resolver';
import { ProjectService } from './modules/projects/project.service';
import { ProjectTasksResolver, TaskResolver } from './modules/tasks/task.resolver';
import { TaskService } from './modules/tasks/task.service';
import { registerAssignmentJobs } from './modules/assignments/assignment.jobs';
import { AssignmentResolver } from './modules/assignments/assignment.resolver';
import { WorkerTaskResolver } from './modules/tasks/worker-task.resolver';
import { AssignmentService } from './modules/assignments/assignment.service';
import { GoldExposureResolver } from './modules/tasks/gold-exposure.resolver';
import { GoldExposureService } from './modules/tasks/gold-exposure.service';
import { secureUniformRng } from './modules/assignments/uniform-rng';
import { DatabaseJobQueue } from './modules/jobs/database-job-queue';
import { Scheduler } from './modules/jobs/scheduler';
import { WorkerBlockResolver } from './modules/workers/worker-block.resolver';
import { WorkerBlockService } from './modules/workers/worker-block.service';
import { registerAggregationJobs } from './modules/aggregation/aggregation.jobs';
import {
  AggregationResolver,
  ProjectAggregationResolver,
} from './modules/aggregation/aggregation.resolver';
import { AggregationService } from './modules/aggregation/aggregation.service';
import { OnlineAggregationService } from './modules/quality/online-aggregation.service';
import { AuditService } from './modules/quality/audit.service';
import { ExclusionService } from './modules/quality/exclusion.service';
import { QualityRulesService } from './modules/quality/quality-rules.service';
import { QualityResolver } from './modules/quality/quality.resolver';
import { AuditQueriesService } from './modules/quality/audit-queries.service';
import { AuditReportService } from './modules/quality/audit-report.service';
import { AuditResolver } from './modules/quality/audit.resolver';
import { QualificationService } from './modules/quality/qualification.service';
import { QualificationResolver } from './modules/quality/qualification.resolver';
import { WorkerBlockedEvent, WorkerUnblockedEvent } from './modules/workers/worker-block.events';
import { LedgerService } from './modules/ledger/ledger.service';
import { EscrowService } from './modules/payments/escrow.service';
import { FundingService } from './modules/payments/funding.service';
import { MoneyQueryService } from './modules/payments/money-query.service';
import {
  registerPaymentHooks,
  registerPaymentJobs,
  registerPaymentSubscribers,
} from './modules/payments/payments.hooks';
import { PaymentsResolver } from './modules/payments/payments.resolver';
import { PayoutService } from './modules/payments/payout.service';
import { ReconciliationService } from './modules/payments/reconciliation.service';
import { createPaymentProvider } from './modules/payments/strategies/create-payment-provider';
import type { PaymentProvider } from './modules/payments/strategies/payment-provider';
import { StripeWebhookService } from './modules/payments/stripe-webhook.service';
import { PrelabelResolver } from './modules/prelabel/prelabel.resolver';
import { PrelabelService } from './modules/prelabel/prelabel.service';
import { TrainingService } from './modules/prelabel/training.service';

type Constructor<T = unknown> = abstract new (...args: never[]) => T;

/**
 * The composition root: every service, strategy and resolver is built here, explicitly, with
 * its real dependencies (no reflection-based DI, no service locator inside services).
 * type-graphql asks it for resolver instances.
 */
export class Container implements ContainerType {
  private readonly instances = new Map<Constructor, unknown>();

  register<T>(type: Constructor<T>, instance: T): T {
    this.instances.set(type, instance);
    return instance;
  }

  get<T>(type: Constructor<T>, _resolverData?: ResolverData): T {
    const instance = this.instances.get(type);
    if (!instance) throw new Error(`Nothing registered for ${type.name}`);
    return instance as T;
  }
}

/** Everything the app needs, wired once. */
export interface Services {
  readonly db: TransactionalConnection;
  readonly events: EventBus;
  readonly auth: AuthService;
  readonly idempotency: IdempotencyService;
  readonly projects: ProjectService;
  readonly tasks: TaskService;
  /** Background work; tests call `jobs.drain(ctx)` after advancing their clock. */
  readonly jobs: DatabaseJobQueue;
  /** Runs `jobs` in the real app (started by `createApp` when `config.jobs.enabled`). */
  readonly scheduler: Scheduler;
  readonly assignments: AssignmentService;
  readonly workerBlocks: WorkerBlockService;
  /** Aggregation runs, results and worker quality (docs/aggregation.md). */
  readonly aggregation: AggregationService;
  /** Online posterior, dynamic overlap and background refits (docs/quality-online.md). */
  readonly onlineAggregation: OnlineAggregationService;
  /** Money (docs/money.md): the ledger, its flows, Stripe and the webhook. */
  readonly ledger: LedgerService;
  readonly paymentProvider: PaymentProvider;
  readonly escrow: EscrowService;
  readonly fundings: FundingService;
  readonly payouts: PayoutService;
  readonly stripeWebhooks: StripeWebhookService;
  readonly reconciliation: ReconciliationService;
  /** Quality rules, exclusions and the audit log (docs/quality.md). */
  readonly qualityRules: QualityRulesService;
  readonly exclusions: ExclusionService;
  readonly audit: AuditService;
  /** Quality audit queries and the HTML audit report (docs/quality.md). */
  readonly auditQueries: AuditQueriesService;
  readonly auditReports: AuditReportService;
  /** Qualification attempts and the worker's view of them (training gold before real tasks). */
  readonly qualifications: QualificationService;
  /** Pre-label models, pre-labeling runs and training (docs/prelabel.md). */
  readonly prelabels: PrelabelService;
  readonly training: TrainingService;
}

export function buildContainer(
  config: AppConfig,
  dataSource: DataSource,
  logger: Logger,
  clock: Clock,
  /** Uniform [0, 1) draws for gold mixing; tests inject a fixed one (default: crypto-secure). */
  rng: () => number = secureUniformRng,
): { container: Container; services: Services } {
  const container = new Container();
  const db = new TransactionalConnection(dataSource);
  const events = new EventBus(logger);
  const auth = new AuthService(db, config.auth);
  const idempotency = new IdempotencyService(db);
  const projects = new ProjectService(db, events, idempotency);
  const tasks = new TaskService(db, events, idempotency, projects);
  const jobs = new DatabaseJobQueue(db, logger);
  const scheduler = new Scheduler(jobs, clock, logger, config.jobs.pollIntervalMs);
  const assignments = new AssignmentService(db, events, { rng });
  registerAssignmentJobs(jobs, assignments, config.jobs);
  const workerBlocks = new WorkerBlockService(db, events);
  const aggregation = new AggregationService(db, events, projects, jobs, logger);
  registerAggregationJobs(jobs, aggregation);
  const onlineAggregation = new OnlineAggregationService(db, aggregation, jobs, logger);
  onlineAggregation.register(assignments);
  const audit = new AuditService(db);
  const exclusions = new ExclusionService(db, audit);
  const auditQueries = new AuditQueriesService(db, projects, audit);
  const auditReports = new AuditReportService(db, projects, auditQueries, audit);
  const qualityRules = new QualityRulesService(
    db,
    events,
    projects,
    assignments,
    exclusions,
    audit,
  );
  assignments.onSubmitted((tx, submitted) => qualityRules.onAnswerSubmitted(tx, submitted));
  const qualifications = new QualificationService(db);
  assignments.onSubmitted((tx, submitted) => qualifications.onAnswerSubmitted(tx, submitted));
  events.subscribe(WorkerBlockedEvent, (ctx, event) => qualityRules.onWorkerBlocked(ctx, event));
  events.subscribe(WorkerUnblockedEvent, (ctx, event) =>
    qualityRules.onWorkerUnblocked(ctx, event),
  );
  const ledger = new LedgerService(db);
  const paymentProvider = createPaymentProvider(config);
  const escrow = new EscrowService(db, ledger, idempotency, config.payments.platformFeeBps);
  const fundings = new FundingService(db, ledger, idempotency, paymentProvider);
  const payouts = new PayoutService(
    db,
    ledger,
    idempotency,
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
  registerPaymentHooks(projects, tasks, escrow);
  registerPaymentSubscribers(events, escrow, logger);
  registerPaymentJobs(jobs, { escrow, payouts }, config.payments);
  const prelabels = new PrelabelService(db, projects, jobs);
  prelabels.registerJobs();
  const training = new TrainingService(db, projects, prelabels);
  // Each model version answers as a MODEL annotator whose confusion aggregation learns.
  aggregation.addResponseSource({
    responses: (ctx, projectId) => prelabels.modelResponses(ctx, projectId),
  });

  container.register(AuthResolver, new AuthResolver(auth));
  container.register(ProjectResolver, new ProjectResolver(projects));
  container.register(TaskResolver, new TaskResolver(tasks));
  container.register(ProjectTasksResolver, new ProjectTasksResolver(tasks));
  container.register(AssignmentResolver, new AssignmentResolver(assignments));
  container.register(WorkerTaskResolver, new WorkerTaskResolver());
  container.register(
    GoldExposureResolver,
    new GoldExposureResolver(new GoldExposureService(db, projects)),
  );
  container.register(WorkerBlockResolver, new WorkerBlockResolver(workerBlocks));
  container.register(AggregationResolver, new AggregationResolver(aggregation));
  container.register(ProjectAggregationResolver, new ProjectAggregationResolver(aggregation));
  container.register(
    QualityResolver,
    new QualityResolver(qualityRules, exclusions, audit, projects),
  );
  container.register(AuditResolver, new AuditResolver(auditQueries, auditReports));
  container.register(QualificationResolver, new QualificationResolver(qualifications));
  container.register(
    PaymentsResolver,
    new PaymentsResolver(
      new MoneyQueryService(db, ledger),
      fundings,
      escrow,
      payouts,
      reconciliation,
    ),
  );
  container.register(PrelabelResolver, new PrelabelResolver(prelabels, training));

  return {
    container,
    services: {
      db,
      events,
      auth,
      idempotency,
      projects,
      tasks,
      jobs,
      scheduler,
      assignments,
      workerBlocks,
      aggregation,
      onlineAggregation,
      ledger,
      paymentProvider,
      escrow,
      fundings,
      payouts,
      stripeWebhooks,
      reconciliation,
      prelabels,
      training,
      qualityRules,
      exclusions,
      audit,
      auditQueries,
      auditReports,
      qualifications,
    },
  };
}
