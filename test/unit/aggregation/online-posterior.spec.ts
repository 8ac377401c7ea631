import {
  buildDawidSkeneIndex,
  dawidSkene,
  dawidSkeneEStep,
  parametersFromConfusion,
} from '../../../src/modules/aggregation/algorithms/dawid-skene';
import {
  onlinePosterior,
  reliabilitiesFromConfusion,
  reliabilitiesFromDawidSkene,
} from '../../../src/modules/aggregation/algorithms/online-posterior';
import { maxAbsDifference, shuffled, votes } from '../../fixtures/aggregation/toy-datasets';

import { fixtureDataset } from './aggregator-checks';

describe('onlinePosterior', () => {
  it('gives exactly the batch E-step posterior under the same parameters, for every task', () => {
    const { matrix } = fixtureDataset('s4_dog');
    const K = matrix.nLabels;
    const result = dawidSkene(matrix);
    const batch = new Float64Array(matrix.nTasks * K);
    const parameters = parametersFromConfusion(result.confusion, result.priors);
    dawidSkeneEStep(buildDawidSkeneIndex(matrix), parameters, undefined, 0, matrix.nTasks, batch);

    const reliabilities = reliabilitiesFromConfusion(
      result.confusion,
      result.priors,
      new Float64Array(K * K).fill(1 / K),
    );
    // Answers arrive in any order: feed each task's answers from a shuffled copy.
    const mixed = shuffled(matrix, 17);
    const workersOf: number[][] = Array.from({ length: matrix.nTasks }, () => []);
    const labelsOf: number[][] = Array.from({ length: matrix.nTasks }, () => []);
    for (let r = 0; r < mixed.task.length; r++) {
      workersOf[mixed.task[r]].push(mixed.worker[r]);
      labelsOf[mixed.task[r]].push(mixed.label[r]);
    }
    const out = new Float64Array(K);
    let mismatches = 0;
    for (let t = 0; t < matrix.nTasks; t++) {
      const returned = onlinePosterior(reliabilities, workersOf[t], labelsOf[t], out);
      expect(returned).toBe(out);
      for (let k = 0; k < K; k++) if (out[k] !== batch[t * K + k]) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('uses the unknown-worker matrix for workers the batch run never saw', () => {
    const confusion = Float64Array.from([0.9, 0.1, 0.2, 0.8]); // one worker, K = 2
    const unknown = Float64Array.from([0.6, 0.4, 0.3, 0.7]);
    const sut = reliabilitiesFromConfusion(confusion, Float64Array.from([0.25, 0.75]), unknown);
    // Unknown worker says 0: p·π[k][0] = [0.25·0.6, 0.75·0.3] = [0.15, 0.225] → /0.375.
    expect(maxAbsDifference(onlinePosterior(sut, [5], [0]), [0.4, 0.6])).toBeLessThan(1e-15);
    expect(maxAbsDifference(onlinePosterior(sut, [-1], [0]), [0.4, 0.6])).toBeLessThan(1e-15);
    // Known worker 0 says 0: [0.25·0.9, 0.75·0.2] = [0.225, 0.15] → /0.375.
    expect(maxAbsDifference(onlinePosterior(sut, [0], [0]), [0.6, 0.4])).toBeLessThan(1e-15);
  });

  it('returns the class priors for a task without answers', () => {
    const sut = reliabilitiesFromConfusion(
      Float64Array.from([1, 0, 0, 1]),
      Float64Array.from([0.3, 0.7]),
      Float64Array.from([0.5, 0.5, 0.5, 0.5]),
    );
    expect(maxAbsDifference(onlinePosterior(sut, [], []), [0.3, 0.7])).toBeLessThan(1e-15);
  });

  it('rejects labels out of range and mismatched inputs', () => {
    const sut = reliabilitiesFromConfusion(
      Float64Array.from([1, 0, 0, 1]),
      Float64Array.from([0.5, 0.5]),
      Float64Array.from([0.5, 0.5, 0.5, 0.5]),
    );
    expect(() => onlinePosterior(sut, [0], [2])).toThrow(RangeError);
    expect(() => onlinePosterior(sut, [0, 0], [1])).toThrow(RangeError);
    expect(() => onlinePosterior(sut, [0], [1], new Float64Array(1))).toThrow(RangeError);
  });
});

describe('reliabilitiesFromDawidSkene', () => {
  // Tasks: t0 (gold 0) answered 0 by w0; t1 answered 1 by w0 and w1; T[t1] = [0.2, 0.8].
  const m = votes(2)`
    0 .
    1 1
  `;
  const result = {
    probabilities: Float64Array.from([1, 0, 0.2, 0.8]),
    priors: Float64Array.from([0.5, 0.5]),
  };
  const gold = Int32Array.from([0, -1]);

  it('is the Dirichlet posterior mean of base prior, weighted gold record and soft counts', () => {
    const sut = reliabilitiesFromDawidSkene(m, result, {
      gold,
      goldWeight: 2,
      priorStrength: 1,
      basePrior: Float64Array.from([0.8, 0.2, 0.3, 0.7]),
    });
    // w0, true 0: [0.8 + 2·1, 0.2 + 0.2] / 3.2 = [0.875, 0.125]; true 1: [0.3, 0.7 + 0.8] / 1.8.
    // w1, true 0: [0.8, 0.2 + 0.2] / 1.2;                         true 1: [0.3, 1.5] / 1.8.
    const emission = (w: number, k: number, l: number) => sut.emission[(w * 2 + l) * 2 + k];
    expect(emission(0, 0, 0)).toBeCloseTo(0.875, 15);
    expect(emission(0, 0, 1)).toBeCloseTo(0.125, 15);
    expect(emission(0, 1, 1)).toBeCloseTo(1.5 / 1.8, 15);
    expect(emission(1, 0, 0)).toBeCloseTo(0.8 / 1.2, 15);
    expect(emission(1, 1, 0)).toBeCloseTo(0.3 / 1.8, 15);
    // Unknown workers get the base prior.
    expect(emission(2, 0, 0)).toBeCloseTo(0.8, 15);
    expect(emission(2, 1, 1)).toBeCloseTo(0.7, 15);
  });

  it('defaults the base prior to the pooled confusion of all workers', () => {
    const sut = reliabilitiesFromDawidSkene(m, result, { gold });
    // Pooled counts (γ = 1): true 0 → [1, 0.4] → [5/7, 2/7]; true 1 → [0, 1.6] → [0, 1].
    const emission = (w: number, k: number, l: number) => sut.emission[(w * 2 + l) * 2 + k];
    expect(emission(2, 0, 0)).toBeCloseTo(5 / 7, 15);
    expect(emission(2, 0, 1)).toBeCloseTo(2 / 7, 15);
    expect(emission(2, 1, 0)).toBe(1e-10);
  });

  it('pulls a worker with few answers toward the prior and leaves a busy worker near DS', () => {
    const { matrix } = fixtureDataset('rte');
    const ds = dawidSkene(matrix);
    const sut = reliabilitiesFromDawidSkene(matrix, ds, { priorStrength: 2 });
    const K = 2;
    const answers = new Int32Array(matrix.nWorkers);
    for (let r = 0; r < matrix.worker.length; r++) answers[matrix.worker[r]]++;
    const busiest = answers.indexOf(Math.max(...answers));
    // The diagonal cell (true 1, answer 1) has the same index in both layouts.
    const cell = (busiest * K + 1) * K + 1;
    expect(Math.abs(sut.emission[cell] - ds.confusion[cell])).toBeLessThan(0.02);
    // The worker with fewest answers (20) is pulled toward the pooled base prior.
    const fewest = answers.indexOf(Math.min(...answers));
    const newcomerCell = (fewest * K + 1) * K + 1;
    const baseCell = (matrix.nWorkers * K + 1) * K + 1;
    expect(Math.abs(sut.emission[newcomerCell] - sut.emission[baseCell])).toBeLessThan(
      Math.abs(ds.confusion[newcomerCell] - sut.emission[baseCell]),
    );
  });
});
