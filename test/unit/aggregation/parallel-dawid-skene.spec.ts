import {
  dawidSkene,
  DawidSkeneResult,
} from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { mulberry32, randomInt, Rng } from '../../../src/modules/aggregation/algorithms/rng';
import {
  allocateSharedIndex,
  balancedTaskRanges,
  parallelDawidSkene,
  parallelDawidSkeneOnIndex,
} from '../../../src/modules/aggregation/parallel/parallel-dawid-skene';

/**
 * Seeded crowd: `nTasks` tasks with uneven numbers of answers (0 to 8) from workers whose
 * planted confusion matrices range from expert to spammer.
 */
function plantedCrowd(rng: Rng, nTasks: number, nWorkers: number, K: number): ResponseMatrix {
  const accuracy = Array.from({ length: nWorkers }, () => 0.2 + 0.75 * rng());
  const task: number[] = [];
  const worker: number[] = [];
  const label: number[] = [];
  for (let t = 0; t < nTasks; t++) {
    const truth = randomInt(rng, K);
    const answers = t % 97 === 0 ? 0 : 1 + randomInt(rng, 8);
    for (let a = 0; a < answers; a++) {
      const w = randomInt(rng, nWorkers);
      task.push(t);
      worker.push(w);
      label.push(rng() < accuracy[w] ? truth : randomInt(rng, K));
    }
  }
  // Shuffle so the matrix is not grouped by task: the runner must not rely on input order.
  for (let i = task.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [task[i], task[j]] = [task[j], task[i]];
    [worker[i], worker[j]] = [worker[j], worker[i]];
    [label[i], label[j]] = [label[j], label[i]];
  }
  return {
    nTasks,
    nWorkers,
    nLabels: K,
    task: Int32Array.from(task),
    worker: Int32Array.from(worker),
    label: Int32Array.from(label),
  };
}

function expectCloseArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

function expectSameFit(actual: DawidSkeneResult, expected: DawidSkeneResult) {
  expect(actual.iterations).toBe(expected.iterations);
  expect(actual.converged).toBe(expected.converged);
  expect([...actual.labels]).toEqual([...expected.labels]);
  expectCloseArrays(actual.probabilities, expected.probabilities, 1e-9);
  expectCloseArrays(actual.confusion, expected.confusion, 1e-9);
  expectCloseArrays(actual.priors, expected.priors, 1e-9);
  // Log-likelihoods are sums over thousands of tasks: compare relative to their size.
  expectCloseArrays(
    actual.logLikelihood.map((ll, i) => ll / Math.abs(expected.logLikelihood[i])),
    expected.logLikelihood.map(ll => ll / Math.abs(ll)),
    1e-9,
  );
}

describe('parallelDawidSkene', () => {
  const matrix = plantedCrowd(mulberry32(2024), 3000, 60, 4);

  it('gives the result of the sequential dawidSkene with 2 and 3 threads', async () => {
    const expected = dawidSkene(matrix);
    expect(expected.iterations).toBeGreaterThan(2);

    expectSameFit(await parallelDawidSkene(matrix, { threads: 2 }), expected);
    expectSameFit(await parallelDawidSkene(matrix, { threads: 3 }), expected);
  });

  it('gives the sequential result with gold and the log-likelihood stopping rule', async () => {
    const gold = new Int32Array(matrix.nTasks).fill(-1);
    for (let t = 0; t < matrix.nTasks; t += 7) gold[t] = t % matrix.nLabels;
    const options = { gold, stopOn: 'log-likelihood' as const, maxIterations: 40 };

    const actual = await parallelDawidSkene(matrix, { ...options, threads: 2 });

    expectSameFit(actual, dawidSkene(matrix, options));
    expect(actual.probabilities[7 * matrix.nLabels + 3]).toBe(1);
  });

  it('runs on an index written straight into shared memory', async () => {
    // Two tasks, two workers, binary: worker 0 says 1 to both, worker 1 says 1 then 0.
    const index = allocateSharedIndex(2, 2, 2, 4);
    index.taskOffsets.set([0, 2, 4]);
    index.cells.set([0 * 2 + 1, 1 * 2 + 1, 0 * 2 + 1, 1 * 2 + 0]);
    const matrix2: ResponseMatrix = {
      nTasks: 2,
      nWorkers: 2,
      nLabels: 2,
      task: Int32Array.from([0, 0, 1, 1]),
      worker: Int32Array.from([0, 1, 0, 1]),
      label: Int32Array.from([1, 1, 1, 0]),
    };

    expectSameFit(await parallelDawidSkeneOnIndex(index, { threads: 2 }), dawidSkene(matrix2));
    expect(index.taskOffsets.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('returns the empty result for no answers without starting threads', async () => {
    const empty: ResponseMatrix = {
      nTasks: 3,
      nWorkers: 0,
      nLabels: 2,
      task: new Int32Array(0),
      worker: new Int32Array(0),
      label: new Int32Array(0),
    };

    const result = await parallelDawidSkene(empty, { threads: 2 });

    expect([...result.labels]).toEqual([-1, -1, -1]);
  });

  it('rejects invalid input before starting threads', async () => {
    await expect(parallelDawidSkene(matrix, { threads: 0 })).rejects.toThrow(RangeError);
    await expect(
      parallelDawidSkeneOnIndex(
        {
          nTasks: 1,
          nWorkers: 1,
          nLabels: 2,
          taskOffsets: Int32Array.from([0, 1]),
          cells: Int32Array.from([5]),
        },
        { threads: 2 },
      ),
    ).rejects.toThrow(/out of range/);
  });
});

describe('balancedTaskRanges', () => {
  it('covers every task once with about equal numbers of answers per range', () => {
    // 10 tasks with 1..10 answers: 55 answers.
    const offsets = new Int32Array(11);
    for (let t = 0; t < 10; t++) offsets[t + 1] = offsets[t] + t + 1;

    const ranges = balancedTaskRanges(offsets, 3);

    expect(ranges[0][0]).toBe(0);
    expect(ranges[2][1]).toBe(10);
    for (let i = 1; i < 3; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    const sizes = ranges.map(([start, end]) => offsets[end] - offsets[start]);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(10);
  });
});
