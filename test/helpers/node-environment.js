// Jest runs each test file in its own vm realm, so a Float32Array made in a test is not an
// instance of the outer realm's Float32Array. onnxruntime-node checks `instanceof` against the
// outer realm and rejects such tensors (STACK-NOTES.md): share the outer constructors.
const { TestEnvironment } = require('jest-environment-node');

const TYPED_ARRAYS = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'ArrayBuffer',
];

class QuorumNodeEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of TYPED_ARRAYS) this.global[name] = globalThis[name];
  }
}

module.exports = QuorumNodeEnvironment;
