/**
 * From a model's output columns to a task's label set. A model names its columns with label
 * keys (`labelKeys`, stored with the model); a task lists its labels in `labelSet` order, the
 * order aggregation uses. Every model column must be a label of the set (otherwise the model
 * would predict labels no answer can carry); labels the model does not know get probability 0,
 * so rows still sum to 1.
 *
 *   columns[l] = c   where labelKeys[c] = labelSet[l], or −1 when no column has that key
 *   out[i·L + l] = probabilities[i·C + columns[l]]   (0 when columns[l] = −1)
 */

/**
 * The model column of each label of `labelSet` (−1 for labels the model lacks). Throws a
 * RangeError naming the first model key missing from the label set, or a duplicated key.
 */
export function labelColumns(
  modelLabelKeys: readonly string[],
  labelSet: readonly string[],
): Int32Array {
  const position = new Map<string, number>();
  labelSet.forEach((label, l) => position.set(label, l));
  if (position.size !== labelSet.length) throw new RangeError('the label set has duplicates');
  const columns = new Int32Array(labelSet.length).fill(-1);
  modelLabelKeys.forEach((key, c) => {
    const l = position.get(key);
    if (l === undefined) {
      throw new RangeError(`model label ${JSON.stringify(key)} is not in the label set`);
    }
    if (columns[l] !== -1) throw new RangeError(`model label ${JSON.stringify(key)} is repeated`);
    columns[l] = c;
  });
  return columns;
}

/** `nRows` rows of model probabilities (N × C) in label-set order (N × L), as float64. */
export function toLabelSetOrder(
  probabilities: Float32Array | Float64Array,
  nRows: number,
  nModelLabels: number,
  columns: Int32Array,
): Float64Array {
  if (probabilities.length < nRows * nModelLabels) {
    throw new RangeError(`probabilities hold ${probabilities.length} values, not ${nRows} rows`);
  }
  const L = columns.length;
  const out = new Float64Array(nRows * L);
  for (let i = 0; i < nRows; i++) {
    for (let l = 0; l < L; l++) {
      const c = columns[l];
      if (c >= 0) out[i * L + l] = probabilities[i * nModelLabels + c];
    }
  }
  return out;
}
