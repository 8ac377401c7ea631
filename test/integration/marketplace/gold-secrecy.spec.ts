import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../../src/common/request-context';
import type { Services } from '../../../src/container';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { Role } from '../../../src/modules/auth/role';
import type { Project } from '../../../src/modules/projects/project.entity';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { GoldExposureService } from '../../../src/modules/marketplace/gold-exposure.service';
import { useCountedServices } from '../../helpers/counted-services';
import { extensionsOf } from '../../helpers/errors';
import { contextFor, makeProject, makeTasks, makeUser } from '../../helpers/factories';

/**
 * Gold secrecy in the selection and the submit path (issue 11, DESIGN.md promises 3 and 8): gold
 * is never served alone, comes in a per-worker order, reaches at most `goldExposureCap` workers,
 * can be retired, and a gold submit runs the very same statements as an ordinary one.
 */
describe('gold secrecy: selection and submit work', () => {
  const suite = useCountedServices({ poolSize: 2, draw: 0 });
  const { counter, clock } = suite;
  let ds: DataSource, services: Services;
  beforeAll(() => void ({ ds, services } = suite));

  async function worker(): Promise<RequestContext> {
    return contextFor(ds, await makeUser(ds, [Role.WORKER]), clock);
  }

  async function setUp(overrides: Partial<Project>, ordinary: number, gold: number) {
    const owner = await makeUser(ds, [Role.REQUESTER]);
    const project = await makeProject(ds, owner.id, { goldRate: 0.5, ...overrides });
    return {
      owner: contextFor(ds, owner, clock),
      project,
      ordinary: await makeTasks(ds, project.id, ordinary),
      gold: await makeTasks(ds, project.id, gold, { gold: true, goldLabels: ['cat'] }),
    };
  }

  /** Records a passed qualification attempt of `ctx`'s worker on the project. */
  async function passQualification(projectId: string, ctx: RequestContext) {
    await ds.query(
      `INSERT INTO worker_qualifications (project_id, worker_id, attempt, status, started_at, answered, correct)
       VALUES ($1, $2, 1, 'PASSED', now(), 1, 1)`,
      [projectId, ctx.requireUserId()],
    );
  }

  /** Leases with the current draw; the task id and whether it is gold, or null. */
  async function lease(ctx: RequestContext, projectId: string | null) {
    const next = await services.leasing.nextAssignment(ctx, projectId);
    if (!next) return null;
    const row = await ds.getRepository(Assignment).findOneByOrFail({ id: next.id });
    return { id: next.id, taskId: row.taskId, isGold: row.isGold };
  }

  async function answer(ctx: RequestContext, assignmentId: string, label = 'cat') {
    await services.submission.submitAssignment(ctx, {
      assignmentId,
      answer: { labels: [label] },
    });
  }

  describe('gold is never served alone', () => {
    it('serves no gold once this worker has no ordinary task left, though unseen gold remains', async () => {
      const { project } = await setUp({}, 2, 10);
      const ctx = await worker();
      // Gold while ordinary work remains for the worker...
      expect(await lease(ctx, project.id)).toMatchObject({ isGold: true });
      suite.draw = 0.99;
      for (let i = 0; i < 2; i++) {
        const next = await lease(ctx, project.id);
        expect(next).toMatchObject({ isGold: false });
        await answer(ctx, next!.id);
      }
      // ...and none after, on either path (one project, or any project).
      suite.draw = 0;
      for (let i = 0; i < 3; i++) {
        expect(await lease(ctx, project.id)).toBeNull();
        expect(await lease(ctx, null)).toBeNull();
      }
    });

    it('serves no gold while every ordinary task is leased by others, and again once one frees', async () => {
      const { project } = await setUp({ minOverlap: 1, maxOverlap: 1 }, 1, 3);
      const holder = await worker();
      suite.draw = 0.99;
      const held = (await lease(holder, project.id))!;
      expect(held.isGold).toBe(false);

      suite.draw = 0;
      const ctx = await worker();
      expect(await lease(ctx, project.id)).toBeNull();
      expect(await lease(ctx, null)).toBeNull();
      await services.leasing.returnAssignment(holder, held.id);
      expect(await lease(ctx, project.id)).toMatchObject({ isGold: true });
    });

    it('serves a fresh worker nothing on a project whose ordinary tasks are done (gold rate 0.5)', async () => {
      const { project, ordinary } = await setUp({ minOverlap: 1, maxOverlap: 1 }, 2, 10);
      suite.draw = 0.99;
      for (const _ of ordinary) {
        const ctx = await worker();
        await answer(ctx, (await lease(ctx, project.id))!.id);
      }
      expect(
        await ds
          .getRepository(Task)
          .countBy({ projectId: project.id, status: TaskStatus.COMPLETE }),
      ).toBe(2);

      const fresh = await worker();
      const served: unknown[] = [];
      for (let i = 0; i < 14; i++) {
        suite.draw = i % 2 === 0 ? 0 : 0.3; // both below the gold rate: gold drawn every time
        served.push(await lease(fresh, project.id));
      }
      expect(served).toEqual(new Array(14).fill(null));
    });

    it('keeps serving training gold before real tasks, and no gold alone once qualified', async () => {
      const { project } = await setUp(
        {
          minOverlap: 1,
          maxOverlap: 1,
          qualificationTaskCount: 2,
          qualificationPassMark: 0.5,
        },
        1,
        6,
      );
      // The only ordinary task is taken: training gold is still served (on purpose)...
      const other = await worker();
      await passQualification(project.id, other);
      suite.draw = 0.99;
      expect(await lease(other, project.id)).toMatchObject({ isGold: false });

      const trainee = await worker();
      for (let i = 0; i < 2; i++) {
        const next = await lease(trainee, project.id);
        expect(next).toMatchObject({ isGold: true });
        await answer(trainee, next!.id);
      }
      // ...but once the training is passed, gold drawn with no ordinary task left serves nothing.
      suite.draw = 0;
      expect(await lease(trainee, project.id)).toBeNull();
      expect(await lease(trainee, null)).toBeNull();
    });
  });

  it('serves gold in a per-worker order: md5(worker id ‖ task id), not the same for everyone', async () => {
    const { project, gold } = await setUp({ minOverlap: 20, maxOverlap: 20 }, 1, 8);
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const firsts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const ctx = await worker();
      const workerId = ctx.requireUserId();
      const expected = [...gold]
        .map(task => task.id)
        .sort((a, b) => (md5(workerId + a) < md5(workerId + b) ? -1 : 1));
      // Each worker walks the gold in their own order.
      for (const taskId of expected.slice(0, 3)) {
        const next = await lease(ctx, project.id);
        expect(next).toMatchObject({ isGold: true, taskId });
      }
      firsts.push(expected[0]);
    }
    expect(new Set(firsts).size).toBeGreaterThan(1);
  });

  it('caps each gold task’s exposure, reports over-exposed gold to its owner, and retires gold', async () => {
    const { owner, project, gold } = await setUp(
      { minOverlap: 10, maxOverlap: 10, goldExposureCap: 3 },
      1,
      2,
    );
    const [first, second] = gold;
    const exposure = new GoldExposureService(services.db, services.projects);
    // Retired gold is never served.
    expect(await exposure.retire(owner, project.id, [second.id])).toEqual([
      expect.objectContaining({ taskId: second.id, servedWorkers: 0, retiredAt: clock.now() }),
    ]);

    const served: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const ctx = await worker();
      const next = (await lease(ctx, project.id))!;
      served.push(next.isGold);
      if (next.isGold) expect(next.taskId).toBe(first.id);
    }
    expect(served).toEqual([true, true, true, false, false]);

    const report = await exposure.report(owner, project.id, false);
    expect(report).toMatchObject({ cap: 3, goldTasks: 2, inService: 0, overExposed: 1 });
    expect(report.tasks).toEqual([
      expect.objectContaining({ taskId: first.id, servedWorkers: 3, overExposed: true }),
      expect.objectContaining({ taskId: second.id, servedWorkers: 0, overExposed: false }),
    ]);
    const overOnly = await exposure.report(owner, project.id, true);
    expect(overOnly.tasks.map(task => task.taskId)).toEqual([first.id]);

    // Only the owner (or an admin) sees or retires; an ordinary task is not gold to retire.
    const stranger = contextFor(ds, await makeUser(ds, [Role.REQUESTER]), clock);
    expect(await extensionsOf(exposure.report(stranger, project.id, false))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const [ordinary] = await ds
      .getRepository(Task)
      .findBy({ projectId: project.id, isGold: false });
    expect(
      await extensionsOf(exposure.retire(owner, project.id, [first.id, ordinary.id])),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await ds.getRepository(Task).findOneByOrFail({ id: first.id })).retiredAt).toBeNull();
  });

  it('keeps a worker’s myQuality still across consecutive submits, gold and ordinary', async () => {
    const { project } = await setUp({ minOverlap: 1, maxOverlap: 1 }, 3, 3);
    const ctx = await worker();
    const seen = [await services.auditQueries.myQuality(ctx, project.id)];
    for (const nextDraw of [0, 0.99, 0, 0.99]) {
      suite.draw = nextDraw;
      const next = (await lease(ctx, project.id))!;
      expect(next.isGold).toBe(nextDraw === 0);
      await answer(ctx, next.id);
      seen.push(await services.auditQueries.myQuality(ctx, project.id));
    }
    for (const view of seen) expect(view).toEqual(seen[0]);
    // Ordinary tasks completed (overlap 1) and gold answered: still nothing before a review.
    expect(seen[0]).toMatchObject({ answers: 0, goldAccuracy: { count: 0 } });
  });

  it('runs the very same statements for a gold submit as for an ordinary one', async () => {
    // Every per-answer path: dynamic overlap (online posterior), a qualification, a rule.
    const { owner, project } = await setUp(
      {
        minOverlap: 2,
        maxOverlap: 5,
        confidenceTarget: 0.95,
        qualificationTaskCount: 1,
      },
      3,
      3,
    );
    await services.qualityRules.createRule(owner, project.id, {
      name: 'gold below 20%',
      collector: { kind: 'GOLD_ACCURACY', window: { lastN: 10 }, minCount: 5 },
      conditions: [{ metric: 'accuracy', op: '<', value: 0.2 }],
      action: [{ kind: 'FLAG' }],
    });
    const ctx = await worker();
    await passQualification(project.id, ctx);
    suite.draw = 0.99;
    const warmUp = (await lease(ctx, project.id))!;
    await answer(ctx, warmUp.id);
    const ordinary = (await lease(ctx, project.id))!;
    suite.draw = 0;
    const gold = (await lease(ctx, project.id))!;
    expect([gold.isGold, ordinary.isGold]).toEqual([true, false]);

    const goldStatements = await counter.during(() => answer(ctx, gold.id));
    const ordinaryStatements = await counter.during(() => answer(ctx, ordinary.id));
    expect(goldStatements.length).toBeGreaterThanOrEqual(5); // BEGIN, 3 (submit-round-trips.spec.ts), COMMIT
    expect(goldStatements).toEqual(ordinaryStatements);
  });
});
