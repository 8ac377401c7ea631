import {
  argmaxRows,
  accuracy,
} from '../../../src/modules/prelabel/algorithms/classification-metrics';
import { minimizeLbfgs } from '../../../src/modules/prelabel/algorithms/lbfgs';
import {
  LogisticRegressionData,
  predictProbabilities,
  trainLogisticRegression,
} from '../../../src/modules/prelabel/algorithms/logistic-regression';
import { lrReference } from './fixtures/lr-reference';
import { gaussianBlobs } from './synthetic';

function referenceData(): LogisticRegressionData {
  return {
    features: Float64Array.from(lrReference.features.flat()),
    nSamples: lrReference.labels.length,
    nFeatures: 3,
    nClasses: lrReference.nClasses,
    labels: Int32Array.from(lrReference.labels),
    sampleWeights: Float64Array.from(lrReference.sampleWeights),
  };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tolerance);
  }
}

describe('minimizeLbfgs', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0], x[1]];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { gradientTolerance: 1e-9, maxIterations: 500 },
    );
    expect(result.converged).toBe(true);
    expectClose(result.x, [1, 1], 1e-6);
  });

  it('does not mutate the start point and never increases the objective', () => {
    const start = Float64Array.from([3, -4]);
    const result = minimizeLbfgs((x, g) => {
      g[0] = 2 * x[0];
      g[1] = 20 * x[1];
      return x[0] ** 2 + 10 * x[1] ** 2;
    }, start);
    expect([...start]).toEqual([3, -4]);
    for (let i = 1; i < result.valueHistory.length; i++) {
      expect(result.valueHistory[i]).toBeLessThanOrEqual(result.valueHistory[i - 1]);
    }
  });
});

describe('trainLogisticRegression', () => {
  it('reaches the optimum scipy finds on the weighted reference set', () => {
    const training = trainLogisticRegression(referenceData(), {
      l2: lrReference.l2,
      gradientTolerance: 1e-10,
      maxIterations: 1000,
    });
    expect(training.converged).toBe(true);
    expect(training.loss).toBeCloseTo(lrReference.loss, 10);
    // float32 parameters: rounding costs at most ~1e-7 on weights of size ~1.
    expectClose(training.model.weights, lrReference.weights, 1e-6);
    const { bias } = training.model;
    const meanBias = (bias[0] + bias[1] + bias[2]) / 3;
    expectClose(
      [...bias].map(b => b - meanBias),
      lrReference.centredBias,
      1e-6,
    );
    const probabilities = predictProbabilities(training.model, referenceData().features, 8);
    expectClose(probabilities, lrReference.probabilities, 1e-6);
  });

  it('satisfies the hand-derived optimality condition on two symmetric points', () => {
    // x = +1 has label 1, x = −1 label 0. By symmetry W = [[−w, w]] and b = 0, so
    // L(w) = ln(1 + e^{−2w}) + λw², and L'(w) = 0 ⇔ λ·w·(1 + e^{2w}) = 1.
    const l2 = 0.1;
    const { model } = trainLogisticRegression(
      {
        features: Float64Array.from([1, -1]),
        nSamples: 2,
        nFeatures: 1,
        nClasses: 2,
        labels: Int32Array.from([1, 0]),
      },
      { l2, gradientTolerance: 1e-12 },
    );
    const w = model.weights[1];
    expect(model.weights[0]).toBeCloseTo(-w, 6);
    expect(model.bias[0]).toBeCloseTo(0, 7);
    expect(model.bias[1]).toBeCloseTo(0, 7);
    expect(l2 * w * (1 + Math.exp(2 * w))).toBeCloseTo(1, 5);
    expect(w).toBeGreaterThan(1.06);
    expect(w).toBeLessThan(1.07);
  });

  it('separates synthetic Gaussian blobs: held-out accuracy above 97%', () => {
    const D = 10;
    const C = 4;
    const train = gaussianBlobs(11, 800, D, C);
    const test = gaussianBlobs(12, 400, D, C, 11);
    const training = trainLogisticRegression({
      features: train.features,
      nSamples: 800,
      nFeatures: D,
      nClasses: C,
      labels: train.labels,
    });
    expect(training.converged).toBe(true);
    const predicted = argmaxRows(predictProbabilities(training.model, test.features, 400), C);
    expect(accuracy(predicted, test.labels)).toBeGreaterThan(0.97);
    for (let i = 1; i < training.lossHistory.length; i++) {
      expect(training.lossHistory[i]).toBeLessThanOrEqual(training.lossHistory[i - 1]);
    }
  });

  it('gives bit-identical models on repeated runs', () => {
    const data = referenceData();
    const a = trainLogisticRegression(data).model;
    const b = trainLogisticRegression(data).model;
    expect(b.weights).toEqual(a.weights);
    expect(b.bias).toEqual(a.bias);
  });

  it('treats a sample weight of 2 like a duplicated sample', () => {
    const data = referenceData();
    const weights = new Float64Array(8).fill(1);
    weights[3] = 2;
    const weighted = trainLogisticRegression(
      { ...data, sampleWeights: weights },
      { gradientTolerance: 1e-10 },
    ).model;
    const features = Float64Array.from([
      ...lrReference.features.flat(),
      ...lrReference.features[3],
    ]);
    const duplicated = trainLogisticRegression(
      {
        ...data,
        features,
        nSamples: 9,
        labels: Int32Array.from([...lrReference.labels, lrReference.labels[3]]),
        sampleWeights: undefined,
      },
      { gradientTolerance: 1e-10 },
    ).model;
    expectClose(weighted.weights, duplicated.weights, 1e-6);
  });

  it('ignores samples of weight 0 exactly', () => {
    const data = referenceData();
    const base = trainLogisticRegression(data).model;
    const withJunk = trainLogisticRegression({
      ...data,
      features: Float64Array.from([...lrReference.features.flat(), 50, -50, 50]),
      nSamples: 9,
      labels: Int32Array.from([...lrReference.labels, 2]),
      sampleWeights: Float64Array.from([...lrReference.sampleWeights, 0]),
    }).model;
    expect(withJunk.weights).toEqual(base.weights);
  });

  it('gives the same model for one-hot soft targets as for hard labels', () => {
    const data = referenceData();
    const targets = new Float64Array(8 * 3);
    lrReference.labels.forEach((y, i) => (targets[i * 3 + y] = 1));
    const hard = trainLogisticRegression(data, { gradientTolerance: 1e-10 }).model;
    const soft = trainLogisticRegression(
      { ...data, labels: undefined, targets },
      { gradientTolerance: 1e-10 },
    ).model;
    expectClose(soft.weights, hard.weights, 1e-6);
  });

  it('learns soft targets: a sample with a 50/50 target pulls towards equal probabilities', () => {
    const { model } = trainLogisticRegression(
      {
        features: Float64Array.from([1]),
        nSamples: 1,
        nFeatures: 1,
        nClasses: 2,
        targets: Float64Array.from([0.5, 0.5]),
      },
      { gradientTolerance: 1e-10 },
    );
    expectClose(predictProbabilities(model, Float64Array.from([1]), 1), [0.5, 0.5], 1e-6);
  });

  it('returns the uniform zero model for empty input', () => {
    const training = trainLogisticRegression({
      features: new Float32Array(0),
      nSamples: 0,
      nFeatures: 4,
      nClasses: 3,
      labels: new Int32Array(0),
    });
    expect(training.iterations).toBe(0);
    expect([...training.model.weights]).toEqual(Array(12).fill(0));
    expectClose(
      predictProbabilities(training.model, new Float32Array(4), 1),
      [1 / 3, 1 / 3, 1 / 3],
      1e-12,
    );
  });

  it.each([
    [{ labels: Int32Array.from([0, 0, 1, 1, 2, 2, 0, 3]) }, /label of sample 7/],
    [{ features: new Float64Array(5) }, /features has length/],
    [{ sampleWeights: Float64Array.from([1, 1, 1, 1, 1, 1, 1, -1]) }, /sample weight 7/],
    [{ targets: new Float64Array(24) }, /exactly one/],
    [{ labels: undefined, targets: new Float64Array(24) }, /sum to 0/],
  ])('rejects inconsistent data %#', (patch, message) => {
    expect(() => trainLogisticRegression({ ...referenceData(), ...patch })).toThrow(message);
  });

  it('rejects non-finite features', () => {
    const features = Float64Array.from(lrReference.features.flat());
    features[4] = NaN;
    expect(() => trainLogisticRegression({ ...referenceData(), features })).toThrow(
      /feature 1 of sample 1/,
    );
  });
});
