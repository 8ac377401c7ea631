/**
 * Numeric vector featurizer: the payload already holds the model input, a JSON array of exactly
 * D finite numbers at `spec.field`. Values are copied as float32 (the ONNX input type), with no
 * scaling: a model that wants standardised inputs carries the scaling in its own graph.
 */
import { NumericVectorFeaturizerSpec, readFieldPath } from './featurizer-spec';
import { ROW_FEATURIZED, RowOutcome, rowSkip } from './row-outcome';

/**
 * Writes the vector at `spec.field` of `payload` into `out[offset, offset + D)`. A missing field,
 * a value that is not an array, an array of another length, or a non-finite entry is a skip, and
 * the row is left all zeros (never half-written).
 */
export function featurizeNumericVector(
  spec: NumericVectorFeaturizerSpec,
  path: readonly string[],
  payload: unknown,
  out: Float32Array,
  offset: number,
): RowOutcome {
  const D = spec.dimension;
  const value = readFieldPath(payload, path);
  if (value === undefined || value === null) {
    out.fill(0, offset, offset + D);
    return rowSkip('missing-field', `payload has no field ${spec.field}`);
  }
  if (!Array.isArray(value)) {
    out.fill(0, offset, offset + D);
    return rowSkip('wrong-type', `field ${spec.field} is not an array`);
  }
  if (value.length !== D) {
    out.fill(0, offset, offset + D);
    return rowSkip(
      'wrong-length',
      `field ${spec.field} has ${value.length} entries, the featurizer expects ${D}`,
    );
  }
  for (let j = 0; j < D; j++) {
    const x: unknown = value[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      out.fill(0, offset, offset + D);
      return rowSkip('not-finite', `field ${spec.field}[${j}] is not a finite number`);
    }
    out[offset + j] = x;
  }
  return ROW_FEATURIZED;
}
