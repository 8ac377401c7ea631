/**
 * Exports a softmax regression to ONNX, built in Node with onnx-proto (nothing downloaded, no
 * Python). The graph is the model's definition, nothing more:
 *
 *   features  float32 [N, D]  ──MatMul(weights [D, C])──Add(bias [C])──Softmax(axis = 1)──▶
 *   probabilities  float32 [N, C]
 *
 * IR version 8, default-domain opset 17, parameters as little-endian float32 `raw_data`
 * initializers (the model's own float32 arrays, so onnxruntime computes the same function as
 * `predictProbabilities`). N is the symbolic dimension "N". The model carries Quorum metadata
 * (`metadata_props`), read back by `readQuorumModelMetadata`, so a model file alone says how to
 * featurize its input and which label each output column is:
 *
 *   quorum.format       "quorum-prelabel/1"
 *   quorum.featurizer   the complete featurizer spec, JSON
 *   quorum.labels       the label keys of output columns 0…C−1, JSON array
 *   quorum.version      the model version name
 *   quorum.model        "logistic-regression"
 *   quorum.<key>        any `extraMetadata` (e.g. the training report)
 */
import { onnx } from 'onnx-proto';

import {
  FeaturizerSpec,
  FeaturizerSpecInput,
  parseFeaturizerSpec,
} from './algorithms/featurizer-spec';
import type { LogisticRegressionModel } from './algorithms/logistic-regression';
import { ModelCorruptError } from './prelabel.errors';

/** Name of the graph input. */
export const ONNX_INPUT_NAME = 'features';
/** Name of the graph output. */
export const ONNX_OUTPUT_NAME = 'probabilities';
/** Value of `quorum.format` in models this version of Quorum writes. */
export const QUORUM_ONNX_FORMAT = 'quorum-prelabel/1';

const IR_VERSION = 8;
const OPSET_VERSION = 17;
const METADATA_PREFIX = 'quorum.';

/** What the exported file says about itself. */
export interface QuorumModelMetadata {
  /** How payloads become the model input; its dimension equals the model's D. */
  readonly featurizer: FeaturizerSpec;
  /** Label key of each output column, in column order; length equals the model's C. */
  readonly labelKeys: readonly string[];
  /** The version name the model is registered under. */
  readonly version: string;
  /** Further `quorum.*` entries, without the prefix (strings only). */
  readonly extraMetadata?: Readonly<Record<string, string>>;
}

/** What `exportLogisticRegressionToOnnx` writes into the file; the featurizer may omit defaults. */
export interface OnnxExportMetadata extends Omit<QuorumModelMetadata, 'featurizer'> {
  readonly featurizer: FeaturizerSpecInput;
}

/**
 * Serialises `model` as an ONNX file (bytes). Throws a RangeError when the featurizer dimension
 * differs from the model's input width, when the label keys do not match its classes (count or
 * duplicates), or when a parameter is not finite.
 *
 * @example const bytes = exportLogisticRegressionToOnnx(model, { featurizer, labelKeys: ['cat', 'dog'], version: 'v3' });
 */
export function exportLogisticRegressionToOnnx(
  model: LogisticRegressionModel,
  metadata: OnnxExportMetadata,
): Uint8Array {
  const { nFeatures: D, nClasses: C } = model;
  const featurizer = parseFeaturizerSpec(metadata.featurizer);
  if (featurizer.dimension !== D) {
    throw new RangeError(`featurizer dimension ${featurizer.dimension} ≠ model input width ${D}`);
  }
  if (metadata.labelKeys.length !== C || new Set(metadata.labelKeys).size !== C) {
    throw new RangeError(
      `need ${C} distinct label keys, got ${JSON.stringify(metadata.labelKeys)}`,
    );
  }
  if (C < 1 || D < 1) throw new RangeError('a model needs at least one feature and one class');
  if (model.weights.length !== D * C || model.bias.length !== C) {
    throw new RangeError('model weights or bias have the wrong length');
  }
  for (const array of [model.weights, model.bias]) {
    if (!array.every(Number.isFinite)) throw new RangeError('model parameters must be finite');
  }

  const props: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.extraMetadata ?? {})) props[key] = value;
  Object.assign(props, {
    format: QUORUM_ONNX_FORMAT,
    featurizer: JSON.stringify(featurizer),
    labels: JSON.stringify(metadata.labelKeys),
    version: metadata.version,
    model: 'logistic-regression',
  });

  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
    producerName: 'quorum',
    docString: `Quorum pre-label model ${metadata.version}: softmax(features · weights + bias)`,
    metadataProps: Object.entries(props).map(([key, value]) => ({
      key: METADATA_PREFIX + key,
      value,
    })),
    graph: {
      name: 'quorum_logistic_regression',
      node: [
        { opType: 'MatMul', input: [ONNX_INPUT_NAME, 'weights'], output: ['logits_raw'] },
        { opType: 'Add', input: ['logits_raw', 'bias'], output: ['logits'] },
        {
          opType: 'Softmax',
          input: ['logits'],
          output: [ONNX_OUTPUT_NAME],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
        },
      ],
      initializer: [
        float32Initializer('weights', [D, C], model.weights),
        float32Initializer('bias', [C], model.bias),
      ],
      input: [float32ValueInfo(ONNX_INPUT_NAME, ['N', D])],
      output: [float32ValueInfo(ONNX_OUTPUT_NAME, ['N', C])],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}

/**
 * The Quorum metadata of an ONNX file, or null when the file was not written by Quorum (no
 * `quorum.format`). Throws `ModelCorruptError` when the bytes are not an ONNX protobuf or the
 * Quorum entries are malformed. Reads the protobuf only; it does not load onnxruntime.
 */
export function readQuorumModelMetadata(bytes: Uint8Array): QuorumModelMetadata | null {
  let proto: onnx.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelCorruptError('not an ONNX protobuf', error);
  }
  const props = new Map<string, string>();
  for (const { key, value } of proto.metadataProps) {
    if (key?.startsWith(METADATA_PREFIX)) props.set(key.slice(METADATA_PREFIX.length), value ?? '');
  }
  const format = props.get('format');
  if (format === undefined) return null;
  if (format !== QUORUM_ONNX_FORMAT) {
    throw new ModelCorruptError(`unknown Quorum model format ${JSON.stringify(format)}`);
  }
  let featurizer: FeaturizerSpec;
  let labelKeys: unknown;
  try {
    featurizer = parseFeaturizerSpec(JSON.parse(props.get('featurizer') ?? 'null'));
    labelKeys = JSON.parse(props.get('labels') ?? 'null');
  } catch (error) {
    throw new ModelCorruptError('malformed Quorum metadata', error);
  }
  if (!Array.isArray(labelKeys) || !labelKeys.every(key => typeof key === 'string')) {
    throw new ModelCorruptError('quorum.labels is not an array of strings');
  }
  const extraMetadata: Record<string, string> = {};
  for (const [key, value] of props) {
    if (!['format', 'featurizer', 'labels', 'version', 'model'].includes(key)) {
      extraMetadata[key] = value;
    }
  }
  return {
    featurizer,
    labelKeys: labelKeys as string[],
    version: props.get('version') ?? '',
    extraMetadata,
  };
}

function float32Initializer(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  // ONNX raw_data is little-endian whatever the host; DataView makes that explicit.
  const rawData = new Uint8Array(values.length * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData };
}

function float32ValueInfo(name: string, shape: Array<number | string>): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: shape.map(d => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}
