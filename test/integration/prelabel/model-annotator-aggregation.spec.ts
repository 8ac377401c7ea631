import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createLogger } from '../../../src/common/logger';
import { dawidSkene } from '../../../src/modules/aggregation/algorithms/dawid-skene';
import {
  AggregationService,
  type ExtraResponse,
} from '../../../src/modules/aggregation/aggregation.service';
import { AggregationRunStatus } from '../../../src/modules/aggregation/aggregation.types';
import { splitSoftAnswers } from '../../../src/modules/aggregation/compute-aggregation';
import { encodeResponses } from '../../../src/modules/aggregation/encode-responses';
import { Role } from '../../../src/modules/auth/role';
import type { Task } from '../../../src/modules/marketplace/task.entity';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { insertSubmittedAnswers } from '../../helpers/answer-fixtures';
import { makeProject, makeTasks, makeWorkers, systemContext } from '../../helpers/factories';
import { createMarketplaceEnv, type MarketplaceEnv } from '../../helpers/marketplace-env';
import { registerAndPrelabel, thresholdModel } from '../../helpers/prelabel-fixtures';
import { useTestDatabase } from '../../helpers/test-db';

const KEYS = ['cat', 'dog'];
const ANSWERED = 80;
/** Tasks the model pre-labels but no human answers. */
const UNANSWERED = 10;

/**
 * P(cat) = σ(8·(x₀ − threshold)), with output columns [dog, cat] (the reverse of the schema).
 * The threshold −0.5 plants the bias: every cat (x₀ > 0) is called a cat, and so is every dog
 * with x₀ in (−0.5, 0], i.e. half of the dogs.
 */
const biasedModel = () => thresholdModel(-0.5, 'biased');

const x0 = (task: Task) => (task.payload.features as number[])[0];
const truth = (task: Task) => (x0(task) > 0 ? 'cat' : 'dog');
const modelSays = (task: Task) => (x0(task) > -0.5 ? 'cat' : 'dog');

jest.setTimeout(60_000);

describe('a pre-label model as an aggregation annotator', () => {
  const db = useTestDatabase({ poolSize: 4 });
  let env: MarketplaceEnv;

  beforeAll(async () => {
    env = await createMarketplaceEnv(db.current.dataSource);
  });

  /**
   * A cat/dog project: `ANSWERED` tasks with x₀ spread over (−1, 1), every 10th gold, each
   * answered by three people (each wrong on a different seventh of the tasks), submitted in
   * order; plus `UNANSWERED` tasks nobody answered. The model is registered and pre-labels all.
   */
  async function setup() {
    const dataSource = db.current.dataSource;
    const owner = await env.user([Role.REQUESTER]);
    const project = await makeProject(dataSource, owner.user.id);
    const tasks = await makeTasks(dataSource, project.id, ANSWERED, {
      payload: n => ({ features: [-1 + (2 * n + 1) / ANSWERED, 0.5] }),
    });
    const gold = tasks.filter((_, n) => n % 10 === 0);
    for (const task of gold) {
      await dataSource.query('UPDATE tasks SET is_gold = true, gold_labels = $2 WHERE id = $1', [
        task.id,
        [truth(task)],
      ]);
    }
    const unanswered = await makeTasks(dataSource, project.id, UNANSWERED, {
      payload: n => ({ features: [n % 2 === 0 ? 0.9 : -0.9, 0.5] }),
    });

    const model = await registerAndPrelabel(env.services.prelabels, owner.ctx, env.drainJobs, {
      projectId: project.id,
      version: 'biased',
      modelBytes: biasedModel(),
    });

    const people = await makeWorkers(dataSource, 3);
    const human = tasks.flatMap((task, n) =>
      people.map((person, w) => ({
        worker: person.id,
        task: task.id,
        label: n % 7 === w ? (truth(task) === 'cat' ? 'dog' : 'cat') : truth(task),
      })),
    );
    await insertSubmittedAnswers(
      dataSource,
      project,
      human.map(({ worker, task, label }) => ({ worker, task, labels: [label] })),
      new Set(gold.map(task => task.id)),
    );
    return { owner, project, tasks, gold, unanswered, model, human };
  }

  /** An AggregationService like the product's, with `answers` as its only extra responses. */
  function serviceWithSource(answers: readonly ExtraResponse[]): AggregationService {
    const services = env.services;
    const sut = new AggregationService(
      new TransactionalConnection(db.current.dataSource),
      services.events,
      services.projects,
      services.jobs,
      createLogger('silent'),
    );
    sut.addResponseSource({ responses: async () => answers });
    return sut;
  }

  it('learns the model’s planted bias as its confusion, and pays or counts nothing for it', async () => {
    const dataSource = db.current.dataSource;
    const { owner, project, tasks, gold, unanswered, model, human } = await setup();
    const before = await bookkeeping(dataSource, project.id);

    const run = await env.services.aggregation.runAggregation(owner.ctx, project.id, {
      method: 'dawid-skene',
    });

    expect(run).toMatchObject({
      status: AggregationRunStatus.SUCCEEDED,
      answersUsed: 4 * ANSWERED,
      taskCount: ANSWERED,
      workerCount: 4,
      goldTaskCount: gold.length,
    });

    // Exactly the pure method on the humans' answers followed by the model's on the same tasks,
    // the model's as soft answers (its stored probability vectors).
    const answeredIds = new Set(tasks.map(task => task.id));
    const modelAnswers = (
      await env.services.prelabels.modelResponses(systemContext(), project.id)
    ).filter(answer => answeredIds.has(answer.task));
    expect(modelAnswers).toHaveLength(ANSWERED);
    const encoded = encodeResponses(
      [...human, ...modelAnswers],
      { labelSet: KEYS },
      new Map(gold.map(task => [task.id, truth(task)])),
    );
    const w = encoded.workerIds.indexOf(model.annotatorId);
    const K = KEYS.length;
    const vectorOf = new Map(modelAnswers.map(answer => [answer.task, answer.probabilities]));
    const modelRows = [...encoded.matrix.worker.keys()].filter(r => encoded.matrix.worker[r] === w);
    const split = splitSoftAnswers(encoded.matrix, {
      response: Int32Array.from(modelRows),
      probabilities: Float64Array.from(
        modelRows.flatMap(r => vectorOf.get(encoded.taskIds[encoded.matrix.task[r]])!),
      ),
    });
    const reference = dawidSkene(split.hard, { gold: encoded.gold, soft: split.soft });

    const quality = await env.services.aggregation.workerQuality(
      owner.ctx,
      project.id,
      model.annotatorId,
    );
    expect(quality).not.toBeNull();
    const p = (trueLabel: string, answered: string) =>
      quality!
        .confusion!.find(row => row.trueLabel === trueLabel)!
        .answered.find(cell => cell.key === answered)!.probability;
    for (let k = 0; k < K; k++) {
      for (let l = 0; l < K; l++) {
        expect(p(KEYS[k], KEYS[l])).toBeCloseTo(reference.confusion[(w * K + k) * K + l], 12);
      }
    }
    // The planted bias: right on every cat, calls half of the dogs cats.
    expect(p('cat', 'cat')).toBeGreaterThan(0.95);
    expect(p('dog', 'cat')).toBeGreaterThan(0.4);
    expect(p('dog', 'cat')).toBeLessThan(0.6);
    expect(quality).toMatchObject({
      method: 'dawid-skene',
      answers: ANSWERED,
      goldAnswers: gold.length,
      goldCorrect: gold.filter(task => modelSays(task) === truth(task)).length,
    });
    expect(quality!.goldCorrect).toBeLessThan(gold.length);

    // The people outvote the model's errors; tasks only the model answered get no consensus.
    const stored = await taskRows(dataSource, project.id);
    for (const task of tasks) expect(stored.get(task.id)!.consensus).toEqual([truth(task)]);
    for (const task of unanswered) expect(stored.get(task.id)!.consensus).toBeNull();

    // Never counted, never an assignment, never paid.
    const after = await bookkeeping(dataSource, project.id);
    expect(after).toEqual(before);
    expect(after.counted).toEqual(
      Object.fromEntries([
        ...tasks.map(task => [task.id, 3]),
        ...unanswered.map(task => [task.id, 0]),
      ]),
    );
    expect(after.assignments).toBe(3 * ANSWERED);
    const [{ accounts, assignments }] = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM ledger_accounts WHERE user_id = $1) AS accounts,
              (SELECT count(*)::int FROM assignments WHERE worker_id = $1) AS assignments`,
      [model.annotatorId],
    );
    expect({ accounts, assignments }).toEqual({ accounts: 0, assignments: 0 });
  });

  it('reads the model’s probability vector: an unsure prediction moves the posterior less than its argmax', async () => {
    const dataSource = db.current.dataSource;
    const { owner, project, tasks, gold, model } = await setup();
    // Task 7 is a dog two people of three call a dog; the model now says "cat", unsure.
    const contested = tasks[7];
    expect(truth(contested)).toBe('dog');
    expect(gold.map(task => task.id)).not.toContain(contested.id);
    await dataSource.query(
      `UPDATE prelabel_predictions SET probabilities = '{0.55,0.45}', predicted_label = 'cat',
              confidence = 0.55
       WHERE task_id = $1 AND model_version_id = $2`,
      [contested.id, model.id],
    );
    const stored = await env.services.prelabels.modelResponses(systemContext(), project.id);
    expect(stored.find(answer => answer.task === contested.id)).toMatchObject({
      label: 'cat',
      probabilities: [0.55, 0.45],
    });

    /** P(dog) stored for the contested task after a DS run whose model answers are `answers`. */
    const dogAfterRun = async (answers: readonly ExtraResponse[] | null) => {
      const sut = answers ? serviceWithSource(answers) : env.services.aggregation;
      const run = await sut.runAggregation(owner.ctx, project.id, { method: 'dawid-skene' });
      expect(run.status).toBe(AggregationRunStatus.SUCCEEDED);
      const [{ posterior }] = await dataSource.query('SELECT posterior FROM tasks WHERE id = $1', [
        contested.id,
      ]);
      return (posterior as number[])[KEYS.indexOf('dog')];
    };
    // Every run has the model's soft answers on the other tasks; only the contested one differs.
    const elsewhere = stored.filter(answer => answer.task !== contested.id);
    const contestedAnswer = stored.find(answer => answer.task === contested.id)!;
    const without = await dogAfterRun(elsewhere);
    const hard = await dogAfterRun([
      ...elsewhere,
      { worker: contestedAnswer.worker, task: contested.id, label: 'cat' },
    ]);
    const soft = await dogAfterRun(null); // the product's own wiring

    expect(hard).toBeLessThan(soft);
    expect(soft).toBeLessThan(without);
    expect(without - soft).toBeLessThan((without - hard) / 3);
    // The consensus stays "dog" with the unsure model, as the two people say.
    const [{ consensus_labels }] = await dataSource.query(
      'SELECT consensus_labels FROM tasks WHERE id = $1',
      [contested.id],
    );
    expect(consensus_labels).toEqual(['dog']);
  });

  it('falls back to the argmax when a stored vector no longer fits the schema', async () => {
    const dataSource = db.current.dataSource;
    const { owner, project, tasks, model } = await setup();
    const contested = tasks[7];
    const setVector = (vector: string) =>
      dataSource.query(
        `UPDATE prelabel_predictions SET probabilities = $3::float8[], predicted_label = 'cat'
         WHERE task_id = $1 AND model_version_id = $2`,
        [contested.id, model.id, vector],
      );
    const posteriorAfterRun = async () => {
      await env.services.aggregation.runAggregation(owner.ctx, project.id, {
        method: 'dawid-skene',
      });
      const [{ posterior }] = await dataSource.query('SELECT posterior FROM tasks WHERE id = $1', [
        contested.id,
      ]);
      return posterior as number[];
    };
    const expectClose = (actual: number[], expected: number[]) => {
      expect(actual).toHaveLength(expected.length);
      actual.forEach((value, k) => expect(Math.abs(value - expected[k])).toBeLessThan(1e-12));
    };
    // A one-hot vector is the hard answer (to rounding: the products run in another order).
    await setVector('{1,0}');
    const oneHot = await posteriorAfterRun();
    await setVector('{0.55,0.45}');
    const unsure = await posteriorAfterRun();
    expect(Math.abs(unsure[1] - oneHot[1])).toBeGreaterThan(0.01);
    // Three labels (the schema had one more key when it was pre-labeled): the label alone.
    await setVector('{0.55,0.45,0}');
    expectClose(await posteriorAfterRun(), oneHot);
    // Its argmax is not its label (the schema's keys were reordered): the label alone.
    await setVector('{0.45,0.55}');
    expectClose(await posteriorAfterRun(), oneHot);
  });

  it('asks a source for vectors only when the method reads them', async () => {
    const { owner, project, tasks, model } = await setup();
    const asked: boolean[] = [];
    const sut = serviceWithSource([]);
    sut.addResponseSource({
      responses: async (_ctx, _projectId, options) => {
        asked.push(options.probabilities);
        return [
          {
            worker: model.annotatorId,
            task: tasks[1].id,
            label: 'cat',
            probabilities: [0.9, 0.1],
          },
        ];
      },
    });
    await sut.runAggregation(owner.ctx, project.id, { method: 'majority-vote' });
    await sut.runAggregation(owner.ctx, project.id, { method: 'pooled-dawid-skene' });
    await sut.runAggregation(owner.ctx, project.id, { method: 'dawid-skene' });
    expect(asked).toEqual([false, false, true]);
  });

  it('never lets an extra response replace a human answer or answer a task alone', async () => {
    const dataSource = db.current.dataSource;
    const { owner, project, tasks, unanswered, human } = await setup();
    const connection = new TransactionalConnection(dataSource);
    const services = env.services;
    const sut = new AggregationService(
      connection,
      services.events,
      services.projects,
      services.jobs,
      createLogger('silent'),
    );
    const person = human[0].worker;
    // The first person "re-answers" every task wrongly, and a stranger answers unanswered tasks.
    const stranger = (await makeWorkers(dataSource, 1))[0].id;
    sut.addResponseSource({
      responses: async () => [
        ...tasks.map(task => ({
          worker: person,
          task: task.id,
          label: truth(task) === 'cat' ? 'dog' : 'cat',
        })),
        ...unanswered.map(task => ({ worker: stranger, task: task.id, label: 'cat' })),
      ],
    });

    const run = await sut.runAggregation(owner.ctx, project.id, { method: 'majority-vote' });

    expect(run).toMatchObject({
      status: AggregationRunStatus.SUCCEEDED,
      answersUsed: 3 * ANSWERED,
      taskCount: ANSWERED,
      workerCount: 3,
    });
    const stored = await taskRows(dataSource, project.id);
    for (const task of tasks) expect(stored.get(task.id)!.consensus).toEqual([truth(task)]);
    for (const task of unanswered) expect(stored.get(task.id)!.consensus).toBeNull();
  });
});

/** What the model must never change: counted answers per task, assignments, ledger entries. */
async function bookkeeping(dataSource: DataSource, projectId: string) {
  const counted: Array<{ id: string; counted_answers: number }> = await dataSource.query(
    'SELECT id, counted_answers FROM tasks WHERE project_id = $1',
    [projectId],
  );
  const [{ assignments, entries }] = await dataSource.query(
    `SELECT (SELECT count(*)::int FROM assignments WHERE project_id = $1) AS assignments,
            (SELECT count(*)::int FROM ledger_entries) AS entries`,
    [projectId],
  );
  return {
    counted: Object.fromEntries(counted.map(row => [row.id, row.counted_answers])),
    assignments: assignments as number,
    entries: entries as number,
  };
}

async function taskRows(dataSource: DataSource, projectId: string) {
  const rows: Array<{ id: string; consensus_labels: string[] | null }> = await dataSource.query(
    'SELECT id, consensus_labels FROM tasks WHERE project_id = $1',
    [projectId],
  );
  return new Map(rows.map(row => [row.id, { consensus: row.consensus_labels }]));
}
