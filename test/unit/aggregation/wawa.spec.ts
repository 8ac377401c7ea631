import { majorityVote } from '../../../src/modules/aggregation/algorithms/majority-vote';
import { agreementRates, wawa } from '../../../src/modules/aggregation/algorithms/wawa';
import {
  copyMatrix,
  matrixOf,
  maxAbsDifference,
  toyBinary,
} from '../../fixtures/aggregation/toy-datasets';

import { expectPureAndOrderFree, fixtureDataset, itReachesGoldAccuracy } from './aggregator-checks';

describe('wawa', () => {
  it('gives the hand-checked skills and weighted posteriors on the toy dataset', () => {
    const m = toyBinary.matrix();
    const before = copyMatrix(m);
    const sut = wawa(m);
    expect(maxAbsDifference(sut.skills, toyBinary.wawaSkills)).toBeLessThan(1e-15);
    expect(maxAbsDifference(sut.probabilities.subarray(0, 2), toyBinary.wawaT0)).toBeLessThan(
      1e-15,
    );
    expect(maxAbsDifference(sut.probabilities.subarray(4, 6), toyBinary.wawaT2)).toBeLessThan(
      1e-15,
    );
    expect([...sut.labels]).toEqual(toyBinary.truth);
    expect(m).toEqual(before);
  });

  it('lets reliable workers overturn a majority', () => {
    // Tasks 1–6: workers 0, 1, 5, 6 say 0 and workers 2, 3, 4 say 1, so the majority is 0 and
    // workers 2–4 agree with it only on task 0 (agreement 1/7), workers 0–1 on six tasks (6/7).
    // Task 0: workers 0–1 say 1 and workers 2–4 say 0: plain vote 0, Wawa 12/7 against 3/7 for 1.
    const triples: Array<[number, number, number]> = [
      [0, 0, 1],
      [0, 1, 1],
      [0, 2, 0],
      [0, 3, 0],
      [0, 4, 0],
    ];
    for (let t = 1; t <= 6; t++) {
      for (const w of [0, 1, 5, 6]) triples.push([t, w, 0]);
      for (const w of [2, 3, 4]) triples.push([t, w, 1]);
    }
    const m = matrixOf(7, 7, 2, triples);
    const sut = wawa(m);
    expect(majorityVote(m).labels[0]).toBe(0);
    expect(sut.labels[0]).toBe(1);
    expect(maxAbsDifference(sut.probabilities.subarray(0, 2), [3 / 15, 12 / 15])).toBeLessThan(
      1e-15,
    );
  });

  it('does not depend on the order of responses', () => {
    expectPureAndOrderFree(wawa, fixtureDataset('s4_dog').matrix, 5);
  });

  it('returns empty results for empty input', () => {
    const sut = wawa(matrixOf(2, 3, 2, []));
    expect([...sut.labels]).toEqual([-1, -1]);
    expect([...sut.skills]).toEqual([0, 0, 0]);
  });

  it('gives workers without answers skill 0', () => {
    expect([...agreementRates(matrixOf(1, 2, 2, [[0, 0, 1]]), Int32Array.from([1]))]).toEqual([
      1, 0,
    ]);
  });

  // crowd-kit Wawa on the same files: bluebirds 0.7593, rte 0.9213, s4_dog 0.8290.
  itReachesGoldAccuracy(wawa, [
    ['bluebirds', 0.759],
    ['rte', 0.921],
    ['s4_dog', 0.828],
  ]);
});
