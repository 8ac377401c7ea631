import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { QuorumApp } from '../../src/app';
import { type Clock, ManualClock } from '../../src/common/clock';
import { RequestContext } from '../../src/common/request-context';
import { Role } from '../../src/modules/auth/role';
import { User } from '../../src/modules/auth/user.entity';
import { Assignment } from '../../src/modules/marketplace/assignment.entity';
import { AssignmentStatus } from '../../src/modules/marketplace/assignment.types';
import { Project } from '../../src/modules/projects/project.entity';
import { ProjectStatus } from '../../src/modules/projects/project.types';
import { Task } from '../../src/modules/marketplace/task.entity';
import { singleChoice } from './label-schemas';

/**
 * Rows for money tests, inserted straight through repositories with fresh ids: the ledger is
 * tested against the tables the marketplace writes, without depending on its services.
 */
export async function makeMoneyUser(dataSource: DataSource, roles: Role[]): Promise<User> {
  const suffix = randomBytes(6).toString('hex');
  return dataSource.getRepository(User).save({
    email: `m-${suffix}@example.test`,
    displayName: `money-${suffix}`,
    passwordHash: null,
    roles,
  });
}

/** A DRAFT single-choice project (reward 5 usd cents, overlap 3) with `taskCount` tasks. */
export async function makeMoneyProject(
  dataSource: DataSource,
  ownerId: string,
  options: Partial<Pick<Project, 'rewardAmount' | 'currency' | 'maxOverlap' | 'status'>> & {
    taskCount?: number;
  } = {},
): Promise<{ project: Project; tasks: Task[] }> {
  const maxOverlap = options.maxOverlap ?? 3;
  const project = await dataSource.getRepository(Project).save({
    ownerId,
    name: `Money ${randomBytes(3).toString('hex')}`,
    status: options.status ?? ProjectStatus.DRAFT,
    labelSchema: singleChoice(['cat', 'Cat'], ['dog', 'Dog']),
    rewardAmount: options.rewardAmount ?? 5,
    currency: options.currency ?? 'usd',
    minOverlap: Math.min(maxOverlap, 1),
    maxOverlap,
    assignmentDurationSeconds: 600,
    autoApprovalDelaySeconds: 3600,
  });
  const tasks = await addMoneyTasks(dataSource, project.id, options.taskCount ?? 0);
  return { project, tasks };
}

/** `count` more open tasks in `projectId`. */
export async function addMoneyTasks(
  dataSource: DataSource,
  projectId: string,
  count: number,
): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let n = 0; n < count; n++) {
    tasks.push(
      await dataSource
        .getRepository(Task)
        .save({ projectId, externalId: `t-${randomBytes(6).toString('hex')}`, payload: { n } }),
    );
  }
  return tasks;
}

/** An assignment of `task` to `workerId` in `status`, at the project's reward. */
export async function makeMoneyAssignment(
  dataSource: DataSource,
  project: Project,
  task: Task,
  workerId: string,
  status: AssignmentStatus = AssignmentStatus.SUBMITTED,
): Promise<Assignment> {
  const now = new Date('2026-01-01T00:00:00Z');
  return dataSource.getRepository(Assignment).save({
    taskId: task.id,
    projectId: project.id,
    workerId,
    status,
    leasedAt: now,
    expiresAt: new Date(now.getTime() + 600_000),
    submittedAt: status === AssignmentStatus.LEASED ? null : now,
    schemaVersion: 1,
    rewardAmount: project.rewardAmount,
    currency: project.currency,
    answerLabels: status === AssignmentStatus.LEASED ? null : ['cat'],
    counted: status !== AssignmentStatus.LEASED,
  });
}

/** A context acting as `user` (or as the system when null). */
export function moneyContext(user: User | null, clock: Clock = new ManualClock()): RequestContext {
  return RequestContext.create({
    user: user ? { id: user.id, roles: user.roles, via: 'jwt' } : undefined,
    clock,
  });
}

export { Role };

/**
 * Credits `amount` minor units to a requester's available balance, as an admin recording a
 * manual funding would: launching a project reserves its escrow, so a test that launches needs
 * a funded requester. Goes through the app's own FundingService.
 */
export async function fundRequester(
  app: QuorumApp,
  requesterId: string,
  amount = 1_000_000,
  currency = 'usd',
): Promise<void> {
  const admin = RequestContext.create({
    clock: app.clock,
    user: { id: randomUUID(), roles: [Role.ADMIN], via: 'jwt' },
  });
  await app.services.fundings.recordManualFunding(admin, {
    requesterId,
    amount,
    currency,
    reference: 'test funding',
    idempotencyKey: randomUUID(),
  });
}
