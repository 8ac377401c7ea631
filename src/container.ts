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
import { AssignmentService } from './modules/assignments/assignment.service';
import { secureUniformRng } from './modules/assignments/uniform-rng';
import { DatabaseJobQueue } from './modules/jobs/database-job-queue';
import { Scheduler } from './modules/jobs/scheduler';
import { WorkerBlockResolver } from './modules/workers/worker-block.resolver';
import { WorkerBlockService } from './modules/workers/worker-block.service';
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
  /** Pre-label models, pre-labeling runs and training (docs/prelabel.md). */
  readonly prelabels: PrelabelService;
  readonly training: TrainingService;
}

export function buildContainer(
  config: AppConfig,
  dataSource: DataSource,
  logger: Logger,
  clock: Clock,
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
  const assignments = new AssignmentService(db, events, { rng: secureUniformRng });
  registerAssignmentJobs(jobs, assignments, config.jobs);
  const workerBlocks = new WorkerBlockService(db, events);
  const prelabels = new PrelabelService(db, projects, jobs);
  prelabels.registerJobs();
  const training = new TrainingService(db, projects, prelabels);

  container.register(AuthResolver, new AuthResolver(auth));
  container.register(ProjectResolver, new ProjectResolver(projects));
  container.register(TaskResolver, new TaskResolver(tasks));
  container.register(ProjectTasksResolver, new ProjectTasksResolver(tasks));
  container.register(AssignmentResolver, new AssignmentResolver(assignments));
  container.register(WorkerBlockResolver, new WorkerBlockResolver(workerBlocks));
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
      prelabels,
      training,
    },
  };
}
