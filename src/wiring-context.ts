import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { AppConfig } from './config/app-config';
import type { TransactionalConnection } from './db/transactional-connection';
import type { EventBus } from './events/event-bus';
import type { JobQueue } from './modules/jobs/job-queue';

type Constructor<T = unknown> = abstract new (...args: never[]) => T;

/** Where a module puts its resolver instances (type-graphql asks the container for them). */
export interface ResolverRegistry {
  register<T>(type: Constructor<T>, instance: T): T;
}

/**
 * What every `<module>.wiring.ts` receives: the platform pieces a module builds its services
 * on, the job queue it registers its jobs with, the event bus it subscribes to, and the
 * registry its resolvers go into.
 */
export interface WiringContext {
  readonly config: AppConfig;
  readonly db: TransactionalConnection;
  readonly events: EventBus;
  readonly jobs: JobQueue;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly resolvers: ResolverRegistry;
}
