import { majorityVote } from '../../../src/modules/aggregation/algorithms/majority-vote';
import { agreementRates, wawa } from '../../../src/modules/aggregation/algorithms/wawa';
import { zeroBasedSkill } from '../../../src/modules/aggregation/algorithms/zero-based-skill';
import { matrixOf, maxAbsDifference, toyBinary } from '../../fixtures/aggregation/toy-datasets';

import { expectPureAndOrderFree, fixtureDataset, itReachesGoldAccuracy } from './aggregator-checks';

describe('zeroBasedSkill', () => {
  it('after one step with learning rate 1 equals Wawa (skills = agreement with the plain vote)', () => {
    const m = toyBinary.matrix();
    const sut = zeroBasedSkill(m, { maxIterations: 1 });
    expect(maxAbsDifference(sut.skills, toyBinary.wawaSkills)).toBeLessThan(1e-15);
    expect(maxAbsDifference(sut.probabilities, wawa(m).probabilities)).toBeLessThan(1e-15);
  });

  it('with no iterations is the plain majority vote, skills at 1/|L| + ε', () => {
    const m = toyBinary.matrix();
    const sut = zeroBasedSkill(m, { maxIterations: 0 });
    expect([...sut.labels]).toEqual([...majorityVote(m).labels]);
    expect([...sut.skills]).toEqual(new Array(5).fill(0.5 + 1e-5));
  });

  it('follows the crowd-kit schedule: η halves every 20 iterations', () => {
    const { matrix } = fixtureDataset('s4_dog');
    // A direct transcription of crowd-kit's loop.
    let skills = new Float64Array(matrix.nWorkers).fill(1 / 4 + 1e-5);
    let learningRate = 1;
    for (let iteration = 1; iteration <= 45; iteration++) {
      if (iteration % 20 === 0) learningRate *= 0.5;
      const agreement = agreementRates(
        matrix,
        majorityVote(matrix, { workerWeights: skills }).labels,
      );
      skills = skills.map((s, w) => s + learningRate * (agreement[w] - s));
    }
    const sut = zeroBasedSkill(matrix, { maxIterations: 45, learningRate: 1 });
    expect(maxAbsDifference(sut.skills, skills)).toBeLessThan(1e-15);
    expect([...sut.labels]).toEqual([...majorityVote(matrix, { workerWeights: skills }).labels]);
  });

  it('stops early only at an exact fixed point', () => {
    const sut = zeroBasedSkill(toyBinary.matrix());
    expect(sut.converged).toBe(true);
    expect(sut.iterations).toBeLessThan(5);
    const full = zeroBasedSkill(toyBinary.matrix(), { maxIterations: 100, tolerance: -1 });
    expect(full.iterations).toBe(100);
    expect(maxAbsDifference(full.probabilities, sut.probabilities)).toBe(0);
  });

  it('does not depend on the order of responses and does not mutate its input', () => {
    const [a, b] = expectPureAndOrderFree(zeroBasedSkill, fixtureDataset('rte').matrix, 11);
    expect(maxAbsDifference(a.skills, b.skills)).toBeLessThanOrEqual(1e-12);
  });

  it('returns empty results for empty input', () => {
    const sut = zeroBasedSkill(matrixOf(1, 2, 2, []));
    expect([...sut.labels]).toEqual([-1]);
    expect(sut.iterations).toBe(0);
  });

  // crowd-kit ZBS on the same files: bluebirds 0.7593, rte 0.9213, s4_dog 0.8302.
  itReachesGoldAccuracy(zeroBasedSkill, [
    ['bluebirds', 0.759],
    ['rte', 0.921],
    ['s4_dog', 0.83],
  ]);
});
