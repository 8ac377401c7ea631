import { ManualClock } from '../../../src/common/clock';
import { AppError } from '../../../src/common/errors';
import { dawidSkene } from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { encodeResponses } from '../../../src/modules/aggregation/encode-responses';
import { Role } from '../../../src/modules/auth/role';
import { User, UserKind } from '../../../src/modules/auth/user.entity';
import { ModelVersion } from '../../../src/modules/prelabel/model-version.entity';
import { Prediction } from '../../../src/modules/prelabel/prediction.entity';
import { PrelabelRunStatus } from '../../../src/modules/prelabel/prelabel-run.entity';
import {
  type PrelabelBatchTimings,
  PrelabelService,
  type PrelabelServiceOptions,
  type RegisterModelRequest,
} from '../../../src/modules/prelabel/prelabel.service';
import type { Task } from '../../../src/modules/marketplace/task.entity';
import {
  contextFor,
  makeProject,
  makeTasks,
  makeUser,
  systemContext,
} from '../../helpers/factories';
import {
  buildPrelabelServices,
  NUMERIC_FEATURIZER,
  thresholdModel,
} from '../../helpers/prelabel-fixtures';
import { useTestDatabase } from '../../helpers/test-db';

const FEATURIZER = NUMERIC_FEATURIZER;

/** P(cat) = σ(8·(x₀ − threshold)), columns [dog, cat] (the reverse of the schema). */
const handModel = (threshold: number) => thresholdModel(threshold, 'hand');

/** x₀ spread over [−1, 1): task n is a cat when x₀ > 0. */
function payloadOf(n: number, count: number): Record<string, unknown> {
  return { features: [-1 + (2 * n + 1) / count, 0.5] };
}

describe(PrelabelService.name, () => {
  const db = useTestDatabase({ poolSize: 4 });
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');

  function build(options: PrelabelServiceOptions = {}) {
    const { prelabels: sut, jobs } = buildPrelabelServices(db.current.dataSource, options);
    return { sut, jobs };
  }

  async function setup(taskCount: number) {
    const owner = await makeUser(db.current.dataSource, [Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, owner.id);
    const tasks = await makeTasks(db.current.dataSource, project.id, taskCount, {
      payload: n => payloadOf(n, taskCount),
    });
    return { owner, project, tasks, ctx: contextFor(db.current.dataSource, owner, clock) };
  }

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return String((error as AppError).extensions.code);
  }

  /** The `registerModel` request of the hand model v1 (threshold 0); override any field. */
  function handModelRequest(
    projectId: string,
    overrides: Partial<RegisterModelRequest> = {},
  ): RegisterModelRequest {
    return {
      projectId,
      version: 'v1',
      modelBytes: handModel(0),
      featurizer: FEATURIZER,
      labelKeys: ['dog', 'cat'],
      ...overrides,
    };
  }

  it('registers a model that fits, with a MODEL annotator that cannot sign in', async () => {
    const { project, ctx } = await setup(5);
    const { sut } = build();
    const bytes = handModel(0);

    const model = await sut.registerModel(ctx, handModelRequest(project.id, { modelBytes: bytes }));

    expect(model.sizeBytes).toBe(bytes.length);
    expect(model.labelKeys).toEqual(['dog', 'cat']);
    const stored = await db.current.dataSource
      .getRepository(ModelVersion)
      .findOneByOrFail({ id: model.id });
    expect(Buffer.compare(stored.modelBytes, Buffer.from(bytes))).toBe(0);
    const annotator = await db.current.dataSource
      .getRepository(User)
      .findOneByOrFail({ id: model.annotatorId });
    expect(annotator.kind).toBe(UserKind.MODEL);
    expect(annotator.roles).toEqual([]);
    expect(annotator.passwordHash).toBeNull();

    expect(
      await codeOf(sut.registerModel(ctx, handModelRequest(project.id, { modelBytes: bytes }))),
    ).toBe('CONFLICT');
  });

  it('refuses bad models with their codes and stores nothing', async () => {
    const { project, ctx } = await setup(3);
    const { sut } = build({ maxModelBytes: 10_000 });
    const bytes = handModel(0);
    const base = { projectId: project.id, version: 'bad', featurizer: FEATURIZER };
    const countRows = async () => ({
      models: await db.current.dataSource
        .getRepository(ModelVersion)
        .countBy({ projectId: project.id }),
      annotators: await db.current.dataSource.getRepository(User).countBy({ kind: UserKind.MODEL }),
    });
    const before = await countRows();

    // Each case changes one thing of a valid request (this model, labels dog and cat).
    const cases = [
      ['truncated bytes', { modelBytes: Uint8Array.from(bytes.subarray(0, 40)) }, 'MODEL_CORRUPT'],
      ['over maxModelBytes', { modelBytes: new Uint8Array(10_001) }, 'MODEL_TOO_LARGE'],
      ['3 features', { featurizer: { ...FEATURIZER, dimension: 3 } }, 'MODEL_INPUT_MISMATCH'],
      ['one label', { labelKeys: ['cat'] }, 'MODEL_OUTPUT_MISMATCH'],
      ['an unknown label', { labelKeys: ['dog', 'horse'] }, 'BAD_USER_INPUT'],
      ['an unknown featurizer', { featurizer: { kind: 'bag-of-words' } }, 'BAD_USER_INPUT'],
    ] as const;
    for (const [name, change, code] of cases) {
      const request = { ...base, modelBytes: bytes, labelKeys: ['dog', 'cat'], ...change };
      expect({ name, code: await codeOf(sut.registerModel(ctx, request)) }).toEqual({ name, code });
    }

    expect(await countRows()).toEqual(before);
  });

  it('hides another requester’s project as NOT_FOUND', async () => {
    const { project } = await setup(1);
    const stranger = await makeUser(db.current.dataSource, [Role.REQUESTER]);
    const { sut } = build();
    expect(
      await codeOf(
        sut.registerModel(contextFor(db.current.dataSource, stranger, clock), {
          projectId: project.id,
          version: 'v1',
          modelBytes: handModel(0),
          featurizer: FEATURIZER,
          labelKeys: ['dog', 'cat'],
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('pre-labels every task in batches, skips and reports payloads without the field, and is idempotent', async () => {
    const { project, tasks, ctx } = await setup(25);
    const broken = await makeTasks(db.current.dataSource, project.id, 2, {
      payload: n => ({ text: `no features ${n}` }),
    });
    const timings: PrelabelBatchTimings[] = [];
    const { sut, jobs } = build({ batchSize: 10, onBatchTimings: t => timings.push(t) });
    const model = await sut.registerModel(ctx, handModelRequest(project.id));

    const started = await sut.startPrelabeling(ctx, {
      projectId: project.id,
      modelVersionId: model.id,
    });
    expect(started.status).toBe(PrelabelRunStatus.PENDING);
    expect(started.total).toBe(27);
    await jobs.drain(systemContext(clock));

    const run = await sut.prelabelRun(ctx, started.id);
    expect(run).toMatchObject({
      status: PrelabelRunStatus.DONE,
      processed: 27,
      predicted: 25,
      skipped: 2,
    });
    expect(run.skipSamples.map(s => s.taskId).sort()).toEqual(broken.map(t => t.id).sort());
    expect(run.skipSamples.every(s => s.reason === 'missing-field')).toBe(true);
    // One timing report per committed batch, each phase measured (the benchmark sums them).
    expect(timings.map(t => t.tasks)).toEqual([10, 10, 7]);
    for (const t of timings) {
      for (const ms of [t.readMs, t.featurizeMs, t.inferenceMs, t.writeMs]) {
        expect(ms).toBeGreaterThanOrEqual(0);
      }
      expect(t.workerMs).toBeGreaterThanOrEqual(t.featurizeMs + t.inferenceMs);
    }

    const predictions = await predictionsOf(model.id);
    expect(predictions.size).toBe(25);
    for (const [n, task] of tasks.entries()) {
      const prediction = predictions.get(task.id)!;
      const x0 = (payloadOf(n, 25).features as number[])[0];
      const pCat = 1 / (1 + Math.exp(-8 * x0));
      // Schema order is [cat, dog] although the model's columns are [dog, cat].
      expect(prediction.probabilities[0]).toBeCloseTo(pCat, 5);
      expect(prediction.probabilities[1]).toBeCloseTo(1 - pCat, 5);
      // x₀ = 0 gives a tie, which goes to the first schema label.
      expect(prediction.predictedLabel).toBe(x0 >= 0 ? 'cat' : 'dog');
      expect(prediction.confidence).toBeCloseTo(Math.max(pCat, 1 - pCat), 5);
    }

    const again = await sut.startPrelabeling(ctx, {
      projectId: project.id,
      modelVersionId: model.id,
    });
    await jobs.drain(systemContext(clock));
    expect((await sut.prelabelRun(ctx, again.id)).predicted).toBe(25);
    expect((await predictionsOf(model.id)).size).toBe(25);
  });

  it('resumes a run after its cursor', async () => {
    const { project, tasks, ctx } = await setup(30);
    const { sut, jobs } = build({ batchSize: 10 });
    const model = await sut.registerModel(ctx, handModelRequest(project.id));
    const run = await sut.startPrelabeling(ctx, {
      projectId: project.id,
      modelVersionId: model.id,
    });
    // As if a process had committed the first batch and died: the cursor is after 10 tasks.
    const ids = tasks.map(t => t.id).sort();
    await db.current.dataSource.query(
      `UPDATE prelabel_runs SET status = 'RUNNING', processed = 10, predicted = 10, last_task_id = $2 WHERE id = $1`,
      [run.id, ids[9]],
    );
    await jobs.drain(systemContext(clock));

    const done = await sut.prelabelRun(ctx, run.id);
    expect(done).toMatchObject({ status: PrelabelRunStatus.DONE, processed: 30, predicted: 30 });
    const predicted = [...(await predictionsOf(model.id)).keys()].sort();
    expect(predicted).toEqual(ids.slice(10));
  });

  it('marks the run FAILED with the reason when the model cannot start', async () => {
    const { project, ctx } = await setup(3);
    const { sut, jobs } = build();
    const model = await sut.registerModel(ctx, handModelRequest(project.id));
    await db.current.dataSource.query(
      `UPDATE model_versions SET model_bytes = '\\x0102'::bytea WHERE id = $1`,
      [model.id],
    );
    const run = await sut.startPrelabeling(ctx, {
      projectId: project.id,
      modelVersionId: model.id,
    });
    await jobs.drain(systemContext(clock));
    const failed = await sut.prelabelRun(ctx, run.id);
    expect(failed.status).toBe(PrelabelRunStatus.FAILED);
    expect(failed.error).toMatch(/could not be loaded/);
    expect((await predictionsOf(model.id)).size).toBe(0);
  });

  it('takes part in Dawid–Skene as one more worker, whose confusion matrix is learned', async () => {
    const count = 80;
    const { project, tasks, ctx } = await setup(count);
    const { sut, jobs } = build();
    // The model calls "cat" from x₀ > −0.5: right on every cat, wrong on a quarter of the tasks
    // (the dogs with x₀ in (−0.5, 0]), i.e. on half of the dogs.
    const model = await sut.registerModel(
      ctx,
      handModelRequest(project.id, { version: 'biased', modelBytes: handModel(-0.5) }),
    );
    await sut.startPrelabeling(ctx, { projectId: project.id, modelVersionId: model.id });
    await jobs.drain(systemContext(clock));

    const truth = (task: Task) => ((task.payload.features as number[])[0] > 0 ? 'cat' : 'dog');
    // Three people, each wrong on a different seventh of the tasks.
    const human = tasks.flatMap((task, n) =>
      [0, 1, 2].map(w => ({
        worker: `person-${w}`,
        task: task.id,
        label: n % 7 === w ? (truth(task) === 'cat' ? 'dog' : 'cat') : truth(task),
      })),
    );
    const modelAnswers = await sut.modelResponses(systemContext(clock), project.id);
    expect(modelAnswers).toHaveLength(count);
    expect(new Set(modelAnswers.map(a => a.worker))).toEqual(new Set([model.annotatorId]));

    const encoded = encodeResponses([...human, ...modelAnswers], {
      labelSet: ['cat', 'dog'],
      knownTasks: tasks.map(t => t.id),
    });
    const result = dawidSkene(encoded.matrix);
    const w = encoded.workerIds.indexOf(model.annotatorId);
    const K = 2;
    const confusion = (k: number, l: number) => result.confusion[(w * K + k) * K + l];
    // Rows are true labels (cat = 0, dog = 1), columns the model's answers.
    expect(confusion(0, 0)).toBeGreaterThan(0.95);
    expect(confusion(1, 0)).toBeGreaterThan(0.4);
    expect(confusion(1, 0)).toBeLessThan(0.6);
    // Its errors do not leak into the consensus: the three people outvote it.
    const labels = [...result.labels].map(k => encoded.labelKeys[k]);
    expect(labels).toEqual(tasks.map(truth));
  });

  async function predictionsOf(modelVersionId: string): Promise<Map<string, Prediction>> {
    const rows = await db.current.dataSource.getRepository(Prediction).findBy({ modelVersionId });
    return new Map(rows.map(row => [row.taskId, row]));
  }
});
