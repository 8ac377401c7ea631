import { ManualClock } from '../../../src/common/clock';
import { AppError } from '../../../src/common/errors';
import { Role } from '../../../src/modules/auth/role';
import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import { ModelSource, ModelVersion } from '../../../src/modules/prelabel/model-version.entity';
import { readQuorumModelMetadata } from '../../../src/modules/prelabel/onnx-export';
import { Prediction } from '../../../src/modules/prelabel/prediction.entity';
import { PrelabelRunStatus } from '../../../src/modules/prelabel/prelabel-run.entity';
import { OnnxModel } from '../../../src/modules/prelabel/strategies/onnx-model';
import { TrainingService } from '../../../src/modules/prelabel/training.service';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import {
  contextFor,
  makeProject,
  makeTasks,
  makeUser,
  systemContext,
} from '../../helpers/factories';
import { buildPrelabelServices } from '../../helpers/prelabel-fixtures';
import { useTestDatabase } from '../../helpers/test-db';

const FEATURIZER = { kind: 'hashed-text', field: 'text', dimension: 256 } as const;
const CAT_WORDS = ['whiskers', 'purr', 'meow', 'litter', 'tabby'];
const DOG_WORDS = ['bark', 'fetch', 'leash', 'puppy', 'wag'];

/** A short text about a cat or a dog, deterministic in n. */
function textOf(n: number): { text: string; label: 'cat' | 'dog' } {
  const label = n % 2 === 0 ? 'cat' : 'dog';
  const words = label === 'cat' ? CAT_WORDS : DOG_WORDS;
  return {
    text: `my pet likes to ${words[n % 5]} and ${words[(n * 3 + 1) % 5]} every day ${n}`,
    label,
  };
}

describe(TrainingService.name, () => {
  const db = useTestDatabase({ poolSize: 4 });
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');

  function build() {
    const { connection, projects, jobs, prelabels } = buildPrelabelServices(db.current.dataSource, {
      batchSize: 50,
    });
    return { prelabels, jobs, sut: new TrainingService(connection, projects, prelabels) };
  }

  it('trains from consensus weighted by confidence, evaluates on gold, exports, reloads and re-labels', async () => {
    const owner = await makeUser(db.current.dataSource, [Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, owner.id);
    const ctx = contextFor(db.current.dataSource, owner, clock);
    const completed = await makeTasks(db.current.dataSource, project.id, 60, {
      payload: n => ({ text: textOf(n).text }),
    });
    // Consensus as aggregation would leave it; a few wrong labels with a tiny confidence must
    // not pull the model (their weight is 0.01).
    for (const [n, task] of completed.entries()) {
      const noisy = n % 10 === 3;
      const truth = textOf(n).label;
      await db.current.dataSource.getRepository(Task).update(
        { id: task.id },
        {
          status: TaskStatus.COMPLETE,
          consensusLabels: [noisy ? (truth === 'cat' ? 'dog' : 'cat') : truth],
          consensusConfidence: noisy ? 0.01 : 0.95,
        },
      );
    }
    const goldTexts = Array.from({ length: 12 }, (_, i) => textOf(100 + i));
    const gold = await makeTasks(db.current.dataSource, project.id, 12, {
      gold: true,
      payload: i => ({ text: goldTexts[i].text }),
    });
    for (const [i, task] of gold.entries()) {
      await db.current.dataSource
        .getRepository(Task)
        .update({ id: task.id }, { goldLabels: [goldTexts[i].label] });
    }
    const open = await makeTasks(db.current.dataSource, project.id, 20, {
      payload: n => ({ text: textOf(200 + n).text }),
    });
    const { sut, prelabels, jobs } = build();

    const version = await sut.trainModel(ctx, { projectId: project.id, featurizer: FEATURIZER });

    expect(version.version).toBe('trained-1');
    expect(version.source).toBe(ModelSource.TRAINED);
    expect(version.labelKeys).toEqual(['cat', 'dog']);
    expect(version.metrics).toMatchObject({ trainingTasks: 60, goldTasks: 12 });
    expect(version.metrics!.accuracy).toBeGreaterThanOrEqual(11 / 12);
    expect(version.metrics!.macroF1).toBeGreaterThan(0.9);
    expect(version.metrics!.expectedCalibrationError).toBeGreaterThanOrEqual(0);
    expect(version.metrics!.expectedCalibrationError).toBeLessThan(0.5);
    // The gold confusion matrix: rows are the truth, columns the prediction, summing to the gold.
    const confusion = version.metrics!.goldConfusion as number[][];
    expect(confusion).toHaveLength(2);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
    expect((confusion[0]![0]! + confusion[1]![1]!) / 12).toBe(version.metrics!.accuracy);

    // The stored file is self-describing and reloads in onnxruntime-node.
    const stored = await db.current.dataSource
      .getRepository(ModelVersion)
      .findOneByOrFail({ id: version.id });
    const metadata = readQuorumModelMetadata(stored.modelBytes)!;
    expect(metadata.labelKeys).toEqual(['cat', 'dog']);
    expect(metadata.featurizer).toEqual(createFeaturizer(FEATURIZER).spec);
    const reloaded = await OnnxModel.load(stored.modelBytes, { nFeatures: 256, nLabels: 2 });
    try {
      const featurizer = createFeaturizer(metadata.featurizer);
      const features = new Float32Array(20 * 256);
      featurizer.featurizeBatch(
        open.map(task => task.payload),
        features,
      );
      const direct = await reloaded.predict(features, 20);

      // Re-label the open tasks with the trained version through the job.
      const run = await prelabels.startPrelabeling(ctx, {
        projectId: project.id,
        modelVersionId: version.id,
      });
      await jobs.drain(systemContext(clock));
      expect((await prelabels.prelabelRun(ctx, run.id)).status).toBe(PrelabelRunStatus.DONE);
      const predictions = await db.current.dataSource
        .getRepository(Prediction)
        .findBy({ modelVersionId: version.id });
      expect(predictions).toHaveLength(92);
      const byTask = new Map(predictions.map(p => [p.taskId, p]));
      let correct = 0;
      for (const [n, task] of open.entries()) {
        const prediction = byTask.get(task.id)!;
        expect(prediction.probabilities[0]).toBeCloseTo(direct[n * 2], 6);
        if (prediction.predictedLabel === textOf(200 + n).label) correct++;
      }
      expect(correct).toBeGreaterThanOrEqual(18);
    } finally {
      await reloaded.dispose();
    }

    // The next training takes the featurizer from the latest version and the next name.
    const next = await sut.trainModel(ctx, { projectId: project.id });
    expect(next.version).toBe('trained-2');
    expect(next.featurizer).toEqual(version.featurizer);
  });

  it('refuses to train without consensus or without a featurizer', async () => {
    const owner = await makeUser(db.current.dataSource, [Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, owner.id);
    const ctx = contextFor(db.current.dataSource, owner, clock);
    await makeTasks(db.current.dataSource, project.id, 5, { payload: n => ({ text: `t ${n}` }) });
    const { sut } = build();
    const codeOf = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).extensions;
    };
    expect(await codeOf(sut.trainModel(ctx, { projectId: project.id }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'featurizer',
    });
    expect(
      await codeOf(sut.trainModel(ctx, { projectId: project.id, featurizer: FEATURIZER })),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'projectId' });
  });
});
