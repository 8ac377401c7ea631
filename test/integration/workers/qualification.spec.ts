import { randomUUID } from 'node:crypto';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { Role } from '../../../src/modules/auth/role';
import type { RequestContext } from '../../../src/common/request-context';
import { ProjectStatus } from '../../../src/modules/projects/project.types';
import { makeProject, makeTasks } from '../../helpers/factories';
import { createMarketplaceEnv, type MarketplaceEnv } from '../../helpers/marketplace-env';
import { useTestDatabase } from '../../helpers/test-db';

describe('Qualification: training gold before real tasks', () => {
  const db = useTestDatabase();
  let env: MarketplaceEnv;

  beforeAll(async () => {
    env = await createMarketplaceEnv(db.current.dataSource);
  });

  beforeEach(async () => {
    // Each test owns its projects; earlier tests' projects stop serving work.
    await db.current.dataSource.query(`UPDATE projects SET status = 'ARCHIVED'`);
  });

  /** A project asking for 3 training answers with pass mark 2/3, 5 gold tasks (all `dog`). */
  async function setUp(qualificationTaskCount = 3) {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, requester.user.id, {
      minOverlap: 3,
      maxOverlap: 3,
      qualificationTaskCount,
      qualificationPassMark: 2 / 3,
      qualificationRetryDelaySeconds: 3600,
    });
    const real = await makeTasks(db.current.dataSource, project.id, 4);
    const gold = await makeTasks(db.current.dataSource, project.id, 5, {
      gold: true,
      goldLabels: ['dog'],
    });
    return {
      project,
      realIds: new Set(real.map(t => t.id)),
      goldIds: new Set(gold.map(t => t.id)),
    };
  }

  /** Leases the next task of `projectId`; null when none is served. */
  async function lease(ctx: RequestContext, projectId: string): Promise<Assignment | null> {
    const next = await env.services.leasing.nextAssignment(ctx, projectId);
    if (!next) return null;
    return db.current.dataSource.getRepository(Assignment).findOneByOrFail({ id: next.id });
  }

  async function answer(ctx: RequestContext, assignment: Assignment, label: string) {
    await env.services.submission.submitAssignment(ctx, {
      assignmentId: assignment.id,
      answer: { labels: [label] },
    });
  }

  it('serves only gold until the training set is answered, then real tasks after a pass', async () => {
    const { project, realIds, goldIds } = await setUp();
    const { ctx } = await env.user([Role.WORKER]);
    expect(await env.services.qualifications.myQualification(ctx, project.id)).toMatchObject({
      status: 'NOT_STARTED',
      answered: 0,
      required: 3,
      retryAfter: null,
    });

    // Two right, one wrong: 2/3 meets the pass mark.
    for (const label of ['dog', 'cat', 'dog']) {
      const training = (await lease(ctx, project.id))!;
      expect(goldIds.has(training.taskId)).toBe(true);
      await answer(ctx, training, label);
    }

    const view = await env.services.qualifications.myQualification(ctx, project.id);
    expect(view).toMatchObject({ status: 'PASSED', answered: 3, required: 3, attempts: 1 });
    // The worker's view carries no score and no per-task result.
    expect(Object.keys(view).sort()).toEqual(
      ['answered', 'attempts', 'required', 'retryAfter', 'status'].sort(),
    );
    const real = (await lease(ctx, project.id))!;
    expect(realIds.has(real.taskId)).toBe(true);
  });

  it('gives a failed worker nothing until the retry delay passes, then unseen gold again', async () => {
    const { project, goldIds } = await setUp();
    const { ctx } = await env.user([Role.WORKER]);
    const seen = new Set<string>();
    for (const label of ['cat', 'cat', 'dog']) {
      const training = (await lease(ctx, project.id))!;
      seen.add(training.taskId);
      await answer(ctx, training, label);
    }

    const failed = await env.services.qualifications.myQualification(ctx, project.id);
    expect(failed).toMatchObject({ status: 'FAILED', answered: 3, required: 3 });
    expect(failed.retryAfter).toEqual(new Date(env.clock.now().getTime() + 3600_000));
    expect(await lease(ctx, project.id)).toBeNull();

    env.clock.advance(3600_000 - 1);
    expect(await lease(ctx, project.id)).toBeNull();

    env.clock.advance(1);
    expect(await env.services.qualifications.myQualification(ctx, project.id)).toMatchObject({
      status: 'NOT_STARTED',
      answered: 0,
      attempts: 1,
    });
    const retry = (await lease(ctx, project.id))!;
    expect(goldIds.has(retry.taskId)).toBe(true);
    expect(seen.has(retry.taskId)).toBe(false);
    await answer(ctx, retry, 'dog');
    expect(await env.services.qualifications.myQualification(ctx, project.id)).toMatchObject({
      status: 'IN_PROGRESS',
      answered: 1,
      attempts: 2,
    });
  });

  it('leaves a project without qualification as before: real tasks at once, no attempts kept', async () => {
    const { project, realIds } = await setUp(0);
    const { ctx } = await env.user([Role.WORKER]);
    const first = (await lease(ctx, project.id))!;
    expect(realIds.has(first.taskId)).toBe(true);
    await answer(ctx, first, 'dog');
    expect(await env.services.qualifications.myQualification(ctx, project.id)).toMatchObject({
      status: 'NOT_REQUIRED',
      required: 0,
    });
    const [{ n }] = await db.current.dataSource.query(
      'SELECT count(*)::int AS n FROM worker_qualifications WHERE project_id = $1',
      [project.id],
    );
    expect(n).toBe(0);
  });

  it('refuses to launch a project asking for more training tasks than it has gold', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, requester.user.id, {
      status: ProjectStatus.DRAFT,
      launchedAt: null,
      qualificationTaskCount: 3,
    });
    await makeTasks(db.current.dataSource, project.id, 2);
    await makeTasks(db.current.dataSource, project.id, 2, { gold: true });
    await expect(
      env.services.projects.transition(requester.ctx, project.id, 'launch'),
    ).rejects.toMatchObject({
      extensions: { code: 'PROJECT_NOT_READY', reason: 'NOT_ENOUGH_GOLD_TASKS' },
    });

    await makeTasks(db.current.dataSource, project.id, 1, { gold: true });
    // Launching reserves the escrow: fund the requester as an admin recording a payment would.
    const admin = await env.user([Role.ADMIN]);
    await env.services.fundings.recordManualFunding(admin.ctx, {
      requesterId: requester.user.id,
      amount: 1_000_000,
      currency: 'usd',
      reference: 'test funding',
      idempotencyKey: randomUUID(),
    });
    const launched = await env.services.projects.transition(requester.ctx, project.id, 'launch');
    expect(launched.status).toBe(ProjectStatus.ACTIVE);
  });

  it('names the field of an impossible qualification setting', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, requester.user.id, {
      status: ProjectStatus.DRAFT,
    });
    for (const [input, field] of [
      [{ qualificationTaskCount: -1 }, 'qualificationTaskCount'],
      [{ qualificationPassMark: 1.5 }, 'qualificationPassMark'],
      [{ qualificationRetryDelaySeconds: 1.5 }, 'qualificationRetryDelaySeconds'],
    ] as const) {
      await expect(
        env.services.projects.update(requester.ctx, project.id, input),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    }
  });
});
