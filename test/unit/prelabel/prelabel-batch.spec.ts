import { createFeaturizer } from '../../../src/modules/prelabel/algorithms/featurize';
import { BatchModel, prelabelBatch } from '../../../src/modules/prelabel/prelabel-batch';
import { PrelabelModelError } from '../../../src/modules/prelabel/prelabel.errors';

/** A fake model whose "probabilities" echo the first two features, recording what it was fed. */
function echoModel(nFeatures: number): BatchModel & { calls: Array<[Float32Array, number]> } {
  const calls: Array<[Float32Array, number]> = [];
  return {
    nFeatures,
    nLabels: 2,
    calls,
    async predict(features, n) {
      calls.push([features.slice(0, n * nFeatures), n]);
      const out = new Float32Array(n * 2);
      for (let i = 0; i < n; i++) {
        out[i * 2] = features[i * nFeatures];
        out[i * 2 + 1] = features[i * nFeatures + 1];
      }
      return out;
    },
  };
}

describe(prelabelBatch.name, () => {
  const featurizer = createFeaturizer({ kind: 'numeric-vector', field: 'v', dimension: 3 });

  it('feeds the model only featurized rows, compacted, and maps them back to batch indexes', async () => {
    const model = echoModel(3);
    const payloads = [{ v: [1, 2, 3] }, {}, { v: [4, 5, 6] }, { v: [1] }, { v: [7, 8, 9] }];
    const result = await prelabelBatch(featurizer, model, payloads);
    expect([...result.rows]).toEqual([0, 2, 4]);
    expect(model.calls).toHaveLength(1);
    expect([...model.calls[0][0]]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(model.calls[0][1]).toBe(3);
    expect([...result.probabilities]).toEqual([1, 2, 4, 5, 7, 8]);
    expect(result.skipped.map(s => [s.row, s.reason])).toEqual([
      [1, 'missing-field'],
      [3, 'wrong-length'],
    ]);
    expect(result.featurizeMs).toBeGreaterThanOrEqual(0);
    expect(result.inferenceMs).toBeGreaterThanOrEqual(0);
  });

  it('calls the model with zero rows when every payload is skipped', async () => {
    const model = echoModel(3);
    const result = await prelabelBatch(featurizer, model, [{}, { v: 'x' }]);
    expect(result.rows).toHaveLength(0);
    expect(result.probabilities).toHaveLength(0);
    expect(result.skipped).toHaveLength(2);
  });

  it('refuses a featurizer whose dimension differs from the model input', async () => {
    const error = await prelabelBatch(featurizer, echoModel(4), [{ v: [1, 2, 3] }]).catch(e => e);
    expect(error).toBeInstanceOf(PrelabelModelError);
    expect(error.code).toBe('MODEL_INPUT_MISMATCH');
  });
});
