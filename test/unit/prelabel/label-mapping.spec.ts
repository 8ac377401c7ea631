import {
  labelColumns,
  toLabelSetOrder,
} from '../../../src/modules/prelabel/algorithms/label-mapping';

describe('label mapping', () => {
  it('finds each label set entry’s model column, −1 for labels the model lacks', () => {
    expect([...labelColumns(['dog', 'cat'], ['cat', 'other', 'dog'])]).toEqual([1, -1, 0]);
  });

  it('reorders probability rows into label-set order with zeros for unknown labels', () => {
    const columns = labelColumns(['dog', 'cat'], ['cat', 'other', 'dog']);
    const rows = Float32Array.from([0.25, 0.75, 0.5, 0.5]);
    expect([...toLabelSetOrder(rows, 2, 2, columns)]).toEqual([0.75, 0, 0.25, 0.5, 0, 0.5]);
  });

  it('rejects a model label missing from the label set, and duplicates', () => {
    expect(() => labelColumns(['cat', 'bird'], ['cat', 'dog'])).toThrow(/"bird" is not in/);
    expect(() => labelColumns(['cat', 'cat'], ['cat', 'dog'])).toThrow(/repeated/);
    expect(() => labelColumns(['cat'], ['cat', 'cat'])).toThrow(/duplicates/);
  });
});
