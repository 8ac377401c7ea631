import { Role } from '../../../src/modules/auth/role';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { makeProject, makeTasks } from '../../helpers/factories';
import { type MarketplaceEnv, useMarketplaceEnv } from '../../helpers/marketplace-env';

/**
 * Every path that changes a task's counted answers goes through `TaskSlots`, so the count-change
 * hooks run and the task's stored online posterior follows at once (issue 10: exclusion used to
 * update the counters itself and left excluded answers in the posterior until the next refit).
 */
describe('TaskSlots: count changes reach the online posterior', () => {
  const { db, env, task } = useMarketplaceEnv({ poolSize: 4 });
  let owner: Awaited<ReturnType<MarketplaceEnv['user']>>;
  let admin: Awaited<ReturnType<MarketplaceEnv['user']>>;

  beforeAll(async () => {
    owner = await env.user([Role.REQUESTER]);
    admin = await env.user([Role.ADMIN]);
  });

  /** A fresh worker answers the project's next task with `label`; returns the worker's id. */
  const answer = async (projectId: string, label: string) =>
    (await env.answer(projectId, label))!.workerId;

  /** A dynamic-overlap task answered dog, cat: disputed, so it stays OPEN at confidence 0.5. */
  async function disputedTask(): Promise<{ projectId: string; taskId: string; catWorker: string }> {
    const project = await makeProject(db.current.dataSource, owner.user.id, {
      minOverlap: 2,
      maxOverlap: 5,
      confidenceTarget: 0.95,
    });
    const [only] = await makeTasks(db.current.dataSource, project.id, 1);
    await answer(project.id, 'dog');
    const catWorker = await answer(project.id, 'cat');
    const before = await task(only.id);
    expect(before).toMatchObject({ status: TaskStatus.OPEN, countedAnswers: 2 });
    expect(before.consensusConfidence).toBeCloseTo(0.5, 12);
    return { projectId: project.id, taskId: only.id, catWorker };
  }

  it('drops an excluded answer from the stored posterior at once, and re-adds it on inclusion', async () => {
    const { projectId, taskId, catWorker } = await disputedTask();

    await env.services.exclusions.excludeWorkerAnswers(admin.ctx, catWorker, projectId, 'spam');
    // One newcomer's 'dog' left (base prior accuracy 0.75 for two classes).
    const excluded = await task(taskId);
    expect(excluded.countedAnswers).toBe(1);
    expect(excluded.liveAssignments).toBe(1);
    expect(excluded.consensusLabels).toEqual(['dog']);
    expect(excluded.consensusConfidence).toBeCloseTo(0.75, 12);
    expect(excluded.posterior![0] + excluded.posterior![1]).toBeCloseTo(1, 14);

    await env.services.exclusions.includeWorkerAnswers(admin.ctx, catWorker, projectId, 'ok');
    const included = await task(taskId);
    expect(included.countedAnswers).toBe(2);
    expect(included.consensusConfidence).toBeCloseTo(0.5, 12);
  });

  it('drops a rejected answer from the stored posterior, like an exclusion', async () => {
    const { taskId } = await disputedTask();
    const [cat] = await db.current.dataSource.query(
      `SELECT id FROM assignments WHERE task_id = $1 AND answer_labels = ARRAY['cat']`,
      [taskId],
    );
    await env.services.review.rejectAssignment(owner.ctx, cat.id, 'wrong');
    const rejected = await task(taskId);
    expect(rejected.countedAnswers).toBe(1);
    expect(rejected.consensusLabels).toEqual(['dog']);
    expect(rejected.consensusConfidence).toBeCloseTo(0.75, 12);
  });
});
