import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import type { RequestContext } from '../../src/common/request-context';
import { buildContainer, type Services } from '../../src/container';
import type { DomainEvent } from '../../src/events/event-bus';
import { Assignment } from '../../src/modules/marketplace/assignment.entity';
import * as assignmentEvents from '../../src/modules/marketplace/assignment.events';
import { Task } from '../../src/modules/marketplace/task.entity';
import { Role } from '../../src/modules/auth/role';
import type { User } from '../../src/modules/auth/user.entity';
import { contextFor, makeUser, systemContext } from './factories';
import { testConfig } from './test-config';
import { useTestDatabase } from './test-db';

/** Services from the real container on `dataSource`, a manual clock, and recorded events. */
export interface MarketplaceEnv {
  readonly services: Services;
  readonly clock: ManualClock;
  /** Every assignment event delivered (after commit), in order. */
  readonly events: DomainEvent[];
  /** A fresh user with `roles` and a context acting as them. */
  user(roles: Role[], displayName?: string): Promise<{ user: User; ctx: RequestContext }>;
  /** Runs every job due at the clock's now (sweeps included). */
  drainJobs(): Promise<number>;
  /** Rows of assignments and tasks, to prove a refused mutation wrote nothing. */
  snapshot(): Promise<unknown>;
  /**
   * A fresh worker leases the project's next task and answers `label`; null when nothing was
   * served to them.
   */
  answer(
    projectId: string,
    label: string,
  ): Promise<{ taskId: string; assignmentId: string; workerId: string } | null>;
}

/** Builds a `MarketplaceEnv`; call inside a test or `beforeAll`. */
export async function createMarketplaceEnv(dataSource: DataSource): Promise<MarketplaceEnv> {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const { services } = buildContainer(testConfig(), dataSource, createLogger('silent'), clock);
  const events: DomainEvent[] = [];
  for (const type of Object.values(assignmentEvents)) {
    if (typeof type === 'function') {
      services.events.subscribe(
        type as never,
        (_ctx, event: DomainEvent) => void events.push(event),
      );
    }
  }
  await services.jobs.scheduleRecurring(systemContext(clock));
  return {
    services,
    clock,
    events,
    async user(roles, displayName) {
      const user = await makeUser(dataSource, roles, displayName ? { displayName } : {});
      return { user, ctx: contextFor(dataSource, user, clock) };
    },
    drainJobs: () => services.jobs.drain(systemContext(clock)),
    async answer(projectId, label) {
      const worker = await makeUser(dataSource, [Role.WORKER]);
      const ctx = contextFor(dataSource, worker, clock);
      const lease = await services.leasing.nextAssignment(ctx, projectId);
      if (!lease) return null;
      await services.submission.submitAssignment(ctx, {
        assignmentId: lease.id,
        answer: { labels: [label] },
      });
      return { taskId: lease.taskId, assignmentId: lease.id, workerId: worker.id };
    },
    async snapshot() {
      return {
        assignments: await dataSource.query('SELECT * FROM assignments ORDER BY id'),
        tasks: await dataSource.query('SELECT * FROM tasks ORDER BY id'),
        blocks: await dataSource.query('SELECT * FROM worker_blocks ORDER BY id'),
      };
    },
  };
}

/**
 * The arrange block marketplace specs share: a test database, a `MarketplaceEnv` on it (filled in
 * `beforeAll`), and readers of a task or an assignment row. With `isolateProjects`, every earlier
 * project is archived and the recorded events cleared before each test, so each test's projects
 * are the only ones serving work.
 */
export function useMarketplaceEnv(options: { poolSize?: number; isolateProjects?: boolean } = {}) {
  const db = useTestDatabase({ poolSize: options.poolSize ?? 8 });
  const env = {} as MarketplaceEnv;
  beforeAll(async () => {
    Object.assign(env, await createMarketplaceEnv(db.current.dataSource));
  });
  if (options.isolateProjects) {
    beforeEach(async () => {
      await db.current.dataSource.query(`UPDATE projects SET status = 'ARCHIVED'`);
      env.events.length = 0;
    });
  }
  return {
    db,
    env,
    task: (id: string) => db.current.dataSource.getRepository(Task).findOneByOrFail({ id }),
    assignment: (id: string) =>
      db.current.dataSource.getRepository(Assignment).findOneByOrFail({ id }),
  };
}
