import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import {
  LogisticRegressionModel,
  predictProbabilities,
  trainLogisticRegression,
} from '../../../src/modules/prelabel/algorithms/logistic-regression';
import {
  exportLogisticRegressionToOnnx,
  readQuorumModelMetadata,
} from '../../../src/modules/prelabel/onnx-export';
import { PrelabelModelError } from '../../../src/modules/prelabel/prelabel.errors';
import { OnnxModel } from '../../../src/modules/prelabel/strategies/onnx-model';
import { gaussianBlobs } from '../../unit/prelabel/synthetic';
import { buildTestModel } from './onnx-test-models';

const NUMERIC = { kind: 'numeric-vector', field: 'features', dimension: 16 } as const;

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

async function expectModelError(
  promise: Promise<unknown>,
  code: string,
): Promise<PrelabelModelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrelabelModelError);
  expect((error as PrelabelModelError).code).toBe(code);
  return error as PrelabelModelError;
}

describe('ONNX export → onnxruntime-node', () => {
  let blobsModel: LogisticRegressionModel;
  const test = gaussianBlobs(22, 500, 16, 3, 21);

  beforeAll(() => {
    const train = gaussianBlobs(21, 600, 16, 3);
    blobsModel = trainLogisticRegression({
      features: train.features,
      nSamples: 600,
      nFeatures: 16,
      nClasses: 3,
      labels: train.labels,
    }).model;
  });

  it('gives the TypeScript model’s probabilities to 1e-6 on numeric features', async () => {
    const bytes = exportLogisticRegressionToOnnx(blobsModel, {
      featurizer: NUMERIC,
      labelKeys: ['a', 'b', 'c'],
      version: 'blobs-1',
    });
    const sut = await OnnxModel.load(bytes, { nFeatures: 16, nLabels: 3 });
    try {
      const fromOnnx = await sut.predict(test.features, 500);
      const fromTypeScript = predictProbabilities(blobsModel, test.features, 500);
      expect(maxAbsDifference(fromOnnx, fromTypeScript)).toBeLessThanOrEqual(1e-6);
      // The model is not trivial: probabilities are spread, not all 0/1.
      expect(fromTypeScript.some(p => p > 0.05 && p < 0.95)).toBe(true);
    } finally {
      await sut.dispose();
    }
  });

  it('gives the TypeScript model’s probabilities to 1e-6 on hashed text features', async () => {
    const featurizer = createFeaturizer({ kind: 'hashed-text', field: 'text', dimension: 256 });
    const words = [
      ['great', 'loved', 'wonderful', 'fun'],
      ['awful', 'boring', 'hated', 'bad'],
    ];
    const payloads = Array.from({ length: 300 }, (_, i) => ({
      text: `${words[i % 2][i % 4]} movie, ${words[i % 2][(i >> 2) % 4]} plot #${i}`,
    }));
    const features = new Float32Array(300 * 256);
    featurizer.featurizeBatch(payloads, features);
    const labels = Int32Array.from(payloads, (_, i) => i % 2);
    const { model } = trainLogisticRegression({
      features,
      nSamples: 300,
      nFeatures: 256,
      nClasses: 2,
      labels,
      sampleWeights: Float64Array.from(payloads, (_, i) => 0.5 + (i % 3) / 4),
    });
    const bytes = exportLogisticRegressionToOnnx(model, {
      featurizer: featurizer.spec,
      labelKeys: ['positive', 'negative'],
      version: 'text-1',
    });
    const sut = await OnnxModel.load(bytes, { nFeatures: 256, nLabels: 2 });
    try {
      const fromOnnx = await sut.predict(features, 300);
      expect(
        maxAbsDifference(fromOnnx, predictProbabilities(model, features, 300)),
      ).toBeLessThanOrEqual(1e-6);
    } finally {
      await sut.dispose();
    }
  });

  it('carries the featurizer, label keys and version in the file', () => {
    const bytes = exportLogisticRegressionToOnnx(blobsModel, {
      featurizer: NUMERIC,
      labelKeys: ['a', 'b', 'c'],
      version: 'blobs-1',
      extraMetadata: { accuracy: '0.99' },
    });
    expect(readQuorumModelMetadata(bytes)).toEqual({
      featurizer: NUMERIC,
      labelKeys: ['a', 'b', 'c'],
      version: 'blobs-1',
      extraMetadata: { accuracy: '0.99' },
    });
    expect(readQuorumModelMetadata(buildTestModel({ nFeatures: 2, nClasses: 2 }))).toBeNull();
  });

  it('refuses to export with a featurizer of another dimension or the wrong label keys', () => {
    expect(() =>
      exportLogisticRegressionToOnnx(blobsModel, {
        featurizer: { ...NUMERIC, dimension: 8 },
        labelKeys: ['a', 'b', 'c'],
        version: 'x',
      }),
    ).toThrow(/dimension/);
    expect(() =>
      exportLogisticRegressionToOnnx(blobsModel, {
        featurizer: NUMERIC,
        labelKeys: ['a', 'a', 'b'],
        version: 'x',
      }),
    ).toThrow(/distinct label keys/);
  });
});

describe(OnnxModel.name, () => {
  const valid = () => buildTestModel({ nFeatures: 4, nClasses: 3 });

  it('loads a valid hand-built model and predicts the hand-computed softmax', async () => {
    const sut = await OnnxModel.load(valid(), { nFeatures: 4, nLabels: 3 });
    try {
      expect(sut).toMatchObject({ inputName: 'x', outputName: 'y', nFeatures: 4, nLabels: 3 });
      // x = e₀ picks row 0 of w: [0, −¼, −½].
      const logits = [0, -0.25, -0.5];
      const z = logits.reduce((s, v) => s + Math.exp(v), 0);
      const probabilities = await sut.predict(Float32Array.from([1, 0, 0, 0]), 1);
      expect(
        maxAbsDifference(
          probabilities,
          logits.map(v => Math.exp(v) / z),
        ),
      ).toBeLessThan(1e-7);
      expect(await sut.predict(new Float32Array(0), 0)).toHaveLength(0);
      await expect(sut.predict(new Float32Array(7), 2)).rejects.toThrow(RangeError);
    } finally {
      await sut.dispose();
    }
    await sut.dispose();
    await expect(sut.predict(new Float32Array(4), 1)).rejects.toThrow(/after dispose/);
  });

  it('rejects corrupt bytes with MODEL_CORRUPT', async () => {
    const garbage = Uint8Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff);
    await expectModelError(OnnxModel.load(garbage, { nFeatures: 4, nLabels: 3 }), 'MODEL_CORRUPT');
    const truncated = valid().subarray(0, 40);
    await expectModelError(
      OnnxModel.load(truncated, { nFeatures: 4, nLabels: 3 }),
      'MODEL_CORRUPT',
    );
    await expectModelError(
      OnnxModel.load(new Uint8Array(0), { nFeatures: 4, nLabels: 3 }),
      'MODEL_CORRUPT',
    );
  });

  it('rejects a model over the size limit with MODEL_TOO_LARGE, before parsing it', async () => {
    const bytes = valid();
    const error = await expectModelError(
      OnnxModel.load(bytes, { nFeatures: 4, nLabels: 3 }, { maxBytes: bytes.length - 1 }),
      'MODEL_TOO_LARGE',
    );
    expect(error.details).toEqual({ sizeBytes: bytes.length, limitBytes: bytes.length - 1 });
  });

  // The valid model reads 4 features and outputs 3 probabilities.
  it.each([
    [
      'an output size that differs from the label count',
      { nFeatures: 4, nLabels: 2 },
      'MODEL_OUTPUT_MISMATCH',
      { expectedLabels: 2, actualLabels: 3 },
    ],
    [
      'a featurizer dimension that differs from the model input',
      { nFeatures: 5, nLabels: 3 },
      'MODEL_INPUT_MISMATCH',
      { modelFeatures: 4, featurizerDimension: 5 },
    ],
  ])('rejects %s with %s, saying both sizes', async (_, shape, code, details) => {
    const error = await expectModelError(OnnxModel.load(valid(), shape), code);
    expect(error.details).toEqual(details);
  });

  it('finds an undeclared output size on the trial run', async () => {
    const bytes = buildTestModel({ nFeatures: 4, nClasses: 3, outputShape: ['N', 'C'] });
    await expectModelError(
      OnnxModel.load(bytes, { nFeatures: 4, nLabels: 5 }),
      'MODEL_OUTPUT_MISMATCH',
    );
  });

  it('finds an undeclared input width on the trial run with MODEL_RUN_FAILED', async () => {
    const bytes = buildTestModel({ nFeatures: 4, nClasses: 3, inputShape: ['N', 'D'] });
    await expectModelError(OnnxModel.load(bytes, { nFeatures: 6, nLabels: 3 }), 'MODEL_RUN_FAILED');
    const ok = await OnnxModel.load(bytes, { nFeatures: 4, nLabels: 3 });
    await ok.dispose();
  });

  it.each([
    ['a fixed batch size', { inputShape: [1, 4] }],
    ['a rank-3 input', { inputShape: ['N', 4, 1] }],
    ['an int64 input', { inputType: 7 }],
    ['two inputs', { extraInput: true }],
  ])('rejects %s with MODEL_INPUT_MISMATCH', async (_, patch) => {
    const bytes = buildTestModel({ nFeatures: 4, nClasses: 3, ...patch });
    await expectModelError(
      OnnxModel.load(bytes, { nFeatures: 4, nLabels: 3 }),
      'MODEL_INPUT_MISMATCH',
    );
  });

  it('rejects a model that outputs logits instead of probabilities with MODEL_OUTPUT_INVALID', async () => {
    const bytes = buildTestModel({ nFeatures: 4, nClasses: 3, softmax: false });
    await expectModelError(
      OnnxModel.load(
        bytes,
        { nFeatures: 4, nLabels: 3 },
        { sampleRow: Float32Array.from([1, 2, 3, 4]) },
      ),
      'MODEL_OUTPUT_INVALID',
    );
  });
});
