/**
 * Metrics of a probabilistic classifier against known labels (gold), for the model report:
 *
 *   accuracy   = (1/N) Σᵢ [ŷᵢ = yᵢ]                           ŷᵢ = argmaxₖ pᵢₖ (ties: lowest k)
 *   macro-F1   = mean over classes k in truth ∪ predictions of  F1ₖ = 2TPₖ / (2TPₖ + FPₖ + FNₖ)
 *                (scikit-learn's f1_score(average='macro'): a class absent from both is not
 *                counted; a class only predicted, or only true, has F1 = 0)
 *   ECE        = Σ_b (|B_b| / N) · |acc(B_b) − conf(B_b)|      over M equal-width bins of the
 *                confidence cᵢ = maxₖ pᵢₖ, bin b = ((b−1)/M, b/M] (c = 0 goes to the first bin)
 *                (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017, eq. 3;
 *                Naeini et al., AAAI 2015)
 *   Brier      = (1/N) Σᵢ Σₖ (pᵢₖ − [yᵢ = k])²                 multi-class form, in [0, 2]
 *                (G. W. Brier, Monthly Weather Review 78(1), 1950)
 *
 * Layouts: probabilities N × C row-major; labels Int32Array in [0, C). Every metric of an empty
 * input is NaN (there is nothing to measure), never a throw.
 */

/** Index of each row's largest probability; ties go to the lowest index. */
export function argmaxRows(
  probabilities: Float32Array | Float64Array,
  nClasses: number,
): Int32Array {
  const N = nClasses === 0 ? 0 : probabilities.length / nClasses;
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    let best = 0;
    for (let k = 1; k < nClasses; k++) {
      if (probabilities[i * nClasses + k] > probabilities[i * nClasses + best]) best = k;
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of predictions equal to the truth. */
export function accuracy(predicted: Int32Array, truth: Int32Array): number {
  checkSameLength(predicted, truth);
  if (truth.length === 0) return NaN;
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
  return correct / truth.length;
}

/** C × C counts, `matrix[truth·C + predicted]`. */
export function confusionMatrix(
  predicted: Int32Array,
  truth: Int32Array,
  nClasses: number,
): Int32Array {
  checkSameLength(predicted, truth);
  checkLabels(predicted, nClasses, 'predicted');
  checkLabels(truth, nClasses, 'truth');
  const matrix = new Int32Array(nClasses * nClasses);
  for (let i = 0; i < truth.length; i++) matrix[truth[i] * nClasses + predicted[i]]++;
  return matrix;
}

/** Unweighted mean of per-class F1 over the classes present in truth or predictions. */
export function macroF1(predicted: Int32Array, truth: Int32Array, nClasses: number): number {
  const matrix = confusionMatrix(predicted, truth, nClasses);
  let sum = 0;
  let classes = 0;
  for (let k = 0; k < nClasses; k++) {
    const tp = matrix[k * nClasses + k];
    let rowSum = 0; // TP + FN
    let columnSum = 0; // TP + FP
    for (let l = 0; l < nClasses; l++) {
      rowSum += matrix[k * nClasses + l];
      columnSum += matrix[l * nClasses + k];
    }
    if (rowSum === 0 && columnSum === 0) continue;
    sum += (2 * tp) / (rowSum + columnSum);
    classes++;
  }
  return classes === 0 ? NaN : sum / classes;
}

/** One confidence bin of a reliability diagram. */
export interface CalibrationBin {
  /** Lower and upper edge: the bin holds confidences in (lower, upper]. */
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** Mean confidence in the bin; NaN when empty. */
  readonly confidence: number;
  /** Accuracy in the bin; NaN when empty. */
  readonly accuracy: number;
}

/** ECE and its bins. */
export interface CalibrationResult {
  readonly expectedCalibrationError: number;
  readonly bins: readonly CalibrationBin[];
}

/** Expected calibration error over `nBins` equal-width confidence bins (default 10). */
export function expectedCalibrationError(
  probabilities: Float32Array | Float64Array,
  truth: Int32Array,
  nClasses: number,
  nBins = 10,
): CalibrationResult {
  checkProbabilities(probabilities, truth, nClasses);
  if (!(Number.isInteger(nBins) && nBins >= 1)) {
    throw new RangeError(`nBins must be a positive integer, got ${nBins}`);
  }
  const N = truth.length;
  const counts = new Float64Array(nBins);
  const confidenceSums = new Float64Array(nBins);
  const correctCounts = new Float64Array(nBins);
  const predicted = argmaxRows(probabilities, nClasses);
  for (let i = 0; i < N; i++) {
    const confidence = probabilities[i * nClasses + predicted[i]];
    const bin = Math.min(nBins - 1, Math.max(0, Math.ceil(confidence * nBins) - 1));
    counts[bin]++;
    confidenceSums[bin] += confidence;
    if (predicted[i] === truth[i]) correctCounts[bin]++;
  }
  let ece = 0;
  const bins: CalibrationBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const count = counts[b];
    const confidence = count > 0 ? confidenceSums[b] / count : NaN;
    const binAccuracy = count > 0 ? correctCounts[b] / count : NaN;
    if (count > 0) ece += (count / N) * Math.abs(binAccuracy - confidence);
    bins.push({
      lower: b / nBins,
      upper: (b + 1) / nBins,
      count,
      confidence,
      accuracy: binAccuracy,
    });
  }
  return { expectedCalibrationError: N === 0 ? NaN : ece, bins };
}

/** Multi-class Brier score: mean squared distance to the one-hot truth, in [0, 2]. */
export function brierScore(
  probabilities: Float32Array | Float64Array,
  truth: Int32Array,
  nClasses: number,
): number {
  checkProbabilities(probabilities, truth, nClasses);
  const N = truth.length;
  if (N === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < N; i++) {
    for (let k = 0; k < nClasses; k++) {
      const error = probabilities[i * nClasses + k] - (truth[i] === k ? 1 : 0);
      sum += error * error;
    }
  }
  return sum / N;
}

/** Everything the model report shows. */
export interface ClassifierEvaluation {
  readonly n: number;
  readonly accuracy: number;
  readonly macroF1: number;
  readonly expectedCalibrationError: number;
  readonly brierScore: number;
  readonly calibrationBins: readonly CalibrationBin[];
  /** C × C, `confusion[truth·C + predicted]`. */
  readonly confusion: Int32Array;
}

/**
 * All metrics above for probabilities against the truth (argmax predictions).
 *
 * @example const report = evaluateClassifier(predictProbabilities(model, goldX, n), goldLabels, C);
 */
export function evaluateClassifier(
  probabilities: Float32Array | Float64Array,
  truth: Int32Array,
  nClasses: number,
  options: { readonly calibrationBins?: number } = {},
): ClassifierEvaluation {
  checkProbabilities(probabilities, truth, nClasses);
  const predicted = argmaxRows(probabilities, nClasses);
  const calibration = expectedCalibrationError(
    probabilities,
    truth,
    nClasses,
    options.calibrationBins ?? 10,
  );
  return {
    n: truth.length,
    accuracy: accuracy(predicted, truth),
    macroF1: macroF1(predicted, truth, nClasses),
    expectedCalibrationError: calibration.expectedCalibrationError,
    brierScore: brierScore(probabilities, truth, nClasses),
    calibrationBins: calibration.bins,
    confusion: confusionMatrix(predicted, truth, nClasses),
  };
}

function checkSameLength(predicted: Int32Array, truth: Int32Array): void {
  if (predicted.length !== truth.length) {
    throw new RangeError(`${predicted.length} predictions for ${truth.length} true labels`);
  }
}

function checkLabels(labels: Int32Array, nClasses: number, name: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= nClasses) {
      throw new RangeError(`${name} label ${i} is ${labels[i]}, not in [0, ${nClasses})`);
    }
  }
}

function checkProbabilities(
  probabilities: Float32Array | Float64Array,
  truth: Int32Array,
  nClasses: number,
): void {
  if (!(Number.isInteger(nClasses) && nClasses >= 1)) {
    throw new RangeError(`nClasses must be a positive integer, got ${nClasses}`);
  }
  if (probabilities.length !== truth.length * nClasses) {
    throw new RangeError(
      `probabilities has length ${probabilities.length}, expected ${truth.length} × ${nClasses}`,
    );
  }
  checkLabels(truth, nClasses, 'truth');
}
