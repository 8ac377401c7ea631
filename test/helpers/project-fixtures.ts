import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import { RequestContext } from '../../src/common/request-context';
import { TransactionalConnection } from '../../src/db/transactional-connection';
import { type DomainEvent, EventBus } from '../../src/events/event-bus';
import { createLoaders } from '../../src/graphql/loaders';
import { Role } from '../../src/modules/auth/role';
import { User } from '../../src/modules/auth/user.entity';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service';
import type { CreateProjectInput } from '../../src/modules/projects/project.inputs';
import {
  ProjectLabelSchemaChangedEvent,
  ProjectLaunchedEvent,
  ProjectStatusChangedEvent,
} from '../../src/modules/projects/project.events';
import { ProjectService } from '../../src/modules/projects/project.service';
import { TasksImportedEvent } from '../../src/modules/marketplace/task.events';
import { TaskService } from '../../src/modules/marketplace/task.service';
import { singleChoice } from './label-schemas';

/** Project and task services over `dataSource`, recording every event they publish. */
export function buildProjectServices(dataSource: DataSource, clock = new ManualClock()) {
  const db = new TransactionalConnection(dataSource);
  const events = new EventBus(createLogger('silent'));
  const published: DomainEvent[] = [];
  const recorded: Array<abstract new (...args: never[]) => DomainEvent> = [
    ProjectLaunchedEvent,
    ProjectStatusChangedEvent,
    ProjectLabelSchemaChangedEvent,
    TasksImportedEvent,
  ];
  for (const type of recorded) {
    events.subscribe(type, (_ctx, event) => void published.push(event));
  }
  const idempotency = new IdempotencyService(db);
  const projects = new ProjectService(db, events, idempotency);
  const tasks = new TaskService(db, events, idempotency, projects);
  return { db, events, published, idempotency, projects, tasks, clock };
}

/** A fresh user with `roles` and a request context acting as them (with loaders). */
export async function createTestUser(
  dataSource: DataSource,
  roles: Role[],
  options: { clock?: ManualClock; displayName?: string } = {},
): Promise<{ user: User; ctx: RequestContext }> {
  const user = await dataSource.getRepository(User).save({
    email: `u-${randomBytes(6).toString('hex')}@example.test`,
    displayName: options.displayName ?? `user ${roles.join('+').toLowerCase()}`,
    passwordHash: null,
    roles,
  });
  const db = new TransactionalConnection(dataSource);
  const ctx = RequestContext.create({
    user: { id: user.id, roles, via: 'jwt' },
    clock: options.clock,
    createLoaders: c => createLoaders(db, c),
  });
  return { user, ctx };
}

/** A valid single-choice project input; override any field. */
export function projectInput(overrides: Partial<CreateProjectInput> = {}): CreateProjectInput {
  return {
    name: 'Cats and dogs',
    instructions: 'Pick the animal in the picture.',
    labelSchema: singleChoice(['cat', 'Cat'], ['dog', 'Dog']),
    rewardAmount: 5,
    currency: 'usd',
    overlap: { minOverlap: 3 },
    ...overrides,
  } as CreateProjectInput;
}

/** Row count of `table` (optionally `where`), straight from the database. */
export async function countRows(
  dataSource: DataSource,
  table: string,
  where = 'TRUE',
  parameters: unknown[] = [],
): Promise<number> {
  const rows = await dataSource.query(
    `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
    parameters,
  );
  return rows[0].n;
}

export { Role };
