import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import {
  predictProbabilities,
  trainLogisticRegression,
} from '../../../src/modules/prelabel/algorithms/logistic-regression';
import { exportLogisticRegressionToOnnx } from '../../../src/modules/prelabel/onnx-export';
import { OnnxPrelabelStrategy } from '../../../src/modules/prelabel/strategies/onnx-prelabel-strategy';
import { NullPrelabelStrategy } from '../../../src/modules/prelabel/strategies/prelabel-strategy';

describe(OnnxPrelabelStrategy.name, () => {
  const featurizerSpec = { kind: 'numeric-vector', field: 'x', dimension: 2 } as const;
  const { model } = trainLogisticRegression({
    features: Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]),
    nSamples: 4,
    nFeatures: 2,
    nClasses: 2,
    labels: Int32Array.from([0, 0, 1, 1]),
  });
  const modelBytes = exportLogisticRegressionToOnnx(model, {
    featurizer: featurizerSpec,
    labelKeys: ['left', 'right'],
    version: 's1',
  });

  it('suggests probabilities in the task’s label-set order, null for unusable payloads', async () => {
    const sut = new OnnxPrelabelStrategy({
      modelBytes,
      featurizer: featurizerSpec,
      labelKeys: ['left', 'right'],
    });
    await expect(
      sut.suggest({ id: 't0', payload: { x: [1, 0] }, labelSet: ['left', 'right'] }),
    ).rejects.toThrow(/before init/);
    await sut.init();
    try {
      const suggestion = await sut.suggest({
        id: 't1',
        payload: { x: [0.8, 0.2] },
        labelSet: ['right', 'unsure', 'left'],
      });
      const features = new Float32Array(2);
      createFeaturizer(featurizerSpec).featurizeInto({ x: [0.8, 0.2] }, features, 0);
      const [left, right] = predictProbabilities(model, features, 1);
      expect(suggestion).not.toBeNull();
      expect(Math.abs(suggestion![0] - right)).toBeLessThanOrEqual(1e-6);
      expect(suggestion![1]).toBe(0);
      expect(Math.abs(suggestion![2] - left)).toBeLessThanOrEqual(1e-6);
      expect(left).toBeGreaterThan(0.5);

      expect(
        await sut.suggest({ id: 't2', payload: { y: 1 }, labelSet: ['left', 'right'] }),
      ).toBeNull();
      await expect(
        sut.suggest({ id: 't3', payload: { x: [1, 0] }, labelSet: ['left'] }),
      ).rejects.toThrow(/"right" is not in the label set/);
    } finally {
      await sut.destroy();
    }
  });

  it('fails init with the model error when the label keys do not fit the model', async () => {
    const sut = new OnnxPrelabelStrategy({
      modelBytes,
      featurizer: featurizerSpec,
      labelKeys: ['a', 'b', 'c'],
    });
    await expect(sut.init()).rejects.toMatchObject({ code: 'MODEL_OUTPUT_MISMATCH' });
  });

  it('has a null default that never has an opinion', async () => {
    expect(await new NullPrelabelStrategy().suggest()).toBeNull();
  });
});
