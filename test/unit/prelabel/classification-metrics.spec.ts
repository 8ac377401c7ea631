import {
  accuracy,
  argmaxRows,
  brierScore,
  confusionMatrix,
  evaluateClassifier,
  expectedCalibrationError,
  macroF1,
} from '../../../src/modules/prelabel/algorithms/classification-metrics';

/**
 * Five hand-checked rows over three classes:
 *
 *   row  truth  probabilities        predicted  confidence  correct  bin (of 10)
 *   0    0      .85  .10  .05        0          .85         yes      (.8, .9]
 *   1    0      .35  .55  .10        1          .55         no       (.5, .6]
 *   2    1      .05  .95  .00        1          .95         yes      (.9, 1]
 *   3    1      .20  .55  .25        1          .55         yes      (.5, .6]
 *   4    2      .45  .15  .40        0          .45         no       (.4, .5]
 */
const probabilities = Float64Array.from([
  0.85, 0.1, 0.05, 0.35, 0.55, 0.1, 0.05, 0.95, 0, 0.2, 0.55, 0.25, 0.45, 0.15, 0.4,
]);
const truth = Int32Array.from([0, 0, 1, 1, 2]);
const predicted = Int32Array.from([0, 1, 1, 1, 0]);

describe('classification metrics', () => {
  it('takes the argmax of each row, ties to the lowest index', () => {
    expect([...argmaxRows(probabilities, 3)]).toEqual([...predicted]);
    expect([...argmaxRows(Float64Array.from([0.5, 0.5, 0.2, 0.4, 0.4]), 5)]).toEqual([0]);
  });

  it('computes accuracy and the confusion matrix', () => {
    expect(accuracy(predicted, truth)).toBe(3 / 5);
    // rows = truth, columns = predicted
    expect([...confusionMatrix(predicted, truth, 3)]).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 0]);
  });

  it('computes macro-F1 by hand: F1 = 0.5, 0.8, 0 for classes 0, 1, 2', () => {
    // class 0: TP 1, FP 1 (row 4), FN 1 (row 1) → 2/4; class 1: TP 2, FP 1, FN 0 → 4/5;
    // class 2: TP 0, FN 1 → 0.
    expect(macroF1(predicted, truth, 3)).toBeCloseTo((0.5 + 0.8 + 0) / 3, 12);
  });

  it('averages F1 only over classes present in truth or predictions (scikit-learn)', () => {
    // Class 2 of 3 never appears: the mean is over classes 0 and 1.
    expect(macroF1(Int32Array.from([0, 1]), Int32Array.from([0, 1]), 3)).toBe(1);
  });

  it('computes the expected calibration error by hand', () => {
    // (1/5)|1 − .85| + (2/5)|½ − .55| + (1/5)|1 − .95| + (1/5)|0 − .45| = .03 + .02 + .01 + .09
    const { expectedCalibrationError: ece, bins } = expectedCalibrationError(
      probabilities,
      truth,
      3,
    );
    expect(ece).toBeCloseTo(0.15, 12);
    expect(bins.map(b => b.count)).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 1, 1]);
    expect(bins[5].accuracy).toBe(0.5);
    expect(bins[5].confidence).toBeCloseTo(0.55, 12);
    expect(bins[0].confidence).toBeNaN();
  });

  it('puts a confidence on a bin edge into the lower bin, and confidence 1 into the last', () => {
    const { bins } = expectedCalibrationError(
      Float64Array.from([0.5, 0.5, 1, 0]),
      Int32Array.from([0, 0]),
      2,
      2,
    );
    expect(bins.map(b => b.count)).toEqual([1, 1]);
  });

  it('computes the multi-class Brier score by hand', () => {
    // Σ per row: .035, .735, .005, .305, .585 → 1.665 / 5
    expect(brierScore(probabilities, truth, 3)).toBeCloseTo(0.333, 12);
  });

  it('gives 0 error and Brier 0 for a confident perfect classifier', () => {
    const perfect = Float64Array.from([1, 0, 0, 1]);
    const report = evaluateClassifier(perfect, Int32Array.from([0, 1]), 2);
    expect(report).toMatchObject({
      accuracy: 1,
      macroF1: 1,
      expectedCalibrationError: 0,
      brierScore: 0,
    });
  });

  it('bundles every metric in evaluateClassifier', () => {
    const report = evaluateClassifier(probabilities, truth, 3, { calibrationBins: 10 });
    expect(report.n).toBe(5);
    expect(report.accuracy).toBe(0.6);
    expect(report.macroF1).toBeCloseTo(1.3 / 3, 12);
    expect(report.expectedCalibrationError).toBeCloseTo(0.15, 12);
    expect(report.brierScore).toBeCloseTo(0.333, 12);
    expect([...report.confusion]).toEqual([1, 1, 0, 0, 2, 0, 1, 0, 0]);
  });

  it('returns NaN metrics for empty input', () => {
    const report = evaluateClassifier(new Float64Array(0), new Int32Array(0), 3);
    expect(report.accuracy).toBeNaN();
    expect(report.macroF1).toBeNaN();
    expect(report.expectedCalibrationError).toBeNaN();
    expect(report.brierScore).toBeNaN();
  });

  it('rejects mismatched sizes and labels out of range', () => {
    expect(() => accuracy(Int32Array.from([0]), Int32Array.from([0, 1]))).toThrow(RangeError);
    expect(() => brierScore(probabilities, truth, 4)).toThrow(/length/);
    expect(() => macroF1(Int32Array.from([3]), Int32Array.from([0]), 3)).toThrow(/predicted/);
  });
});
