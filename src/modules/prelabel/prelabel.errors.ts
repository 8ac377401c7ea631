/**
 * Errors of model loading and validation. Plain `Error` subclasses with a stable `code`: this
 * module knows nothing of GraphQL, and the product maps each code to an `AppError` (the codes are
 * meant to be used as GraphQL `extensions.code` as they are). Importing this file never loads
 * onnxruntime-node.
 */

/** Every code a pre-label model error carries. */
export type PrelabelModelErrorCode =
  /** The bytes are not a loadable ONNX model. */
  | 'MODEL_CORRUPT'
  /** The model is larger than the configured limit. */
  | 'MODEL_TOO_LARGE'
  /** The model input is not one float tensor [N, D] with D = the featurizer dimension. */
  | 'MODEL_INPUT_MISMATCH'
  /** The model output is not one float tensor [N, C] with C = the number of labels. */
  | 'MODEL_OUTPUT_MISMATCH'
  /** The model ran but produced values that are not probabilities (negative, NaN, rows ≠ 1). */
  | 'MODEL_OUTPUT_INVALID'
  /** The model failed to run on an input of the declared shape. */
  | 'MODEL_RUN_FAILED';

/** Base of every pre-label model error; `details` are safe to show to the model's owner. */
export class PrelabelModelError extends Error {
  constructor(
    message: string,
    readonly code: PrelabelModelErrorCode,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
  }
}

/** The bytes are not a loadable ONNX model; `cause` holds the runtime's message. */
export class ModelCorruptError extends PrelabelModelError {
  constructor(reason: string, cause?: unknown) {
    super(`The model could not be loaded: ${reason}`, 'MODEL_CORRUPT', { reason }, { cause });
  }
}

/** The model exceeds `limitBytes`. */
export class ModelTooLargeError extends PrelabelModelError {
  constructor(sizeBytes: number, limitBytes: number) {
    super(
      `The model is ${sizeBytes} bytes, more than the limit of ${limitBytes}`,
      'MODEL_TOO_LARGE',
      { sizeBytes, limitBytes },
    );
  }
}

/** The model's input does not fit the featurizer. */
export class ModelInputMismatchError extends PrelabelModelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'MODEL_INPUT_MISMATCH', details);
  }
}

/** The model's output does not fit the label schema. */
export class ModelOutputMismatchError extends PrelabelModelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'MODEL_OUTPUT_MISMATCH', details);
  }
}

/** The model's output values are not probability rows. */
export class ModelOutputInvalidError extends PrelabelModelError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, 'MODEL_OUTPUT_INVALID', details);
  }
}

/** The model failed while running; `cause` holds the runtime's error. */
export class ModelRunFailedError extends PrelabelModelError {
  constructor(message: string, cause?: unknown) {
    super(message, 'MODEL_RUN_FAILED', {}, { cause });
  }
}
