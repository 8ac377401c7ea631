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
}

export function buildContainer(
  config: AppConfig,
  dataSource: DataSource,
  logger: Logger,
  _clock: Clock,
): { container: Container; services: Services } {
  const container = new Container();
  const db = new TransactionalConnection(dataSource);
  const events = new EventBus(logger);
  const auth = new AuthService(db, config.auth);
  const idempotency = new IdempotencyService(db);
  const projects = new ProjectService(db, events, idempotency);
  const tasks = new TaskService(db, events, idempotency, projects);

  container.register(AuthResolver, new AuthResolver(auth));
  container.register(ProjectResolver, new ProjectResolver(projects));
  container.register(TaskResolver, new TaskResolver(tasks));
  container.register(ProjectTasksResolver, new ProjectTasksResolver(tasks));

  return { container, services: { db, events, auth, idempotency, projects, tasks } };
}
