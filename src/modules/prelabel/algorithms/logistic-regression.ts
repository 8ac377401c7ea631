/**
 * Multinomial logistic regression (softmax regression) with L2 regularisation and sample
 * weights, trained by full-batch L-BFGS (lbfgs.ts) from zero weights: deterministic, the same
 * model for the same data in the same order.
 *
 *   logits   zᵢ = xᵢᵀW + b                  W ∈ ℝ^{D×C}, b ∈ ℝ^C
 *   probs    pᵢₖ = exp(zᵢₖ) / Σₗ exp(zᵢₗ)    (row max subtracted first)
 *   loss     L = (1 / Σᵢ wᵢ) Σᵢ wᵢ · (−Σₖ qᵢₖ log pᵢₖ) + (λ/2)‖W‖²_F
 *   gradient ∂L/∂W = Xᵀ R + λW,   ∂L/∂b = Σᵢ Rᵢ,   with Rᵢₖ = wᵢ (pᵢₖ − qᵢₖ) / Σᵢ wᵢ
 *
 * qᵢ is one-hot for hard labels, or any distribution for soft targets (e.g. an aggregation
 * posterior). wᵢ ≥ 0 are sample weights (e.g. consensus confidence); the loss is a weighted
 * mean, so λ does not depend on the data size; it equals scikit-learn's LogisticRegression with
 * C = 1 / (λ Σᵢ wᵢ). The bias is not regularised. The objective is convex, so L-BFGS finds the
 * global minimum up to its tolerances.
 *
 * Layout: features row-major N × D; `weights[j·C + k]` = W[j][k] (the ONNX MatMul initializer
 * as is). The returned model holds float32 parameters, exactly what the ONNX export stores, and
 * `predictProbabilities` computes in float64 from them: the TypeScript model and the exported
 * ONNX model are the same function.
 *
 * Zero features are skipped in the inner loops, so sparse rows (hashed text) cost in proportion
 * to their non-zeros. Cost per L-BFGS iteration: O(nnz(X)·C) plus backtracking evaluations.
 *
 * D. R. Cox, "The Regression Analysis of Binary Sequences", JRSS B 20(2), 1958 (logistic
 * regression); multinomial form and its gradient: C. M. Bishop, "Pattern Recognition and
 * Machine Learning", Springer 2006, §4.3.4.
 */
import { LbfgsStop, minimizeLbfgs, Objective } from './lbfgs';

/** A trained softmax regression, float32 parameters (see the layout above). */
export interface LogisticRegressionModel {
  readonly nFeatures: number;
  readonly nClasses: number;
  /** D × C, row-major: `weights[j * nClasses + k]`. */
  readonly weights: Float32Array;
  /** C. */
  readonly bias: Float32Array;
}

/** Training data. Give exactly one of `labels` and `targets`. */
export interface LogisticRegressionData {
  /** N × D, row-major. */
  readonly features: Float32Array | Float64Array;
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly nClasses: number;
  /** Hard labels in [0, C), length N. */
  readonly labels?: Int32Array;
  /** Soft targets, N × C, each row a distribution (non-negative, sums to 1). */
  readonly targets?: Float64Array | Float32Array;
  /** Non-negative weights, length N; default all 1. Rows with weight 0 are ignored. */
  readonly sampleWeights?: Float64Array | Float32Array;
}

/** Options of `trainLogisticRegression`. */
export interface LogisticRegressionOptions {
  /** λ, the L2 penalty on W (see the loss above). Default 1e-3. */
  readonly l2?: number;
  /** L-BFGS iterations; default 200. */
  readonly maxIterations?: number;
  /** Stop when every partial derivative is at most this; default 1e-6. */
  readonly gradientTolerance?: number;
}

/** The result of `trainLogisticRegression`. */
export interface LogisticRegressionTraining {
  readonly model: LogisticRegressionModel;
  /** Final objective L (with the penalty), computed in float64 before rounding to float32. */
  readonly loss: number;
  /** L after each iteration. */
  readonly lossHistory: number[];
  readonly iterations: number;
  readonly converged: boolean;
  readonly stop: LbfgsStop | 'empty';
  /** ‖∇L‖∞ at the end. */
  readonly gradientNorm: number;
}

/**
 * Fits softmax regression to the data (see the header for the loss). Throws a RangeError on
 * inconsistent sizes, labels out of range, negative or non-finite weights, or non-finite
 * features. With no samples (or all weights 0) it returns the all-zero model (uniform
 * probabilities) without iterating.
 *
 * @example
 * const { model } = trainLogisticRegression({ features, nSamples, nFeatures: D, nClasses: 3, labels });
 * const probabilities = predictProbabilities(model, features, nSamples);
 */
export function trainLogisticRegression(
  data: LogisticRegressionData,
  options: LogisticRegressionOptions = {},
): LogisticRegressionTraining {
  validateData(data);
  const l2 = options.l2 ?? 1e-3;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be ≥ 0, got ${l2}`);
  const { nSamples: N, nFeatures: D, nClasses: C } = data;
  const weightOf = data.sampleWeights;
  let totalWeight = 0;
  for (let i = 0; i < N; i++) totalWeight += weightOf ? weightOf[i] : 1;
  if (N === 0 || totalWeight === 0 || C === 0) {
    return {
      model: {
        nFeatures: D,
        nClasses: C,
        weights: new Float32Array(D * C),
        bias: new Float32Array(C),
      },
      loss: C > 0 ? Math.log(C) : 0,
      lossHistory: [],
      iterations: 0,
      converged: true,
      stop: 'empty',
      gradientNorm: 0,
    };
  }

  const biasOffset = D * C;
  const objective = softmaxRegressionObjective(data, l2, totalWeight);
  const result = minimizeLbfgs(objective, new Float64Array(D * C + C), {
    maxIterations: options.maxIterations ?? 200,
    gradientTolerance: options.gradientTolerance ?? 1e-6,
  });
  return {
    model: {
      nFeatures: D,
      nClasses: C,
      weights: Float32Array.from(result.x.subarray(0, biasOffset)),
      bias: Float32Array.from(result.x.subarray(biasOffset)),
    },
    loss: result.value,
    lossHistory: result.valueHistory,
    iterations: result.iterations,
    converged: result.converged,
    stop: result.stop,
    gradientNorm: result.gradientNorm,
  };
}

/**
 * The training objective L(θ) of the file header and its gradient, for L-BFGS: θ holds the
 * D × C weights, then the C biases. The closure reuses two length-C rows, so each evaluation
 * allocates nothing.
 */
function softmaxRegressionObjective(
  data: LogisticRegressionData,
  l2: number,
  totalWeight: number,
): Objective {
  const { nSamples: N, nFeatures: D, nClasses: C, features: X } = data;
  const weightOf = data.sampleWeights;
  const biasOffset = D * C;
  const logits = new Float64Array(C);
  const residual = new Float64Array(C);
  const objective = (theta: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < N; i++) {
      const w = weightOf ? weightOf[i] : 1;
      if (w === 0) continue;
      const row = i * D;
      for (let k = 0; k < C; k++) logits[k] = theta[biasOffset + k];
      for (let j = 0; j < D; j++) {
        const x = X[row + j];
        if (x === 0) continue;
        const wRow = j * C;
        for (let k = 0; k < C; k++) logits[k] += x * theta[wRow + k];
      }
      let max = -Infinity;
      for (let k = 0; k < C; k++) if (logits[k] > max) max = logits[k];
      let sum = 0;
      for (let k = 0; k < C; k++) sum += Math.exp(logits[k] - max);
      const logSum = max + Math.log(sum);
      // Cross-entropy −Σ q log p = log Σ exp z − Σ q z; residual w (p − q) / Σw.
      const scaleI = w / totalWeight;
      if (data.labels) {
        const y = data.labels[i];
        loss += w * (logSum - logits[y]);
        for (let k = 0; k < C; k++) residual[k] = scaleI * Math.exp(logits[k] - logSum);
        residual[y] -= scaleI;
      } else {
        const targets = data.targets!;
        let crossEntropy = 0;
        for (let k = 0; k < C; k++) {
          const q = targets[i * C + k];
          crossEntropy += q * (logSum - logits[k]);
          residual[k] = scaleI * (Math.exp(logits[k] - logSum) - q);
        }
        loss += w * crossEntropy;
      }
      for (let k = 0; k < C; k++) gradient[biasOffset + k] += residual[k];
      for (let j = 0; j < D; j++) {
        const x = X[row + j];
        if (x === 0) continue;
        const gRow = j * C;
        for (let k = 0; k < C; k++) gradient[gRow + k] += x * residual[k];
      }
    }
    loss /= totalWeight;
    let penalty = 0;
    for (let p = 0; p < biasOffset; p++) {
      penalty += theta[p] * theta[p];
      gradient[p] += l2 * theta[p];
    }
    return loss + 0.5 * l2 * penalty;
  };

  return objective;
}

/**
 * Class probabilities, N × C row-major, computed in float64 from the model's float32
 * parameters and the float32 or float64 features (row-max-shifted softmax).
 */
export function predictProbabilities(
  model: LogisticRegressionModel,
  features: Float32Array | Float64Array,
  nSamples: number,
): Float64Array {
  const { nFeatures: D, nClasses: C, weights: W, bias } = model;
  if (!(Number.isInteger(nSamples) && nSamples >= 0) || features.length < nSamples * D) {
    throw new RangeError(`features hold ${features.length} values, not ${nSamples} rows of ${D}`);
  }
  const out = new Float64Array(nSamples * C);
  for (let i = 0; i < nSamples; i++) {
    const row = i * D;
    const o = i * C;
    for (let k = 0; k < C; k++) out[o + k] = bias[k];
    for (let j = 0; j < D; j++) {
      const x = features[row + j];
      if (x === 0) continue;
      const wRow = j * C;
      for (let k = 0; k < C; k++) out[o + k] += x * W[wRow + k];
    }
    let max = -Infinity;
    for (let k = 0; k < C; k++) if (out[o + k] > max) max = out[o + k];
    let sum = 0;
    for (let k = 0; k < C; k++) {
      out[o + k] = Math.exp(out[o + k] - max);
      sum += out[o + k];
    }
    for (let k = 0; k < C; k++) out[o + k] /= sum;
  }
  return out;
}

function validateData(data: LogisticRegressionData): void {
  const { nSamples: N, nFeatures: D, nClasses: C } = data;
  for (const [name, value] of [
    ['nSamples', N],
    ['nFeatures', D],
    ['nClasses', C],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
    }
  }
  if (data.features.length !== N * D) {
    throw new RangeError(`features has length ${data.features.length}, expected ${N} × ${D}`);
  }
  for (let p = 0; p < data.features.length; p++) {
    if (!Number.isFinite(data.features[p])) {
      throw new RangeError(`feature ${p % D} of sample ${Math.floor(p / D)} is not finite`);
    }
  }
  if ((data.labels === undefined) === (data.targets === undefined)) {
    throw new RangeError('give exactly one of labels and targets');
  }
  if (data.labels) {
    if (data.labels.length !== N) {
      throw new RangeError(`labels has length ${data.labels.length}, expected ${N}`);
    }
    for (let i = 0; i < N; i++) {
      if (data.labels[i] < 0 || data.labels[i] >= C) {
        throw new RangeError(`label of sample ${i} is ${data.labels[i]}, not in [0, ${C})`);
      }
    }
  }
  if (data.targets) {
    if (data.targets.length !== N * C) {
      throw new RangeError(`targets has length ${data.targets.length}, expected ${N} × ${C}`);
    }
    for (let i = 0; i < N; i++) {
      let sum = 0;
      for (let k = 0; k < C; k++) {
        const q = data.targets[i * C + k];
        if (!(q >= 0 && q <= 1)) throw new RangeError(`target ${k} of sample ${i} is ${q}`);
        sum += q;
      }
      if (Math.abs(sum - 1) > 1e-6) {
        throw new RangeError(`targets of sample ${i} sum to ${sum}, not 1`);
      }
    }
  }
  if (data.sampleWeights) {
    if (data.sampleWeights.length !== N) {
      throw new RangeError(`sampleWeights has length ${data.sampleWeights.length}, expected ${N}`);
    }
    for (let i = 0; i < N; i++) {
      const w = data.sampleWeights[i];
      if (!(w >= 0 && Number.isFinite(w))) {
        throw new RangeError(`sample weight ${i} is ${w}, not a finite non-negative number`);
      }
    }
  }
}
