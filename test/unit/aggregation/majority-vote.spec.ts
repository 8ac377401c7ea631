import {
  agreementCounts,
  goldAccuracyWeights,
  majorityVote,
} from '../../../src/modules/aggregation/algorithms/majority-vote';
import {
  matrixOf,
  maxAbsDifference,
  toyBinary,
  votes,
} from '../../fixtures/aggregation/toy-datasets';
import { goldAccuracy } from '../../helpers/load-dataset';

import { expectPureAndOrderFree, fixtureDataset, itReachesGoldAccuracy } from './aggregator-checks';

describe('majorityVote', () => {
  it('gives the hand-checked vote shares and labels on the toy dataset', () => {
    const sut = majorityVote(toyBinary.matrix());
    const shareOfOne = [0, 1, 2, 3, 4].map(t => sut.probabilities[t * 2 + 1]);
    expect(maxAbsDifference(shareOfOne, toyBinary.majorityShareOfOne)).toBeLessThan(1e-15);
    expect([...sut.labels]).toEqual(toyBinary.truth);
  });

  it('breaks ties toward the lowest label index', () => {
    const m = votes(3)`
      2 1 . .
      0 2 2 0
    `;
    expect([...majorityVote(m).labels]).toEqual([1, 0]);
  });

  it('weights votes by worker weight', () => {
    // Worker 2 alone outweighs workers 0 and 1 together.
    const m = votes(2)`
      0 0 1
    `;
    const sut = majorityVote(m, { workerWeights: Float64Array.from([1, 1, 3]) });
    expect([...sut.probabilities]).toEqual([0.4, 0.6]);
    expect(sut.labels[0]).toBe(1);
  });

  it('falls back to plain counts for a task whose voters all weigh 0', () => {
    const m = votes(2)`
      1 1 0 .
      . . . 0
    `;
    const sut = majorityVote(m, { workerWeights: Float64Array.from([0, 0, 0, 1]) });
    expect(maxAbsDifference(sut.probabilities, [1 / 3, 2 / 3, 1, 0])).toBeLessThan(1e-15);
    expect([...sut.labels]).toEqual([1, 0]);
  });

  it('does not depend on the order of responses and does not mutate its input', () => {
    expectPureAndOrderFree(majorityVote, fixtureDataset('s4_dog').matrix, 9);
  });

  it('returns empty results for empty input and -1 for tasks without answers', () => {
    const empty = majorityVote(matrixOf(2, 1, 3, []));
    expect([...empty.labels]).toEqual([-1, -1]);
    expect(empty.probabilities).toEqual(new Float64Array(6));
    const partial = majorityVote(matrixOf(2, 1, 2, [[1, 0, 1]]));
    expect([...partial.labels]).toEqual([-1, 1]);
  });

  it('rejects negative, non-finite or wrongly sized weights', () => {
    const m = matrixOf(1, 2, 2, [[0, 0, 1]]);
    expect(() => majorityVote(m, { workerWeights: Float64Array.from([1]) })).toThrow(RangeError);
    expect(() => majorityVote(m, { workerWeights: Float64Array.from([1, -1]) })).toThrow(
      RangeError,
    );
    expect(() => majorityVote(m, { workerWeights: Float64Array.from([NaN, 1]) })).toThrow(
      RangeError,
    );
    expect(() => majorityVote({ ...m, task: Int32Array.from([1]) })).toThrow(RangeError);
  });

  // crowd-kit MV on the same files: bluebirds 0.7593, rte 0.9187, s4_dog 0.8178.
  itReachesGoldAccuracy(majorityVote, [
    ['bluebirds', 0.759],
    ['rte', 0.918],
    ['s4_dog', 0.817],
  ]);
});

describe('goldAccuracyWeights', () => {
  it('is each worker’s accuracy on gold tasks; others get the pooled accuracy', () => {
    const m = toyBinary.matrix();
    // Gold on tasks 0 and 2 (true labels 0 and 1); workers answer: w0 0,1  w1 0,1  w2 0,0
    // w3 1,0  w4 1,1  → accuracies 1, 1, 0.5, 0, 0.5; pooled 6/10.
    const gold = Int32Array.from([0, -1, 1, -1, -1]);
    expect([...goldAccuracyWeights(m, gold)]).toEqual([1, 1, 0.5, 0, 0.5]);
    const withNewcomer = { ...m, nWorkers: 6 };
    expect(goldAccuracyWeights(withNewcomer, gold)[5]).toBeCloseTo(0.6, 15);
    expect(goldAccuracyWeights(withNewcomer, gold, { unknownWorkerWeight: 0.2 })[5]).toBe(0.2);
  });

  it('gives every worker weight 1 when there is no gold', () => {
    const m = toyBinary.matrix();
    expect([...goldAccuracyWeights(m, new Int32Array(5).fill(-1))]).toEqual([1, 1, 1, 1, 1]);
  });

  it('counts agreement per worker over tasks with a reference label', () => {
    const { correct, total } = agreementCounts(
      toyBinary.matrix(),
      Int32Array.from(toyBinary.truth),
    );
    expect([...correct]).toEqual([5, 5, 4, 0, 3]);
    expect([...total]).toEqual([5, 5, 5, 5, 5]);
  });

  it('makes a weighted vote that improves on plain majority vote on s4_dog', () => {
    const { matrix, gold } = fixtureDataset('s4_dog');
    // Learn weights from half of the gold tasks, score on the other half.
    const train = gold.map((g, t) => (t % 2 === 0 ? g : -1));
    const test = gold.map((g, t) => (t % 2 === 1 ? g : -1));
    const weighted = majorityVote(matrix, { workerWeights: goldAccuracyWeights(matrix, train) });
    expect(goldAccuracy(weighted.labels, test)).toBeGreaterThan(
      goldAccuracy(majorityVote(matrix).labels, test),
    );
  });
});
