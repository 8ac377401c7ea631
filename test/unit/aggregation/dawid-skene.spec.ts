import {
  DawidSkeneResult,
  addPartialSums,
  buildDawidSkeneIndex,
  createDawidSkeneParameters,
  dawidSkene,
  dawidSkeneAccumulate,
  dawidSkeneEStep,
  dawidSkeneInitialPosterior,
  dawidSkeneMaximize,
  dawidSkenePseudoCounts,
  parametersFromConfusion,
} from '../../../src/modules/aggregation/algorithms/dawid-skene';
import { majorityVote } from '../../../src/modules/aggregation/algorithms/majority-vote';
import { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { referenceDawidSkene } from '../../fixtures/aggregation/reference-dawid-skene';
import {
  accuracyAgainst,
  copyMatrix,
  matrixOf,
  maxAbsDifference,
  plantedConfusion,
  toyBinary,
  votes,
} from '../../fixtures/aggregation/toy-datasets';

import { expectPureAndOrderFree, fixtureDataset, itReachesGoldAccuracy } from './aggregator-checks';

/** Result confusion as [w][k][l]. */
function nested(result: DawidSkeneResult, m: ResponseMatrix): number[][][] {
  const K = m.nLabels;
  return Array.from({ length: m.nWorkers }, (_, w) =>
    Array.from({ length: K }, (_, k) =>
      Array.from({ length: K }, (_, l) => result.confusion[(w * K + k) * K + l]),
    ),
  );
}

describe('dawidSkene', () => {
  it('matches an independent plain implementation after one EM iteration', () => {
    const m = toyBinary.matrix();
    const sut = dawidSkene(m, { maxIterations: 1, smoothing: 0.01 });
    const reference = referenceDawidSkene(m, { iterations: 1, smoothing: 0.01 });

    expect(sut.iterations).toBe(1);
    expect(maxAbsDifference(sut.probabilities, reference.posterior.flat())).toBeLessThan(1e-12);
    expect(maxAbsDifference(sut.priors, reference.priors)).toBeLessThan(1e-12);
    expect(maxAbsDifference(nested(sut, m).flat(2), reference.confusion.flat(2))).toBeLessThan(
      1e-12,
    );
    expect(sut.logLikelihood[0]).toBeCloseTo(reference.logLikelihood[0], 10);
    expect(sut.loss[0]).toBeCloseTo(reference.loss[0], 12);
  });

  it('matches the reference iteration by iteration, loss included, on a real dataset', () => {
    const { matrix } = fixtureDataset('s4_dog');
    const reference = referenceDawidSkene(matrix, { iterations: 5, smoothing: 0.01 });
    const sut = dawidSkene(matrix, { maxIterations: 5, tolerance: -Infinity });

    expect(sut.iterations).toBe(5);
    expect(maxAbsDifference(sut.loss, reference.loss)).toBeLessThan(1e-10);
    for (let i = 0; i < 5; i++) {
      expect(Math.abs(sut.logLikelihood[i] - reference.logLikelihood[i])).toBeLessThan(
        1e-9 * Math.abs(reference.logLikelihood[i]),
      );
    }
    expect(maxAbsDifference(sut.probabilities, reference.posterior.flat())).toBeLessThan(1e-9);
  });

  it('stops where crowd-kit stops: at the first iteration whose loss gains less than the tolerance', () => {
    const { matrix } = fixtureDataset('rte');
    const reference = referenceDawidSkene(matrix, {
      iterations: 100,
      tolerance: 1e-5,
      smoothing: 0.01,
    });
    const sut = dawidSkene(matrix);

    expect(sut.converged).toBe(true);
    expect(sut.iterations).toBe(reference.iterations);
    const last = sut.iterations - 1;
    expect(sut.loss[last] - sut.loss[last - 1]).toBeLessThan(1e-5);
    for (let i = 1; i < last; i++)
      expect(sut.loss[i] - sut.loss[i - 1]).toBeGreaterThanOrEqual(1e-5);
  });

  it('with the log-likelihood rule runs until the likelihood gain per answer is below tolerance', () => {
    const { matrix } = fixtureDataset('bluebirds');
    const sut = dawidSkene(matrix, { stopOn: 'log-likelihood' });
    const R = matrix.task.length;
    const ll = sut.logLikelihood;

    expect(sut.converged).toBe(true);
    expect((ll[ll.length - 1] - ll[ll.length - 2]) / R).toBeLessThan(1e-5);
    for (let i = 1; i < ll.length - 1; i++)
      expect((ll[i] - ll[i - 1]) / R).toBeGreaterThanOrEqual(1e-5);
  });

  it('recovers the hand-checked truth of the toy dataset, seeing through the adversarial worker', () => {
    const sut = dawidSkene(toyBinary.matrix());
    expect([...sut.labels]).toEqual(toyBinary.truth);
    // Worker 3 is always wrong: its learned confusion puts most mass off the diagonal.
    const K = 2;
    expect(sut.confusion[(3 * K + 0) * K + 1]).toBeGreaterThan(0.9);
    expect(sut.confusion[(3 * K + 1) * K + 0]).toBeGreaterThan(0.9);
  });

  it('returns rows that sum to 1 and a confusion matrix whose rows sum to 1', () => {
    const { matrix } = fixtureDataset('s4_dog');
    const sut = dawidSkene(matrix);
    const K = matrix.nLabels;
    for (let t = 0; t < matrix.nTasks; t++) {
      const row = sut.probabilities.subarray(t * K, t * K + K);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    for (let row = 0; row < matrix.nWorkers * K; row++) {
      const cells = sut.confusion.subarray(row * K, row * K + K);
      expect(cells.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
    expect(sut.priors.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('keeps gold tasks at their known label and lets them teach the confusion matrices', () => {
    const m = toyBinary.matrix();
    // Claim, against the crowd, that task 0's true label is 1.
    const gold = Int32Array.from([1, -1, -1, -1, -1]);
    const sut = dawidSkene(m, { gold, maxIterations: 3, smoothing: 0.01 });
    const reference = referenceDawidSkene(m, { iterations: 3, smoothing: 0.01, gold });

    expect([...sut.probabilities.subarray(0, 2)]).toEqual([0, 1]);
    expect(sut.labels[0]).toBe(1);
    expect(maxAbsDifference(sut.probabilities, reference.posterior.flat())).toBeLessThan(1e-12);
    expect(maxAbsDifference(sut.loss, reference.loss)).toBeLessThan(1e-12);
  });

  it('uses prior confusion matrices as Dirichlet pseudo-counts', () => {
    const m = toyBinary.matrix();
    const K = 2;
    const prior = new Float64Array(m.nWorkers * K * K);
    const nestedPrior: number[][][] = [];
    for (let w = 0; w < m.nWorkers; w++) {
      nestedPrior.push([
        [0.9, 0.1],
        [0.2, 0.8],
      ]);
      prior.set([0.9, 0.1, 0.2, 0.8], w * K * K);
    }
    const sut = dawidSkene(m, { priorConfusion: prior, priorStrength: 4, maxIterations: 2 });
    const reference = referenceDawidSkene(m, {
      iterations: 2,
      smoothing: 0.01,
      priorConfusion: nestedPrior,
      priorStrength: 4,
    });
    expect(maxAbsDifference(nested(sut, m).flat(2), reference.confusion.flat(2))).toBeLessThan(
      1e-12,
    );
    const plain = dawidSkene(m, { maxIterations: 2 });
    expect(maxAbsDifference(sut.confusion, plain.confusion)).toBeGreaterThan(0.01);
  });

  it('does not depend on the order of responses', () => {
    const { matrix } = fixtureDataset('bluebirds');
    for (const seed of [1, 2, 3]) {
      const [a, b] = expectPureAndOrderFree(dawidSkene, matrix, seed);
      expect(maxAbsDifference(a.confusion, b.confusion)).toBeLessThanOrEqual(1e-12);
      expect(b.iterations).toBe(a.iterations);
    }
  });

  it('does not mutate its inputs', () => {
    const m = toyBinary.matrix();
    const before = copyMatrix(m);
    const gold = Int32Array.from([0, -1, -1, -1, 1]);
    dawidSkene(m, { gold });
    expect(m).toEqual(before);
    expect([...gold]).toEqual([0, -1, -1, -1, 1]);
  });

  it('breaks exact ties toward the lowest label index', () => {
    // Two workers, one task each way: perfect symmetry between labels 1 and 2.
    const m = votes(3)`
      2 1
      1 2
    `;
    const sut = dawidSkene(m, { maxIterations: 0 });
    expect([...sut.labels]).toEqual([1, 1]);
  });

  it('returns empty results for empty input', () => {
    const sut = dawidSkene(matrixOf(3, 2, 2, []));
    expect(sut.probabilities).toEqual(new Float64Array(6));
    expect([...sut.labels]).toEqual([-1, -1, -1]);
    expect(sut.iterations).toBe(0);
    expect(sut.logLikelihood).toEqual([]);
    expect(dawidSkene(matrixOf(0, 0, 0, [])).labels).toEqual(new Int32Array(0));
  });

  it('gives tasks without responses a zero row and label -1', () => {
    const m = votes(2)`
      1 1
      . .
      0 .
    `;
    const sut = dawidSkene(m);
    expect([...sut.probabilities.subarray(2, 4)]).toEqual([0, 0]);
    expect(sut.labels[1]).toBe(-1);
  });

  it('rejects malformed input with a RangeError', () => {
    const m = matrixOf(2, 2, 2, [[0, 0, 1]]);
    expect(() => dawidSkene({ ...m, label: Int32Array.from([2]) })).toThrow(RangeError);
    expect(() => dawidSkene(m, { gold: Int32Array.from([0]) })).toThrow(RangeError);
    expect(() => dawidSkene(m, { smoothing: -1 })).toThrow(RangeError);
    expect(() => dawidSkene(m, { maxIterations: 1.5 })).toThrow(RangeError);
    expect(() => dawidSkene(m, { priorConfusion: new Float64Array(3) })).toThrow(RangeError);
  });

  it('stays finite and exact on a task with hundreds of answers (rescaled products)', () => {
    // 400 workers answer one task; most say 1. Products of 400 probabilities underflow without
    // rescaling; compare with the plain log-space reference.
    const triples: Array<[number, number, number]> = [];
    for (let w = 0; w < 400; w++) {
      triples.push([0, w, w % 7 === 0 ? 0 : 1]);
      triples.push([1 + (w % 5), w, w % 5 === 0 ? 0 : 1]);
    }
    const m = matrixOf(6, 400, 2, triples);
    const sut = dawidSkene(m, { maxIterations: 3, tolerance: -Infinity });
    const reference = referenceDawidSkene(m, { iterations: 3, smoothing: 0.01 });
    expect(sut.probabilities.every(Number.isFinite)).toBe(true);
    expect(maxAbsDifference(sut.probabilities, reference.posterior.flat())).toBeLessThan(1e-12);
    expect(Math.abs(sut.logLikelihood[2] - reference.logLikelihood[2])).toBeLessThan(1e-9);
  });

  it('beats majority vote on synthetic workers with planted confusion matrices', () => {
    const { matrix, truth } = plantedConfusion(42);
    const ds = accuracyAgainst(dawidSkene(matrix).labels, truth);
    const mv = accuracyAgainst(majorityVote(matrix).labels, truth);
    expect(ds).toBeGreaterThanOrEqual(0.9);
    expect(ds).toBeGreaterThan(mv + 0.2);
  });

  // crowd-kit 1.4.1 DS on the same files: bluebirds 0.8889, rte 0.9275, s4_dog 0.8426.
  itReachesGoldAccuracy(dawidSkene, [
    ['bluebirds', 0.888],
    ['rte', 0.927],
    ['s4_dog', 0.842],
  ]);
});

describe('Dawid–Skene step functions', () => {
  it('give the same result split over task ranges with partial sums as in one pass', () => {
    const { matrix } = fixtureDataset('s4_dog');
    const K = matrix.nLabels;
    const W = matrix.nWorkers;
    const index = buildDawidSkeneIndex(matrix);
    const alpha = dawidSkenePseudoCounts(W, K);
    const ranges = [
      [0, 100],
      [100, 101],
      [101, 500],
      [500, matrix.nTasks],
    ];

    const posterior = new Float64Array(matrix.nTasks * K);
    const parameters = createDawidSkeneParameters(W, K);
    const counts = new Float64Array(W * K * K);
    const classCounts = new Float64Array(K);
    for (const [t0, t1] of ranges) dawidSkeneInitialPosterior(index, undefined, t0, t1, posterior);
    dawidSkeneAccumulate(index, posterior, 0, matrix.nTasks, counts, classCounts);
    dawidSkeneMaximize(counts, classCounts, alpha, parameters);
    for (let iteration = 0; iteration < 3; iteration++) {
      let ll = 0;
      const partials = ranges.map(([t0, t1]) => {
        ll += dawidSkeneEStep(index, parameters, undefined, t0, t1, posterior);
        const part = { counts: new Float64Array(W * K * K), classCounts: new Float64Array(K) };
        dawidSkeneAccumulate(index, posterior, t0, t1, part.counts, part.classCounts);
        return part;
      });
      counts.fill(0);
      classCounts.fill(0);
      for (const part of partials) {
        addPartialSums(counts, part.counts);
        addPartialSums(classCounts, part.classCounts);
      }
      dawidSkeneMaximize(counts, classCounts, alpha, parameters);
      expect(Number.isFinite(ll)).toBe(true);
    }

    const whole = dawidSkene(matrix, { maxIterations: 3, tolerance: -Infinity });
    expect(maxAbsDifference(posterior, whole.probabilities)).toBeLessThan(1e-12);
  });

  it('reproduce a result posterior from its confusion and priors (parametersFromConfusion)', () => {
    const { matrix } = fixtureDataset('rte');
    const result = dawidSkene(matrix, { maxIterations: 4, tolerance: -Infinity });
    const fromResult = parametersFromConfusion(result.confusion, result.priors);
    const again = dawidSkene(matrix, { maxIterations: 5, tolerance: -Infinity });
    const posterior = new Float64Array(matrix.nTasks * matrix.nLabels);
    dawidSkeneEStep(
      buildDawidSkeneIndex(matrix),
      fromResult,
      undefined,
      0,
      matrix.nTasks,
      posterior,
    );
    // E-step 5 runs on the parameters of iteration 4.
    expect(maxAbsDifference(posterior, again.probabilities)).toBe(0);
  });
});
