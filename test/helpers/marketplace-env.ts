import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import type { RequestContext } from '../../src/common/request-context';
import { buildContainer, type Services } from '../../src/container';
import type { DomainEvent } from '../../src/events/event-bus';
import * as assignmentEvents from '../../src/modules/marketplace/assignment.events';
import type { Role } from '../../src/modules/auth/role';
import type { User } from '../../src/modules/auth/user.entity';
import { contextFor, makeUser, systemContext } from './factories';
import { testConfig } from './test-config';

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
    async snapshot() {
      return {
        assignments: await dataSource.query('SELECT * FROM assignments ORDER BY id'),
        tasks: await dataSource.query('SELECT * FROM tasks ORDER BY id'),
        blocks: await dataSource.query('SELECT * FROM worker_blocks ORDER BY id'),
      };
    },
  };
}
