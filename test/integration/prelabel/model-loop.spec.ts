import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import type { Services } from '../../../src/container';
import { RequestContext } from '../../../src/common/request-context';
import { posteriorMargin } from '../../../src/modules/aggregation/online/algorithms/dynamic-overlap';
import { Role } from '../../../src/modules/auth/role';
import type { User } from '../../../src/modules/auth/user.entity';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { MODEL_RETRAIN_JOB } from '../../../src/modules/prelabel/model-loop';
import { modelVote } from '../../../src/modules/prelabel/model-vote';
import { ModelSource } from '../../../src/modules/prelabel/model-version.entity';
import type { Project } from '../../../src/modules/projects/project.entity';
import { useCountedServices } from '../../helpers/counted-services';
import { contextFor, makeProject, makeTasks, makeUser } from '../../helpers/factories';
import { registerAndPrelabel, thresholdModel } from '../../helpers/prelabel-fixtures';

/** Retrain every this many completed tasks. */
const EVERY = 5;

/** Dogs left of 0.5, cats right of it, with a gap: any boundary in (0.4, 0.6) labels all right. */
function xOf(n: number, count: number): number {
  const step = 0.35 / Math.max(1, count / 2 - 1);
  return n % 2 === 0 ? 0.05 + step * (n / 2) : 0.6 + step * ((n - 1) / 2);
}
const truth = (x: number) => (x > 0.5 ? 'cat' : 'dog');
const features = (x: number) => ({ features: [x, 0] });

/**
 * The model loop, closed (issue 15): completing every `modelRetrainEvery`-th task enqueues a
 * retrain in the completing transaction; the scheduler's tick trains a version from the
 * consensus, pre-labels the project's tasks with it, and promotes it to vote only when it is at
 * least as accurate on gold as the version voting.
 */
describe('automatic retraining (PostgreSQL)', () => {
  const suite = useCountedServices({ poolSize: 6, draw: 0.99 });
  const { clock } = suite;
  let ds: DataSource, services: Services;
  beforeAll(() => void ({ ds, services } = suite));
  const system = () => RequestContext.create({ requestId: 'model-loop', clock });

  /** A fixed-overlap-1 project (each answer completes a task) with gold and a model v1. */
  async function projectWithModel(v1Threshold: number): Promise<{
    project: Project;
    requester: User;
    v1: string;
  }> {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const project = await makeProject(ds, requester.id, {
      minOverlap: 1,
      maxOverlap: 1,
      modelRetrainEvery: EVERY,
    });
    await makeTasks(ds, project.id, 20, { payload: n => features(xOf(n, 20)) });
    const gold = await makeTasks(ds, project.id, 10, {
      gold: true,
      payload: n => features(xOf(n, 10)),
    });
    for (const [n, task] of gold.entries()) {
      await ds.getRepository(Task).update({ id: task.id }, { goldLabels: [truth(xOf(n, 10))] });
    }
    const ctx = contextFor(ds, requester, clock);
    const v1 = await registerAndPrelabel(
      services.prelabels,
      ctx,
      () => services.jobs.drain(system()),
      {
        projectId: project.id,
        version: 'v1',
        modelBytes: thresholdModel(v1Threshold, 'v1'),
      },
    );
    return { project, requester, v1: v1.id };
  }

  /** One worker answers `count` served tasks, truthfully or inverted. */
  async function answer(project: Project, worker: User, count: number, inverted = false) {
    const ctx = contextFor(ds, worker, clock);
    for (let i = 0; i < count; i++) {
      const lease = await services.leasing.nextAssignment(ctx, project.id);
      const x = (lease!.preloadedTask!.payload as { features: number[] }).features[0];
      const label = truth(x) === 'cat' ? (inverted ? 'dog' : 'cat') : inverted ? 'cat' : 'dog';
      await services.submission.submitAssignment(ctx, {
        assignmentId: lease!.id,
        answer: { labels: [label] },
        clientDurationMs: 1000,
      });
    }
  }

  async function retrainJobs(projectId: string) {
    return ds.query(
      `SELECT status, result, payload FROM jobs WHERE name = $1 AND payload->>'projectId' = $2
       ORDER BY created_at`,
      [MODEL_RETRAIN_JOB, projectId],
    ) as Promise<
      Array<{
        status: string;
        result: Record<string, unknown> | null;
        payload: { completedTasks: number };
      }>
    >;
  }

  async function votingVersion(projectId: string, taskX: number): Promise<string | undefined> {
    const [task] = await ds.query(
      `SELECT id FROM tasks WHERE project_id = $1 AND (payload->'features'->>0)::float8 = $2`,
      [projectId, taskX],
    );
    const vote = await modelVote(services.db, system(), projectId, task.id);
    return vote?.modelVersionId;
  }

  it('retrains every N completed tasks, pre-labels with the new version and lets it vote when better on gold', async () => {
    // v1's boundary at 0.9 calls most cats dogs: 60% on gold.
    const { project, v1 } = await projectWithModel(0.9);
    const [worker] = [await makeUser(ds, [Role.WORKER])];
    // Balanced consensus to learn from (completed without the loop: the counter ignores them).
    const seeded: Array<{ id: string }> = await ds.query(
      `SELECT id, (payload->'features'->>0)::float8 AS x FROM tasks
       WHERE project_id = $1 AND NOT is_gold ORDER BY x LIMIT 3`,
      [project.id],
    );
    const top: Array<{ id: string }> = await ds.query(
      `SELECT id, (payload->'features'->>0)::float8 AS x FROM tasks
       WHERE project_id = $1 AND NOT is_gold ORDER BY x DESC LIMIT 3`,
      [project.id],
    );
    for (const [rows, label] of [
      [seeded, 'dog'],
      [top, 'cat'],
    ] as const) {
      for (const row of rows) {
        await ds
          .getRepository(Task)
          .update(
            { id: row.id },
            { status: TaskStatus.COMPLETE, consensusLabels: [label], consensusConfidence: 0.99 },
          );
      }
    }

    await answer(project, worker, EVERY - 1);
    expect(await retrainJobs(project.id)).toEqual([]);
    await answer(project, worker, 1);
    const queued = await retrainJobs(project.id);
    expect(queued.map(job => [job.status, job.payload.completedTasks])).toEqual([
      ['PENDING', EVERY],
    ]);

    // The background scheduler's own pass runs it (no sleeping: one tick at the manual clock).
    await services.scheduler.tick();

    const [done] = await retrainJobs(project.id);
    expect(done.status).toBe('DONE');
    expect(done.result).toMatchObject({
      status: 'PROMOTED',
      version: 'trained-2',
      previousGoldAccuracy: 0.6,
    });
    // Learnt from 11 labelled points: its boundary falls near the gap, better than v1's 0.9.
    expect(done.result!.goldAccuracy as number).toBeGreaterThanOrEqual(0.8);
    const v2 = String(done.result!.modelVersionId);
    const [{ source, promoted }] = await ds.query(
      `SELECT source, promoted_at IS NOT NULL AS promoted FROM model_versions WHERE id = $1`,
      [v2],
    );
    expect([source, promoted]).toEqual([ModelSource.TRAINED, true]);
    // Every task of the project (20 ordinary + 10 gold) carries the new version's pre-label.
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM prelabel_predictions WHERE model_version_id = $1`,
      [v2],
    );
    expect(n).toBe(30);
    // The new version now votes; v1 did before.
    const openX = xOf(19, 20);
    expect(await votingVersion(project.id, openX)).toBe(v2);
    expect(v2).not.toBe(v1);
    // Its promotion re-ordered the unanswered tasks by its own margins (docs/leasing.md).
    const unanswered: Array<{ priority: number; probabilities: number[] }> = await ds.query(
      `SELECT t.serve_priority AS priority, p.probabilities FROM tasks t
       JOIN prelabel_predictions p ON p.task_id = t.id AND p.model_version_id = $2
       WHERE t.project_id = $1 AND NOT t.is_gold AND t.counted_answers = 0`,
      [project.id, v2],
    );
    expect(unanswered.length).toBeGreaterThan(0);
    expect(unanswered.map(row => row.priority)).toEqual(
      unanswered.map(row => posteriorMargin(row.probabilities.map(Number))),
    );

    // The next crossing queues the next retrain, and only at the multiple.
    await answer(project, worker, EVERY - 1);
    expect((await retrainJobs(project.id)).length).toBe(1);
    await answer(project, worker, 1);
    expect((await retrainJobs(project.id)).map(job => job.status)).toEqual(['DONE', 'PENDING']);
  }, 120_000);

  it('keeps the voting version when the retrained one is worse on gold', async () => {
    // v1 is right on every gold task; the crowd answers inverted, so the retrain learns nonsense.
    const { project, v1 } = await projectWithModel(0.5);
    const worker = await makeUser(ds, [Role.WORKER]);
    await answer(project, worker, EVERY, true);
    await services.scheduler.tick();
    const [done] = await retrainJobs(project.id);
    expect(done.status).toBe('DONE');
    expect(done.result).toMatchObject({ status: 'KEPT', previousGoldAccuracy: 1 });
    expect(done.result!.goldAccuracy as number).toBeLessThan(1);
    expect(await votingVersion(project.id, xOf(0, 20))).toBe(v1);
  }, 120_000);

  it('does nothing while retraining is off', async () => {
    const { project } = await projectWithModel(0.5);
    await ds.query(`UPDATE projects SET model_retrain_every = NULL WHERE id = $1`, [project.id]);
    const worker = await makeUser(ds, [Role.WORKER]);
    await answer(project, worker, EVERY);
    expect(await retrainJobs(project.id)).toEqual([]);
    const counters = await ds.query(`SELECT 1 FROM model_retrain_counters WHERE project_id = $1`, [
      project.id,
    ]);
    expect(counters).toEqual([]);
  }, 120_000);
});
