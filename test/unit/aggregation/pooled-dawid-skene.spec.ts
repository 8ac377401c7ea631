import { dawidSkene } from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { majorityVote } from '../../../src/modules/aggregation/algorithms/majority-vote';
import {
  collapsedClass,
  pooledDawidSkene,
  pooledVoteConfusion,
} from '../../../src/modules/aggregation/algorithms/pooled-dawid-skene';
import type { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { BLUEBIRDS_REFIT_ANSWERS } from '../../fixtures/aggregation/bluebirds-online-refit';
import {
  copyMatrix,
  matrixOf,
  maxAbsDifference,
  toyBinary,
  votes,
} from '../../fixtures/aggregation/toy-datasets';
import { goldAccuracy } from '../../helpers/load-dataset';

import { expectPureAndOrderFree, fixtureDataset } from './aggregator-checks';

describe('pooledVoteConfusion', () => {
  it('pools vote shares against answers over all workers (hand-computed)', () => {
    // Task 0: answers 0, 0, 1 (shares 2/3, 1/3). Task 1: answers 1, 1 (shares 0, 1).
    const m = votes(2)`
      0 0 1
      1 1 .
    `;
    // C[0][·] = 2/3 · (2, 1) = (4/3, 2/3); C[1][·] = 1/3 · (2, 1) + 1 · (0, 2) = (2/3, 7/3).
    const expected = [2 / 3, 1 / 3, 2 / 9, 7 / 9];
    expect(maxAbsDifference(pooledVoteConfusion(m), expected)).toBeLessThan(1e-15);
  });

  it('counts gold tasks as one-hot at the gold label and leaves unseen classes without a row', () => {
    const m = votes(3)`
      0 1
      1 .
    `;
    // Task 0 is gold 1: its answers (0, 1) all go to row 1; task 1's single answer 1 too.
    const pooled = pooledVoteConfusion(m, Int32Array.from([1, -1]));
    expect([...pooled]).toEqual([0, 0, 0, 1 / 3, 2 / 3, 0, 0, 0, 0]);
  });
});

/** The online refit's answers (fixture) on the bluebirds dataset's task, worker and label indexes. */
function bluebirdsRefitMatrix(): { matrix: ResponseMatrix; gold: Int32Array } {
  const { matrix, gold, taskIds, workerIds, labelValues } = fixtureDataset('bluebirds');
  const rows = BLUEBIRDS_REFIT_ANSWERS.trim()
    .split('\n')
    .map(line => line.split(' '));
  const index = (ids: string[], id: string) => {
    const i = ids.indexOf(id);
    if (i < 0) throw new Error(`unknown id ${id}`);
    return i;
  };
  return {
    matrix: {
      ...matrix,
      task: Int32Array.from(rows, ([, task]) => index(taskIds, task)),
      worker: Int32Array.from(rows, ([worker]) => index(workerIds, worker)),
      label: Int32Array.from(rows, ([, , label]) => index(labelValues, label)),
    },
    gold,
  };
}

describe('collapsedClass', () => {
  // Majority vote: tasks 0–2 → 0, tasks 3–4 → 1.
  const m = votes(2)`
    0 0 1
    0 0 .
    0 1 0
    1 1 0
    1 1 .
  `;

  it('names a class the fit gives to fewer than a tenth of the tasks majority vote gives it', () => {
    expect(collapsedClass(m, [0, 0, 0, 0, 0])).toBe(1);
    expect(collapsedClass(m, [1, 1, 1, 1, 1])).toBe(0);
  });

  it('accepts a fit that moves some tasks but keeps every class', () => {
    expect(collapsedClass(m, [0, 0, 0, 1, 1])).toBe(-1);
    expect(collapsedClass(m, [0, 1, 1, 0, 1])).toBe(-1);
  });

  it('counts gold tasks at their gold label', () => {
    // Tasks 3 and 4 voted 1, but gold puts them in class 0: no class-1 task to lose.
    expect(collapsedClass(m, [0, 0, 0, 0, 0], Int32Array.from([-1, -1, -1, 0, 0]))).toBe(-1);
  });
});

describe('pooledDawidSkene', () => {
  it('does not collapse to one class on the bluebirds online refit (fixture)', () => {
    const { matrix, gold } = bluebirdsRefitMatrix();
    // The pooled EM alone runs off to p = (0.95, 0.05) and class 0 on all 108 tasks.
    const pooled = pooledVoteConfusion(matrix);
    const collapsed = dawidSkene(matrix, {
      priorConfusion: new Float64Array(matrix.nWorkers * 4).map((_, i) => pooled[i % 4]),
      priorStrength: 12,
    });
    expect(collapsed.labels.every(label => label === 0)).toBe(true);

    const sut = pooledDawidSkene(matrix);
    expect(sut.collapseFallback).toBe('dawid-skene');
    expect(collapsedClass(matrix, sut.labels)).toBe(-1);
    expect(sut.labels.filter(label => label === 1).length).toBeGreaterThan(20);
    expect(goldAccuracy(sut.labels, gold)).toBeGreaterThanOrEqual(
      goldAccuracy(majorityVote(matrix).labels, gold),
    );
    expect(goldAccuracy(sut.labels, gold)).toBeGreaterThan(0.7);
  });

  it('falls back to the majority-vote start when plain Dawid–Skene collapses too', () => {
    // Task 0 is a 1–0 split (majority vote: 0, the lower index); both EM fits trust worker 0 and
    // put it in class 1 with the rest, so class 0 keeps none of its one task.
    const m = votes(2)`
      1 0
      1 1
      1 1
      . 1
    `;
    expect([...dawidSkene(m).labels]).toEqual([1, 1, 1, 1]);
    const sut = pooledDawidSkene(m);
    expect(sut.collapseFallback).toBe('majority-vote');
    expect([...sut.labels]).toEqual([0, 1, 1, 1]);
    expect(sut.probabilities).toEqual(majorityVote(m).probabilities);
  });

  it('is plain Dawid–Skene with strength 0, bit for bit', () => {
    const { matrix } = fixtureDataset('s4_dog');
    const pooled = pooledDawidSkene(matrix, { priorStrength: 0 });
    const plain = dawidSkene(matrix);
    expect(pooled.probabilities).toEqual(plain.probabilities);
    expect(pooled.confusion).toEqual(plain.confusion);
    expect(pooled.iterations).toBe(plain.iterations);
  });

  it('pulls a worker with few answers toward the crowd, and one with many answers barely', () => {
    const { matrix } = fixtureDataset('bluebirds');
    // Append a newcomer (last worker index) with one answer.
    const K = matrix.nLabels;
    const newcomer = matrix.nWorkers;
    const m = {
      ...matrix,
      nWorkers: matrix.nWorkers + 1,
      task: Int32Array.from([...matrix.task, 0]),
      worker: Int32Array.from([...matrix.worker, newcomer]),
      label: Int32Array.from([...matrix.label, 0]),
    };
    const pooled = pooledDawidSkene(m);
    const plain = dawidSkene(m);
    const rowsOf = (confusion: Float64Array, w: number) =>
      confusion.subarray(w * K * K, (w + 1) * K * K);
    const distance = (confusion: Float64Array, w: number) =>
      maxAbsDifference(rowsOf(confusion, w), pooled.pooledConfusion);
    expect(distance(pooled.confusion, newcomer)).toBeLessThan(0.1);
    expect(distance(plain.confusion, newcomer)).toBeGreaterThan(0.3);
    // Worker 0 answered every one of the 108 tasks: 12 pseudo-answers move it only a little.
    expect(maxAbsDifference(rowsOf(pooled.confusion, 0), rowsOf(plain.confusion, 0))).toBeLessThan(
      0.1,
    );
  });

  it('keeps every confusion cell above zero: no single answer can veto a class', () => {
    // One gold task anchors class 0, so the pooled fit itself is kept (no collapse fallback).
    const sut = pooledDawidSkene(toyBinary.matrix(), {
      gold: Int32Array.from([0, -1, -1, -1, -1]),
    });
    expect(sut.collapseFallback).toBeNull();
    expect(sut.confusion.every(p => p > 0.01)).toBe(true);
  });

  it('recovers the toy truth, where the pooled EM alone puts every task in class 1', () => {
    const m = toyBinary.matrix();
    const pooled = pooledVoteConfusion(m);
    const unguarded = dawidSkene(m, {
      priorConfusion: new Float64Array(m.nWorkers * 4).map((_, i) => pooled[i % 4]),
      priorStrength: 12,
    });
    expect([...unguarded.labels]).toEqual([1, 1, 1, 1, 1]);
    const sut = pooledDawidSkene(m);
    expect(sut.collapseFallback).toBe('dawid-skene');
    expect([...sut.labels]).toEqual(toyBinary.truth);
  });

  it('keeps gold tasks at their known label', () => {
    const m = toyBinary.matrix();
    const gold = Int32Array.from([1, -1, -1, -1, -1]);
    const sut = pooledDawidSkene(m, { gold });
    expect([...sut.probabilities.subarray(0, 2)]).toEqual([0, 1]);
    expect(sut.labels[0]).toBe(1);
    expect(sut.pooledConfusion).toEqual(pooledVoteConfusion(m, gold));
  });

  it('does not depend on the order of responses', () => {
    const { matrix } = fixtureDataset('rte');
    for (const seed of [1, 2]) {
      const [a, b] = expectPureAndOrderFree(pooledDawidSkene, matrix, seed);
      expect(b.pooledConfusion).toEqual(a.pooledConfusion);
      expect(b.iterations).toBe(a.iterations);
    }
  });

  it('does not mutate its inputs', () => {
    const m = toyBinary.matrix();
    const before = copyMatrix(m);
    pooledDawidSkene(m, { gold: Int32Array.from([0, -1, -1, -1, 1]) });
    expect(m).toEqual(before);
  });

  it('returns empty results for empty input', () => {
    const sut = pooledDawidSkene(matrixOf(3, 2, 2, []));
    expect(sut.probabilities).toEqual(new Float64Array(6));
    expect([...sut.labels]).toEqual([-1, -1, -1]);
    expect(sut.pooledConfusion).toEqual(new Float64Array(4));
    expect(pooledDawidSkene(matrixOf(0, 0, 0, [])).labels).toEqual(new Int32Array(0));
  });

  it('rejects malformed input and options with a RangeError', () => {
    const m = matrixOf(2, 2, 2, [[0, 0, 1]]);
    expect(() => pooledDawidSkene({ ...m, label: Int32Array.from([2]) })).toThrow(RangeError);
    expect(() => pooledDawidSkene(m, { gold: Int32Array.from([0]) })).toThrow(RangeError);
    expect(() => pooledDawidSkene(m, { priorStrength: -1 })).toThrow(RangeError);
  });

  it.each([
    // Measured: bluebirds 0.8796, rte 0.9237, s4_dog 0.8401 (majority vote 0.7593, 0.9187, 0.8178).
    ['bluebirds', 0.879],
    ['rte', 0.923],
    ['s4_dog', 0.84],
  ])('is at or above majority vote on %s and reaches %f', (name, floor) => {
    const { matrix, gold } = fixtureDataset(name);
    const pooled = goldAccuracy(pooledDawidSkene(matrix).labels, gold);
    expect(pooled).toBeGreaterThanOrEqual(goldAccuracy(majorityVote(matrix).labels, gold));
    expect(pooled).toBeGreaterThanOrEqual(floor);
  });
});
