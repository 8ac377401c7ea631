/**
 * Arrange and assert steps every aggregator spec shares: loading a fixture dataset, the promise
 * that results do not depend on the order of responses nor change the input (DESIGN.md promise
 * 6), and the accuracy floors against gold on the fixture datasets.
 */
import { join } from 'node:path';

import type {
  AggregationResult,
  ResponseMatrix,
} from '../../../src/modules/aggregation/algorithms/response-matrix';
import { copyMatrix, maxAbsDifference, shuffled } from '../../fixtures/aggregation/toy-datasets';
import {
  goldAccuracy,
  LoadDatasetOptions,
  LoadedDataset,
  loadDataset,
} from '../../helpers/load-dataset';

const DATASETS = join(__dirname, '../../fixtures/datasets');

/** A dataset of test/fixtures/datasets by folder name (bluebirds, rte, s4_dog, …). */
export function fixtureDataset(name: string, options?: LoadDatasetOptions): LoadedDataset {
  return loadDataset(join(DATASETS, name), options);
}

/**
 * Runs `aggregate` on `matrix` and on a copy whose responses `seed` shuffled: the labels must be
 * equal, the probabilities equal to 1e-12, and `matrix` unchanged. Returns both results, in that
 * order, for checks of the method's own parameters.
 */
export function expectPureAndOrderFree<T extends AggregationResult>(
  aggregate: (m: ResponseMatrix) => T,
  matrix: ResponseMatrix,
  seed: number,
): [T, T] {
  const before = copyMatrix(matrix);
  const inOrder = aggregate(matrix);
  const reordered = aggregate(shuffled(matrix, seed));
  expect([...reordered.labels]).toEqual([...inOrder.labels]);
  expect(maxAbsDifference(inOrder.probabilities, reordered.probabilities)).toBeLessThanOrEqual(
    1e-12,
  );
  expect(matrix).toEqual(before);
  return [inOrder, reordered];
}

/** One test per `[dataset, floor]`: `aggregate`'s accuracy on the dataset's gold is ≥ floor. */
export function itReachesGoldAccuracy(
  aggregate: (m: ResponseMatrix) => AggregationResult,
  floors: Array<[string, number]>,
): void {
  it.each(floors)('reaches the accuracy floor on %s (≥ %f)', (name, floor) => {
    const { matrix, gold } = fixtureDataset(name);
    expect(goldAccuracy(aggregate(matrix).labels, gold)).toBeGreaterThanOrEqual(floor);
  });
}
