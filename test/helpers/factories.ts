import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Clock } from '../../src/common/clock';
import { RequestContext } from '../../src/common/request-context';
import { TransactionalConnection } from '../../src/db/transactional-connection';
import { createLoaders } from '../../src/graphql/loaders';
import { Role } from '../../src/modules/auth/role';
import { User } from '../../src/modules/auth/user.entity';
import { Project } from '../../src/modules/projects/project.entity';
import { type LabelSchema, ProjectStatus } from '../../src/modules/projects/project.types';
import { Task } from '../../src/modules/marketplace/task.entity';
import { singleChoice } from './label-schemas';

/**
 * Rows inserted straight through repositories (no services, no validation), with fresh ids and
 * no shared state, for tests of modules that need projects, tasks and users to exist.
 */
type Db = DataSource | EntityManager;

/** A cat/dog single-choice schema. */
export const CAT_DOG_SCHEMA: LabelSchema = singleChoice(['cat', 'Cat'], ['dog', 'Dog']);

/** A user with `roles` (no password: tests act through contexts or tokens they mint). */
export async function makeUser(
  db: Db,
  roles: Role[],
  overrides: Partial<Pick<User, 'displayName' | 'email'>> = {},
): Promise<User> {
  const suffix = randomBytes(6).toString('hex');
  return db.getRepository(User).save({
    email: overrides.email ?? `u-${suffix}@example.test`,
    displayName: overrides.displayName ?? `user-${suffix}`,
    passwordHash: null,
    roles,
  });
}

/** `count` workers. */
export async function makeWorkers(db: Db, count: number): Promise<User[]> {
  const workers: User[] = [];
  for (let i = 0; i < count; i++) workers.push(await makeUser(db, [Role.WORKER]));
  return workers;
}

/** An ACTIVE fixed-overlap project (overlap 3) owned by `ownerId`; override anything. */
export async function makeProject(
  db: Db,
  ownerId: string,
  overrides: Partial<Project> = {},
): Promise<Project> {
  const overlap = overrides.maxOverlap ?? overrides.minOverlap ?? 3;
  return db.getRepository(Project).save({
    ownerId,
    name: `Project ${randomBytes(3).toString('hex')}`,
    instructions: 'Pick the animal in the picture.',
    status: ProjectStatus.ACTIVE,
    labelSchema: CAT_DOG_SCHEMA,
    schemaVersion: 1,
    rewardAmount: 5,
    currency: 'usd',
    minOverlap: overlap,
    maxOverlap: overlap,
    confidenceTarget: null,
    goldRate: 0,
    assignmentDurationSeconds: 600,
    autoApprovalDelaySeconds: 3 * 24 * 3600,
    rejectionReversalWindowSeconds: 7 * 24 * 3600,
    launchedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  });
}

/**
 * `count` open tasks in one INSERT; gold ones get `goldLabels` (default `['cat']`). Payloads are
 * `{ n }` with n = 0, 1, …, unless `payload` builds them.
 */
export async function makeTasks(
  db: Db,
  projectId: string,
  count: number,
  options: {
    gold?: boolean;
    goldLabels?: string[];
    payload?: (n: number) => Record<string, unknown>;
  } = {},
): Promise<Task[]> {
  if (count === 0) return [];
  const rows = Array.from({ length: count }, (_, n) => ({
    projectId,
    externalId: `${options.gold ? 'gold' : 'item'}-${randomBytes(6).toString('hex')}-${n}`,
    payload: options.payload?.(n) ?? { n },
    isGold: options.gold ?? false,
    goldLabels: options.gold ? (options.goldLabels ?? ['cat']) : null,
  }));
  const repository = db.getRepository(Task);
  const tasks: Task[] = [];
  // Chunks keep each INSERT under PostgreSQL's 65,535 bind parameters.
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    const result = await repository.insert(chunk as QueryDeepPartialEntity<Task>[]);
    tasks.push(
      ...result.identifiers.map((identifier, i) =>
        repository.create({ ...rows[start + i], ...identifier }),
      ),
    );
  }
  return tasks;
}

/** A request context acting as `user` with its roles, on `clock`, with loaders. */
export function contextFor(dataSource: DataSource, user: User, clock?: Clock): RequestContext {
  const db = new TransactionalConnection(dataSource);
  return RequestContext.create({
    user: { id: user.id, roles: user.roles, via: 'jwt' },
    clock,
    createLoaders: ctx => createLoaders(db, ctx),
  });
}

/** A context with no user (jobs, sweeps) on `clock`. */
export function systemContext(clock?: Clock): RequestContext {
  return RequestContext.create({ requestId: 'test-system', clock });
}
