import { oneCoinDawidSkene } from '../../../src/modules/aggregation/algorithms/one-coin-dawid-skene';
import { referenceDawidSkene } from '../../fixtures/aggregation/reference-dawid-skene';
import {
  matrixOf,
  maxAbsDifference,
  toyBinary,
  votes,
} from '../../fixtures/aggregation/toy-datasets';

import { expectPureAndOrderFree, fixtureDataset, itReachesGoldAccuracy } from './aggregator-checks';

describe('oneCoinDawidSkene', () => {
  it('matches an independent plain implementation iteration by iteration', () => {
    const { matrix } = fixtureDataset('s4_dog');
    for (const iterations of [1, 4]) {
      const reference = referenceDawidSkene(matrix, { iterations, oneCoin: true });
      const sut = oneCoinDawidSkene(matrix, { maxIterations: iterations, tolerance: -Infinity });
      expect(maxAbsDifference(sut.skills, reference.skills)).toBeLessThan(1e-12);
      expect(maxAbsDifference(sut.priors, reference.priors)).toBeLessThan(1e-12);
      expect(maxAbsDifference(sut.probabilities, reference.posterior.flat())).toBeLessThan(1e-10);
      expect(maxAbsDifference(sut.loss, reference.loss)).toBeLessThan(1e-10);
    }
  });

  it('gives each worker one accuracy and spreads errors uniformly', () => {
    const m = votes(3)`
      0 0 1
      2 2 2
      1 1 .
      . . 0
    `;
    const sut = oneCoinDawidSkene(m);
    const K = 3;
    for (let w = 0; w < 3; w++) {
      const s = sut.skills[w];
      expect(sut.confusion[(w * K + 1) * K + 1]).toBe(s);
      expect(sut.confusion[(w * K + 1) * K + 0]).toBeCloseTo((1 - s) / 2, 15);
    }
  });

  it('recovers the toy truth, does not mutate input and ignores response order', () => {
    const [a] = expectPureAndOrderFree(oneCoinDawidSkene, toyBinary.matrix(), 3);
    expect([...a.labels]).toEqual(toyBinary.truth);
  });

  it('returns empty results for empty input', () => {
    const sut = oneCoinDawidSkene(matrixOf(2, 2, 2, []));
    expect([...sut.labels]).toEqual([-1, -1]);
    expect(sut.iterations).toBe(0);
  });

  // crowd-kit OneCoinDawidSkene on the same files: rte 0.9250, s4_dog 0.8302.
  itReachesGoldAccuracy(oneCoinDawidSkene, [
    ['rte', 0.925],
    ['s4_dog', 0.83],
  ]);
});
