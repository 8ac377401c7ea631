import 'reflect-metadata';
import { Role } from '../../../src/modules/auth/role';
import type { Project } from '../../../src/modules/projects/project.entity';
import { MODEL_GATE_MIN_ACCURACY } from '../../../src/modules/aggregation/online/algorithms/model-gate';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { makeProject, makeTasks } from '../../helpers/factories';
import { useMarketplaceEnv } from '../../helpers/marketplace-env';
import { registerAndPrelabel, thresholdModel } from '../../helpers/prelabel-fixtures';

/**
 * P(cat) = σ(40·(x₀ − threshold)), output columns [dog, cat]. Steep, so the model is sure of
 * every task away from its threshold (the task below has x₀ = 0.9: P(cat) > 0.9999 for both).
 */
const steepModel = (threshold: number, version: string, halfSlope = 20) =>
  thresholdModel(threshold, version, halfSlope);

/** The truth of a task: cat when x₀ > 0. */
const truthOf = (x0: number) => (x0 > 0 ? 'cat' : 'dog');

jest.setTimeout(60_000);

describe('the seeded quality gate (a trusted model lets a task complete early)', () => {
  const { db, env } = useMarketplaceEnv({ poolSize: 4 });

  const task = (id: string) => db.current.dataSource.getRepository(Task).findOneByOrFail({ id });

  /**
   * A dynamic-overlap cat/dog project (minOverlap 3, maxOverlap 5, target 0.95 unless
   * overridden) with `goldCount` gold tasks spread over x₀ ∈ (−1, 1) and one cat task (x₀ = 0.9),
   * pre-labeled by a model with the given threshold (0 = right on every gold task) and slope.
   */
  async function setup(
    threshold: number,
    goldCount: number,
    overrides: Partial<Project> = {},
    halfSlope = 20,
  ) {
    const dataSource = db.current.dataSource;
    const owner = await env.user([Role.REQUESTER]);
    const project = await makeProject(dataSource, owner.user.id, {
      minOverlap: 3,
      maxOverlap: 5,
      confidenceTarget: 0.95,
      ...overrides,
    });
    const goldX0 = (n: number) => -1 + (2 * n + 1) / goldCount;
    const gold = await makeTasks(dataSource, project.id, goldCount, {
      gold: true,
      payload: n => ({ features: [goldX0(n), 0.5] }),
    });
    for (const [n, goldTask] of gold.entries()) {
      await dataSource.query('UPDATE tasks SET gold_labels = $2 WHERE id = $1', [
        goldTask.id,
        [truthOf(goldX0(n))],
      ]);
    }
    const [target] = await makeTasks(dataSource, project.id, 1, {
      payload: () => ({ features: [0.9, 0.5] }),
    });
    const model = await registerAndPrelabel(env.services.prelabels, owner.ctx, env.drainJobs, {
      projectId: project.id,
      version: `t${threshold}`,
      modelBytes: steepModel(threshold, `t${threshold}`, halfSlope),
    });
    const modelGoldCorrect = gold.filter(
      (_, n) => truthOf(goldX0(n)) === (goldX0(n) > threshold ? 'cat' : 'dog'),
    ).length;
    return { owner, project, target, model, modelGoldCorrect };
  }

  /** A fresh worker answers the project's next task with `label`; returns the task id. */
  const answer = async (projectId: string, label: string) =>
    (await env.answer(projectId, label))?.taskId ?? null;

  /**
   * A fresh worker answers `label` on the project's next task, which must leave the target open:
   * the task served, the target as stored, and the owner's view of its online posterior.
   */
  async function answerLeavingOpen(
    { owner, project, target }: Awaited<ReturnType<typeof setup>>,
    label: string,
  ) {
    const served = await answer(project.id, label);
    const open = await task(target.id);
    expect(open.status).toBe(TaskStatus.OPEN);
    const online = await env.services.onlineAggregation.posteriorOf(owner.ctx, project, open);
    return { served, open, online };
  }

  it('completes a task after ONE human agrees with a model trusted on gold (minOverlap 3)', async () => {
    const { owner, project, target, model, modelGoldCorrect } = await setup(0, 30);
    expect(modelGoldCorrect).toBe(30);

    expect(await answer(project.id, 'cat')).toBe(target.id);
    const done = await task(target.id);
    expect(done.status).toBe(TaskStatus.COMPLETE);
    expect(done.countedAnswers).toBe(1); // the model is not an answer
    expect(done.consensusLabels).toEqual(['cat']);
    // No fit yet: the model's reliability is its gold prior a = (30 + 2·0.75) / (30 + 2), the
    // newcomer's is 0.75, uniform class priors.
    const a = 31.5 / 32;
    expect(done.consensusConfidence).toBeCloseTo((a * 0.75) / (a * 0.75 + (1 - a) * 0.25), 12);
    expect(await answer(project.id, 'cat')).toBeNull(); // no longer served

    const online = await env.services.onlineAggregation.posteriorOf(owner.ctx, project, done);
    expect(online!.model).toMatchObject({ modelVersionId: model.id, label: 'cat' });
    expect(online!.model!.confidence).toBeGreaterThan(0.9999);
    expect(online!.model!.gate).toMatchObject({ open: true, trusted: true });
    expect(online!.model!.gate.goldAccuracyLower).toBeGreaterThanOrEqual(MODEL_GATE_MIN_ACCURACY);
  });

  it('lets the model answer with its probability vector: an unsure model weighs little', async () => {
    // Half-slope 0.25: P(cat) = σ(0.5·0.9) ≈ 0.61 on the task, yet right on every gold task.
    const { owner, project, target, modelGoldCorrect } = await setup(0, 30, {}, 0.25);
    expect(modelGoldCorrect).toBe(30);
    const [{ probabilities, keys }] = await db.current.dataSource.query(
      `SELECT p.probabilities, (SELECT array_agg(l->>'key' ORDER BY n)
                                 FROM jsonb_array_elements(pr.label_schema->'labels')
                                      WITH ORDINALITY AS e(l, n)) AS keys
         FROM prelabel_predictions p JOIN projects pr ON pr.id = p.project_id
        WHERE p.task_id = $1`,
      [target.id],
    );
    const q = Object.fromEntries(keys.map((key: string, i: number) => [key, probabilities[i]]));
    expect(q.cat).toBeGreaterThan(0.55);
    expect(q.cat).toBeLessThan(0.65);

    expect(await answer(project.id, 'cat')).toBe(target.id);
    const open = await task(target.id);
    expect(open.status).toBe(TaskStatus.OPEN); // the gate needs the model's q ≥ the target
    // The model's reliability is its gold prior a; its likelihood is the mixture Σ_l q_l·π[k][l].
    const a = 31.5 / 32;
    const cat = 0.75 * (q.cat * a + q.dog * (1 - a));
    const dog = 0.25 * (q.cat * (1 - a) + q.dog * a);
    expect(open.consensusLabels).toEqual(['cat']);
    expect(open.consensusConfidence).toBeCloseTo(cat / (cat + dog), 9);
    // Its argmax alone would have said cat at ≈ 0.995; the vector leaves the task undecided.
    expect(open.consensusConfidence).toBeLessThan(0.85);
    const online = await env.services.onlineAggregation.posteriorOf(owner.ctx, project, open);
    expect(online!.model).toMatchObject({ label: 'cat' });
    expect(online!.model!.confidence).toBeCloseTo(q.cat, 6);
  });

  it("takes its trust threshold from the project's modelGateMinAccuracy", async () => {
    // The same perfect model on 30 gold (lower bound ≈ 0.89) is not trusted at a 0.95 threshold.
    const world = await setup(0, 30, { modelGateMinAccuracy: 0.95 });
    const { served, online } = await answerLeavingOpen(world, 'cat');
    expect(served).toBe(world.target.id);
    expect(online!.model!.gate).toMatchObject({ open: false, trusted: false });
    expect(online!.model!.gate.goldAccuracyLower).toBeGreaterThan(MODEL_GATE_MIN_ACCURACY);
  });

  it('does not complete early when the model is poor on gold', async () => {
    // Threshold 0.6 calls every cat with x₀ in (0, 0.6) a dog: 21 of 30 gold right.
    const world = await setup(0.6, 30);
    expect(world.modelGoldCorrect).toBe(21);

    const { open, online } = await answerLeavingOpen(world, 'cat');
    expect(open.countedAnswers).toBe(1);
    expect(online!.model!.label).toBe('cat');
    expect(online!.model!.gate).toMatchObject({ open: false, trusted: false });
  });

  it('does not trust a perfect model on too little gold, even when the posterior is confident', async () => {
    // 10 of 10 right: the posterior reaches the target, but Wilson's lower bound is ≈ 0.72.
    const world = await setup(0, 10);
    expect(world.modelGoldCorrect).toBe(10);

    const { open, online } = await answerLeavingOpen(world, 'cat');
    expect(open.consensusConfidence).toBeGreaterThanOrEqual(0.95);
    expect(online!.model!.gate.trusted).toBe(false);
    expect(online!.model!.gate.goldAccuracyLower).toBeLessThan(MODEL_GATE_MIN_ACCURACY);
  });

  it('does not complete when the human disagrees with a trusted model', async () => {
    const world = await setup(0, 30);

    const { served, open } = await answerLeavingOpen(world, 'dog');
    expect(served).toBe(world.target.id);
    expect(open.countedAnswers).toBe(1);
    // The trusted model outweighs one newcomer, but without an agreeing human nothing completes.
    expect(open.consensusLabels).toEqual(['cat']);
  });

  it('leaves fixed-overlap projects alone: no model vote, completes at the overlap', async () => {
    const world = await setup(0, 30, { minOverlap: 3, maxOverlap: 3 });

    const { open, online } = await answerLeavingOpen(world, 'cat');
    expect(open.consensusConfidence).toBeCloseTo(0.75, 12); // the human alone
    expect(online!.model).toBeNull();
  });
});
