import { onnx } from 'onnx-proto';

/** Shape entries: a number is a fixed dimension, a string a symbolic one. */
type Shape = Array<number | string>;

/** Knobs for deliberately wrong models; the defaults give a valid X[N,D]·W + b → Softmax model. */
export interface TestModelOptions {
  readonly nFeatures: number;
  readonly nClasses: number;
  readonly inputShape?: Shape;
  readonly outputShape?: Shape;
  readonly inputType?: number;
  readonly softmax?: boolean;
  readonly extraInput?: boolean;
}

/**
 * Builds an ONNX model by hand with onnx-proto, independently of `exportLogisticRegressionToOnnx`,
 * so tests can declare shapes and types the exporter would never write. Weights are
 * w[j][k] = (j − k) / 4, bias zero.
 */
export function buildTestModel(options: TestModelOptions): Uint8Array {
  const { nFeatures: D, nClasses: C } = options;
  const weights = new Float32Array(D * C);
  for (let j = 0; j < D; j++) for (let k = 0; k < C; k++) weights[j * C + k] = (j - k) / 4;
  const float = onnx.TensorProto.DataType.FLOAT;
  const valueInfo = (name: string, elemType: number, shape: Shape): onnx.IValueInfoProto => ({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map(d => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
  // Adapters keep odd inputs valid ONNX (so they load, and the shape check is what rejects them):
  // a Cast for a non-float input, a Flatten for a rank-3 input.
  const nodes: onnx.INodeProto[] = [];
  let x = 'x';
  if (options.inputType !== undefined && options.inputType !== float) {
    nodes.push({
      opType: 'Cast',
      input: [x],
      output: ['x_float'],
      attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: float }],
    });
    x = 'x_float';
  }
  if (options.inputShape?.length === 3) {
    nodes.push({
      opType: 'Flatten',
      input: [x],
      output: ['x_flat'],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    });
    x = 'x_flat';
  }
  nodes.push({
    opType: 'MatMul',
    input: [x, 'w'],
    output: [options.softmax === false ? 'y' : 'z'],
  });
  if (options.softmax !== false) {
    nodes.push({
      opType: 'Softmax',
      input: ['z'],
      output: ['y'],
      attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
    });
  }
  const inputs = [valueInfo('x', options.inputType ?? float, options.inputShape ?? ['N', D])];
  if (options.extraInput) inputs.push(valueInfo('mask', float, ['N', 1]));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'quorum-tests',
    graph: {
      name: 'test_model',
      node: nodes,
      initializer: [{ name: 'w', dims: [D, C], dataType: float, floatData: [...weights] }],
      input: inputs,
      output: [valueInfo('y', float, options.outputShape ?? ['N', C])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
