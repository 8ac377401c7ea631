/**
 * An ONNX classifier loaded in onnxruntime-node, validated against what the product will feed
 * it and read from it. This is the only file that imports onnxruntime-node: nothing else loads
 * the native binary (about 100 ms and 288 MB on disk) unless it asks for a model.
 *
 * Validation on load, in order, each failure a typed error (prelabel.errors.ts):
 *   1. size ≤ maxBytes (default 64 MiB)                       else MODEL_TOO_LARGE (nothing parsed)
 *   2. onnxruntime parses and initialises it                  else MODEL_CORRUPT
 *   3. exactly one input, a float32 tensor [N, D]: N dynamic (symbolic or unknown), D equal to the
 *      featurizer dimension when the model declares it      else MODEL_INPUT_MISMATCH
 *   4. one output (or the named one), a float32 tensor [N, C], C equal to the number of labels
 *      when the model declares it                             else MODEL_OUTPUT_MISMATCH
 *   5. it runs on one example of shape [1, D] (all zeros unless a sample row is given): a
 *      failure here is how an undeclared D shows            else MODEL_RUN_FAILED
 *   6. that output has exactly C values, each in [0, 1], summing to 1 ± probabilityTolerance
 *                                                   else MODEL_OUTPUT_MISMATCH / MODEL_OUTPUT_INVALID
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';

import {
  ModelCorruptError,
  ModelInputMismatchError,
  ModelOutputInvalidError,
  ModelOutputMismatchError,
  ModelRunFailedError,
  ModelTooLargeError,
} from '../prelabel.errors';

/**
 * Largest model accepted by default: 64 MiB. A logistic regression over 2¹⁶ hashed features and
 * 100 labels is 26 MB; anything much larger is not a pre-label model this server should hold in
 * memory per project. Override with `maxBytes`.
 */
export const DEFAULT_MAX_MODEL_BYTES = 64 * 1024 * 1024;

/** What the product needs the model to accept and return. */
export interface OnnxModelExpectation {
  /** D: the featurizer dimension, the width of each input row. */
  readonly nFeatures: number;
  /** C: the number of labels, the width of each output row. */
  readonly nLabels: number;
}

/** Options of `OnnxModel.load`. */
export interface OnnxModelOptions {
  /** Default `DEFAULT_MAX_MODEL_BYTES`. */
  readonly maxBytes?: number;
  /** Intra-op threads of the session. Default 1: pre-labeling runs beside the API and the DB. */
  readonly threads?: number;
  /** Output to read when the model has several; default its only output. */
  readonly outputName?: string;
  /** One featurized row (length D) for the trial run; default all zeros. */
  readonly sampleRow?: Float32Array;
  /** Allowed |Σ row − 1| of the trial output; default 1e-3. */
  readonly probabilityTolerance?: number;
}

/**
 * A loaded, validated classifier: float32 rows of D features in, float32 rows of C label
 * probabilities out. Create with `OnnxModel.load`, release with `dispose`.
 *
 * @example
 * const model = await OnnxModel.load(bytes, { nFeatures: 1024, nLabels: 3 });
 * try { const probabilities = await model.predict(features, rows); } finally { await model.dispose(); }
 */
export class OnnxModel {
  private disposed = false;

  private constructor(
    private readonly session: InferenceSession,
    /** Name of the graph input fed with the features. */
    readonly inputName: string,
    /** Name of the graph output read as probabilities. */
    readonly outputName: string,
    /** D. */
    readonly nFeatures: number,
    /** C. */
    readonly nLabels: number,
    /** Size of the model file. */
    readonly sizeBytes: number,
  ) {}

  /**
   * Loads and validates a model (see the file header for the checks and their errors). Nothing
   * is kept when validation fails: the session is released before the error is thrown.
   */
  static async load(
    bytes: Uint8Array,
    expected: OnnxModelExpectation,
    options: OnnxModelOptions = {},
  ): Promise<OnnxModel> {
    const { nFeatures: D, nLabels: C } = expected;
    if (!(Number.isInteger(D) && D >= 1) || !(Number.isInteger(C) && C >= 1)) {
      throw new RangeError(`expected nFeatures and nLabels ≥ 1, got ${D} and ${C}`);
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_MODEL_BYTES;
    if (bytes.length > maxBytes) throw new ModelTooLargeError(bytes.length, maxBytes);
    if (bytes.length === 0) throw new ModelCorruptError('the model file is empty');

    let session: InferenceSession;
    try {
      session = await InferenceSession.create(bytes, {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw new ModelCorruptError(runtimeMessage(error), error);
    }

    try {
      const inputName = checkInput(session, D);
      const outputName = checkOutput(session, C, options.outputName);
      const model = new OnnxModel(session, inputName, outputName, D, C, bytes.length);
      await model.checkTrialRun(options.sampleRow, options.probabilityTolerance ?? 1e-3);
      return model;
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Probabilities of the first `n` rows of `features` (row-major n × D), as a new n × C
   * Float32Array. Throws a RangeError when `features` is too short, `ModelRunFailedError` when
   * the runtime fails, `ModelOutputMismatchError` / `ModelOutputInvalidError` when the output
   * has the wrong size or non-finite values.
   */
  async predict(features: Float32Array, n: number): Promise<Float32Array> {
    if (this.disposed) throw new Error('OnnxModel.predict after dispose');
    const D = this.nFeatures;
    if (!(Number.isInteger(n) && n >= 0) || features.length < n * D) {
      throw new RangeError(`features hold ${features.length} floats, not ${n} rows of ${D}`);
    }
    if (n === 0) return new Float32Array(0);
    const input = features.length === n * D ? features : features.subarray(0, n * D);
    let output: Float32Array;
    try {
      const results = await this.session.run({
        [this.inputName]: new Tensor('float32', input, [n, D]),
      });
      output = results[this.outputName].data as Float32Array;
    } catch (error) {
      throw new ModelRunFailedError(`The model failed to run: ${runtimeMessage(error)}`, error);
    }
    if (output.length !== n * this.nLabels) {
      throw new ModelOutputMismatchError(
        `The model returned ${output.length} values for ${n} rows, expected ${n} × ${this.nLabels}`,
        { expectedLabels: this.nLabels, actualValues: output.length, rows: n },
      );
    }
    for (let p = 0; p < output.length; p++) {
      if (!Number.isFinite(output[p])) {
        throw new ModelOutputInvalidError(
          `The model returned a non-finite probability for row ${Math.floor(p / this.nLabels)}`,
        );
      }
    }
    return output;
  }

  /** Releases the native session. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }

  private async checkTrialRun(sampleRow: Float32Array | undefined, tolerance: number) {
    const D = this.nFeatures;
    const C = this.nLabels;
    if (sampleRow !== undefined && sampleRow.length !== D) {
      throw new RangeError(`sampleRow has ${sampleRow.length} values, expected ${D}`);
    }
    let output: Float32Array;
    try {
      const results = await this.session.run({
        [this.inputName]: new Tensor('float32', sampleRow ?? new Float32Array(D), [1, D]),
      });
      const tensor = results[this.outputName];
      if (tensor.type !== 'float32') {
        throw new ModelOutputMismatchError(`The model output is ${tensor.type}, not float32`);
      }
      output = tensor.data as Float32Array;
    } catch (error) {
      if (error instanceof ModelOutputMismatchError) throw error;
      throw new ModelRunFailedError(
        `The model failed on one input row of ${D} features: ${runtimeMessage(error)}`,
        error,
      );
    }
    if (output.length !== C) {
      throw new ModelOutputMismatchError(
        `The model returns ${output.length} values per row, the label schema has ${C} labels`,
        { expectedLabels: C, actualLabels: output.length },
      );
    }
    let sum = 0;
    for (const p of output) {
      if (!(p >= 0 && p <= 1)) {
        throw new ModelOutputInvalidError(`The model output ${p} is not a probability`, {
          value: p,
        });
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > tolerance) {
      throw new ModelOutputInvalidError(
        `The model's probabilities sum to ${sum}, not 1 (is a Softmax missing?)`,
        { sum },
      );
    }
  }
}

function checkInput(session: InferenceSession, D: number): string {
  if (session.inputNames.length !== 1) {
    throw new ModelInputMismatchError(
      `The model has ${session.inputNames.length} inputs, expected one features tensor`,
      { inputs: [...session.inputNames] },
    );
  }
  const input = session.inputMetadata[0];
  if (!input.isTensor || input.type !== 'float32') {
    throw new ModelInputMismatchError(
      `The model input ${input.name} is ${input.isTensor ? input.type : 'not a tensor'}, expected float32`,
    );
  }
  const shape = input.shape;
  if (shape.length !== 0) {
    if (shape.length !== 2) {
      throw new ModelInputMismatchError(
        `The model input has shape [${shape.join(', ')}], expected [N, ${D}]`,
        { shape: [...shape] },
      );
    }
    if (!isDynamic(shape[0])) {
      throw new ModelInputMismatchError(
        `The model input has a fixed batch size ${shape[0]}; export it with a dynamic first dimension`,
        { shape: [...shape] },
      );
    }
    if (typeof shape[1] === 'number' && shape[1] >= 0 && shape[1] !== D) {
      throw new ModelInputMismatchError(
        `The model expects ${shape[1]} features per row, the featurizer produces ${D}`,
        { modelFeatures: shape[1], featurizerDimension: D },
      );
    }
  }
  return input.name;
}

function checkOutput(session: InferenceSession, C: number, requested: string | undefined): string {
  const names = session.outputNames;
  const name = requested ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined || !names.includes(name)) {
    throw new ModelOutputMismatchError(
      requested === undefined
        ? `The model has ${names.length} outputs; name the probabilities output`
        : `The model has no output named ${requested}`,
      { outputs: [...names] },
    );
  }
  const output = session.outputMetadata[names.indexOf(name)];
  if (!output.isTensor || output.type !== 'float32') {
    throw new ModelOutputMismatchError(
      `The model output ${name} is ${output.isTensor ? output.type : 'not a tensor'}, expected float32 probabilities`,
    );
  }
  const shape = output.shape;
  if (shape.length !== 0) {
    if (shape.length !== 2) {
      throw new ModelOutputMismatchError(
        `The model output has shape [${shape.join(', ')}], expected [N, ${C}]`,
        { shape: [...shape] },
      );
    }
    if (typeof shape[1] === 'number' && shape[1] >= 0 && shape[1] !== C) {
      throw new ModelOutputMismatchError(
        `The model returns ${shape[1]} values per row, the label schema has ${C} labels`,
        { expectedLabels: C, actualLabels: shape[1] },
      );
    }
  }
  return name;
}

/** A dimension the caller may choose: symbolic ("N", "batch") or unknown (−1). */
function isDynamic(dimension: number | string): boolean {
  return typeof dimension === 'string' || dimension < 0;
}

function runtimeMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
