/**
 * One pre-label batch: featurize the payloads, drop the rows that were skipped, run the model on
 * the rest. Shared by the worker thread (inference.worker.ts) and any caller that runs a model on
 * its own thread. Times each half, so the job and the benchmark can say where time goes.
 */
import { BatchSkip, Featurizer } from './algorithms/featurize';
import { ModelInputMismatchError } from './prelabel.errors';

/** The part of `OnnxModel` a batch needs (tests may pass a fake). */
export interface BatchModel {
  readonly nFeatures: number;
  readonly nLabels: number;
  predict(features: Float32Array, n: number): Promise<Float32Array>;
}

/** Probabilities of the featurized rows of a batch. */
export interface PrelabelBatchResult {
  /** Batch indexes of the featurized payloads, ascending. */
  readonly rows: Int32Array;
  /** rows.length × C: row r holds the label probabilities of payload `rows[r]`. */
  readonly probabilities: Float32Array;
  /** Payloads that could not be featurized (missing field, ...), in batch order. */
  readonly skipped: readonly BatchSkip[];
  /** Wall time of featurizing, in milliseconds. */
  readonly featurizeMs: number;
  /** Wall time of the model call, in milliseconds. */
  readonly inferenceMs: number;
}

/**
 * Featurizes `payloads` and predicts the featurized ones. Throws `ModelInputMismatchError` when
 * the featurizer and the model disagree on D, and whatever `model.predict` throws.
 *
 * @example const { rows, probabilities, skipped } = await prelabelBatch(featurizer, model, payloads);
 */
export async function prelabelBatch(
  featurizer: Featurizer,
  model: BatchModel,
  payloads: readonly unknown[],
): Promise<PrelabelBatchResult> {
  const D = featurizer.dimension;
  if (D !== model.nFeatures) {
    throw new ModelInputMismatchError(
      `The model expects ${model.nFeatures} features per row, the featurizer produces ${D}`,
      { modelFeatures: model.nFeatures, featurizerDimension: D },
    );
  }
  const featurizeStart = performance.now();
  const features = new Float32Array(payloads.length * D);
  const { skipped } = featurizer.featurizeBatch(payloads, features);
  const rows = new Int32Array(payloads.length - skipped.length);
  // Compact the featurized rows to the front in place, so the model sees only real rows.
  let next = 0;
  let skipIndex = 0;
  for (let i = 0; i < payloads.length; i++) {
    if (skipIndex < skipped.length && skipped[skipIndex].row === i) {
      skipIndex++;
      continue;
    }
    if (next !== i) features.copyWithin(next * D, i * D, (i + 1) * D);
    rows[next++] = i;
  }
  const inferenceStart = performance.now();
  const probabilities = await model.predict(features, rows.length);
  const end = performance.now();
  return {
    rows,
    probabilities,
    skipped,
    featurizeMs: inferenceStart - featurizeStart,
    inferenceMs: end - inferenceStart,
  };
}
