import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import {
  predictProbabilities,
  trainLogisticRegression,
} from '../../../src/modules/prelabel/algorithms/logistic-regression';
import { PrelabelInferenceWorker } from '../../../src/modules/prelabel/inference-worker';
import { exportLogisticRegressionToOnnx } from '../../../src/modules/prelabel/onnx-export';
import { PrelabelModelError } from '../../../src/modules/prelabel/prelabel.errors';

const SPEC = { kind: 'hashed-text', field: 'review.text', dimension: 64 } as const;

function trainTextModel() {
  const featurizer = createFeaturizer(SPEC);
  const texts = ['great fun', 'loved it', 'wonderful cast', 'awful plot', 'boring', 'hated it'];
  const payloads = texts.map(text => ({ review: { text } }));
  const features = new Float32Array(texts.length * 64);
  featurizer.featurizeBatch(payloads, features);
  const { model } = trainLogisticRegression({
    features,
    nSamples: texts.length,
    nFeatures: 64,
    nClasses: 2,
    labels: Int32Array.from([0, 0, 0, 1, 1, 1]),
  });
  const modelBytes = exportLogisticRegressionToOnnx(model, {
    featurizer: featurizer.spec,
    labelKeys: ['pos', 'neg'],
    version: 'w1',
  });
  return { featurizer, model, modelBytes };
}

describe(PrelabelInferenceWorker.name, () => {
  const { featurizer, model, modelBytes } = trainTextModel();

  it('pre-labels a batch in a worker thread like the TypeScript model, skipping bad payloads', async () => {
    const sut = await PrelabelInferenceWorker.start({ modelBytes, featurizer: SPEC, nLabels: 2 });
    try {
      const payloads = [
        { review: { text: 'great cast, loved the fun' } },
        { review: {} },
        { review: { text: 'awful and boring' } },
        { title: 'no review' },
      ];
      const result = await sut.run(payloads);
      expect([...result.rows]).toEqual([0, 2]);
      expect(result.skipped.map(s => s.row)).toEqual([1, 3]);

      const expected = new Float32Array(2 * 64);
      featurizer.featurizeBatch([payloads[0], payloads[2]], expected);
      const fromTypeScript = predictProbabilities(model, expected, 2);
      for (let p = 0; p < 4; p++) {
        expect(Math.abs(result.probabilities[p] - fromTypeScript[p])).toBeLessThanOrEqual(1e-6);
      }
      expect(result.probabilities[0]).toBeGreaterThan(0.5); // positive review → 'pos'
      expect(result.probabilities[3]).toBeGreaterThan(0.5); // negative review → 'neg'

      // Several batches in flight come back in order, each with its own result.
      const [a, b] = await Promise.all([
        sut.run(payloads.slice(0, 1)),
        sut.run(payloads.slice(2, 3)),
      ]);
      expect(a.probabilities[0]).toBeCloseTo(result.probabilities[0], 6);
      expect(b.probabilities[0]).toBeCloseTo(result.probabilities[2], 6);
    } finally {
      await sut.close();
    }
    await sut.close();
    await expect(sut.run([])).rejects.toThrow(/closed/);
  });

  it('rejects start with the model error code when validation fails', async () => {
    const mismatch = await PrelabelInferenceWorker.start({
      modelBytes,
      featurizer: SPEC,
      nLabels: 3,
    }).catch(e => e);
    expect(mismatch).toBeInstanceOf(PrelabelModelError);
    expect(mismatch.code).toBe('MODEL_OUTPUT_MISMATCH');
    expect(mismatch.details).toEqual({ expectedLabels: 3, actualLabels: 2 });

    const corrupt = await PrelabelInferenceWorker.start({
      modelBytes: modelBytes.slice(0, 30),
      featurizer: SPEC,
      nLabels: 2,
    }).catch(e => e);
    expect(corrupt.code).toBe('MODEL_CORRUPT');

    const wrongDimension = await PrelabelInferenceWorker.start({
      modelBytes,
      featurizer: { ...SPEC, dimension: 32 },
      nLabels: 2,
    }).catch(e => e);
    expect(wrongDimension.code).toBe('MODEL_INPUT_MISMATCH');
  });
});
