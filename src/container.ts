import type { ContainerType, ResolverData } from 'type-graphql';
import type { DataSource } from 'typeorm';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { AppConfig } from './config/app-config';
import { TransactionalConnection } from './db/transactional-connection';
import { EventBus } from './events/event-bus';
import type { AggregationService } from './modules/aggregation/aggregation.service';
import { wireAggregation } from './modules/aggregation/aggregation.wiring';
import type { OnlineAggregationService } from './modules/aggregation/online/online-aggregation.service';
import type { AuthService } from './modules/auth/auth.service';
import { wireAuth } from './modules/auth/auth.wiring';
import { IdempotencyService } from './modules/idempotency/idempotency.service';
import { DatabaseJobQueue } from './modules/jobs/database-job-queue';
import { Scheduler } from './modules/jobs/scheduler';
import type { LiveUpdates } from './modules/live/live-updates.service';
import { wireLive } from './modules/live/live.wiring';
import type { LeasingService } from './modules/marketplace/leasing.service';
import { wireMarketplace, wireSubmission } from './modules/marketplace/marketplace.wiring';
import type { ReviewService } from './modules/marketplace/review.service';
import type { SubmissionService } from './modules/marketplace/submission.service';
import type { TaskSlots } from './modules/marketplace/task-slots';
import type { TaskService } from './modules/marketplace/task.service';
import { secureUniformRng } from './modules/marketplace/uniform-rng';
import { type Money, wirePayments } from './modules/payments/payments.wiring';
import type { PrelabelService } from './modules/prelabel/prelabel.service';
import { wirePrelabel } from './modules/prelabel/prelabel.wiring';
import type { TrainingService } from './modules/prelabel/training.service';
import type { ModelLoop } from './modules/prelabel/model-loop';
import type { ProjectService } from './modules/projects/project.service';
import { wireProjects } from './modules/projects/projects.wiring';
import { type Quality, wireQuality } from './modules/quality/quality.wiring';
import type { QualificationService } from './modules/workers/qualification.service';
import type { WorkerStandingService } from './modules/workers/worker-standing.service';
import { wireWorkers } from './modules/workers/workers.wiring';
import type { AuditReportService } from './reports/audit-report.service';
import { wireReports } from './reports/reports.wiring';
import { wireReview } from './modules/review/review.wiring';
import { submissionSteps } from './submission-steps';
import type { ResolverRegistry, WiringContext } from './wiring-context';
import type { WebhookService } from './modules/webhooks/webhook.service';
import { wireWebhooks } from './modules/webhooks/webhook.wiring';

type Constructor<T = unknown> = abstract new (...args: never[]) => T;

/**
 * The resolver registry: every module's `<module>.wiring.ts` puts its resolvers here, and
 * type-graphql asks it for them (no reflection-based DI, no service locator inside services).
 */
export class Container implements ContainerType, ResolverRegistry {
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
export interface Services extends Money, Quality {
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
  /** The slot counters of tasks (marketplace/task-slots.ts). */
  readonly taskSlots: TaskSlots;
  /** Leases, submission and review (marketplace/). */
  readonly leasing: LeasingService;
  readonly submission: SubmissionService;
  readonly review: ReviewService;
  /** Blocks and qualification (workers/). */
  readonly workerStanding: WorkerStandingService;
  readonly qualifications: QualificationService;
  /** Aggregation runs, results and worker quality (docs/aggregation.md). */
  readonly aggregation: AggregationService;
  /** Online posterior, dynamic overlap and background refits (docs/quality-online.md). */
  readonly onlineAggregation: OnlineAggregationService;
  /** The HTML audit report (src/reports/). */
  readonly auditReports: AuditReportService;
  /** Pre-label models, pre-labeling runs and training (docs/prelabel.md). */
  readonly prelabels: PrelabelService;
  readonly training: TrainingService;
  /** Automatic retraining every `modelRetrainEvery` completed tasks (model-loop.ts). */
  readonly modelLoop: ModelLoop;
  /** Outbound webhooks: endpoints, the outbox and its delivery job. */
  readonly webhooks: WebhookService;
  /** Live updates for subscriptions (new work, lease warnings) over LISTEN/NOTIFY. */
  readonly live: LiveUpdates;
}

/**
 * The composition root: the platform (database, events, jobs), then each module's wiring in
 * dependency order, then the submit transaction's steps, in order, in one place.
 */
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
  const jobs = new DatabaseJobQueue(db, logger);
  const scheduler = new Scheduler(jobs, clock, logger, config.jobs.pollIntervalMs);
  const app: WiringContext = { config, db, events, jobs, logger, clock, resolvers: container };
  const idempotency = new IdempotencyService(db);

  const { auth } = wireAuth(app);
  const { projects } = wireProjects(app, { idempotency });
  const marketplace = wireMarketplace(app, { idempotency, projects, rng });
  const { standing, qualifications } = wireWorkers(app);
  const { aggregation, online } = wireAggregation(app, { projects, slots: marketplace.slots });
  const quality = wireQuality(app, {
    projects,
    review: marketplace.review,
    slots: marketplace.slots,
    standing,
  });
  const { auditReports } = wireReports(app, { projects, quality });
  const { submission } = wireSubmission(
    app,
    marketplace,
    submissionSteps({ online, qualityRules: quality.qualityRules, qualifications }),
  );
  const money = wirePayments(app, { idempotency, projects, tasks: marketplace.tasks });
  const { prelabels, training, modelLoop } = wirePrelabel(app, {
    projects,
    aggregation,
    online,
    slots: marketplace.slots,
  });
  wireReview(app, { projects, tasks: marketplace.tasks, aggregation });
  const webhooks = wireWebhooks(app, {
    audit: quality.audit,
    payouts: money.payouts,
    escrow: money.escrow,
  });
  const { live } = wireLive(app);

  return {
    container,
    services: {
      db,
      events,
      auth,
      idempotency,
      projects,
      tasks: marketplace.tasks,
      jobs,
      scheduler,
      taskSlots: marketplace.slots,
      leasing: marketplace.leasing,
      submission,
      review: marketplace.review,
      workerStanding: standing,
      qualifications,
      aggregation,
      onlineAggregation: online,
      auditReports,
      prelabels,
      training,
      modelLoop,
      webhooks,
      live,
      ...quality,
      ...money,
    },
  };
}
