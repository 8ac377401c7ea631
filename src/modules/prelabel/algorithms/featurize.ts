/**
 * One entry point for every built-in featurizer: `createFeaturizer(spec)` compiles a spec once
 * (field path split, scratch buffers sized) and featurizes rows or whole batches into a
 * caller-provided row-major Float32Array, the layout the ONNX input tensor takes as is.
 *
 *   out[i·D + j] = feature j of payload i        (N × D, float32)
 *
 * A batch of any size allocates nothing per row; skipped rows are all zeros and listed in the
 * result, so the caller stores predictions only for featurized rows.
 */
import {
  FeaturizerSpec,
  FeaturizerSpecInput,
  parseFeaturizerSpec,
  parseFieldPath,
} from './featurizer-spec';
import { createTextWorkspace, featurizeHashedText } from './hashed-text-featurizer';
import { featurizeNumericVector } from './numeric-vector-featurizer';
import { RowOutcome, SkipReason } from './row-outcome';

/** A skipped row of a batch. */
export interface BatchSkip {
  /** Index of the payload in the batch. */
  readonly row: number;
  readonly reason: SkipReason;
  readonly message: string;
}

/** What `featurizeBatch` did. */
export interface FeaturizeBatchResult {
  /** Rows written with features (batch size minus skipped). */
  readonly featurized: number;
  /** Skipped rows in row order; their slots in `out` are all zeros. */
  readonly skipped: readonly BatchSkip[];
}

/**
 * A compiled featurizer. It holds only scratch buffers: its output depends on nothing but the
 * spec and the payload. Not re-entrant (share one per thread, as JavaScript code is anyway).
 */
export interface Featurizer {
  /** The complete spec (defaults filled in). */
  readonly spec: FeaturizerSpec;
  /** Row width D, the model's input width. */
  readonly dimension: number;
  /** Overwrites `out[offset, offset + D)` with the features of `payload`, or zeros and a skip. */
  featurizeInto(payload: unknown, out: Float32Array, offset: number): RowOutcome;
  /**
   * Featurizes `payloads[i]` into row i of `out` (length ≥ payloads.length × D). Throws a
   * RangeError when `out` is too short: that is a caller bug, not a data problem.
   */
  featurizeBatch(payloads: readonly unknown[], out: Float32Array): FeaturizeBatchResult;
}

/**
 * Compiles a featurizer from a spec: a `FeaturizerSpecInput`, or untrusted JSON (user input,
 * stored metadata), validated with `parseFeaturizerSpec` either way.
 *
 * @example
 * const featurizer = createFeaturizer({ kind: 'hashed-text', field: 'text', dimension: 1024 });
 * const features = new Float32Array(payloads.length * featurizer.dimension);
 * const { skipped } = featurizer.featurizeBatch(payloads, features);
 */
export function createFeaturizer(input: FeaturizerSpecInput | unknown): Featurizer {
  const spec = parseFeaturizerSpec(input);
  const path = parseFieldPath(spec.field);
  const D = spec.dimension;
  let featurizeInto: Featurizer['featurizeInto'];
  if (spec.kind === 'numeric-vector') {
    featurizeInto = (payload, out, offset) =>
      featurizeNumericVector(spec, path, payload, out, offset);
  } else {
    const workspace = createTextWorkspace();
    featurizeInto = (payload, out, offset) =>
      featurizeHashedText(spec, path, payload, out, offset, workspace);
  }
  return {
    spec,
    dimension: D,
    featurizeInto(payload, out, offset) {
      if (!Number.isInteger(offset) || offset < 0 || offset + D > out.length) {
        throw new RangeError(`row at offset ${offset} does not fit an output of ${out.length}`);
      }
      return featurizeInto(payload, out, offset);
    },
    featurizeBatch(payloads, out) {
      if (out.length < payloads.length * D) {
        throw new RangeError(
          `output holds ${out.length} floats, ${payloads.length} rows of ${D} need ${payloads.length * D}`,
        );
      }
      const skipped: BatchSkip[] = [];
      for (let i = 0; i < payloads.length; i++) {
        const outcome = featurizeInto(payloads[i], out, i * D);
        if (!outcome.ok) skipped.push({ row: i, reason: outcome.reason, message: outcome.message });
      }
      return { featurized: payloads.length - skipped.length, skipped };
    },
  };
}
