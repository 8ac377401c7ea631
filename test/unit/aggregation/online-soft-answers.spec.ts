import {
  onlinePosterior,
  onlinePosteriorWithSoft,
  reliabilitiesFromConfusion,
} from '../../../src/modules/aggregation/algorithms/online-posterior';
import { evaluateTask } from '../../../src/modules/aggregation/online/algorithms/dynamic-overlap';
import { maxAbsDifference } from '../../fixtures/aggregation/toy-datasets';

import { fixtureDataset } from './aggregator-checks';

/** Two workers on K = 2: 0 is a 0.75-accurate human, 1 a 0.9-accurate model; flat priors. */
const reliabilities = reliabilitiesFromConfusion(
  Float64Array.from([0.75, 0.25, 0.25, 0.75, 0.9, 0.1, 0.1, 0.9]),
  Float64Array.from([0.5, 0.5]),
  Float64Array.from([0.75, 0.25, 0.25, 0.75]),
);

/** The human says 1 and the model answers softly with `q`. */
const humanAndModel = (q: number[]) =>
  onlinePosteriorWithSoft(reliabilities, [0], [1], [{ worker: 1, probabilities: q }]);

describe('soft answers in the online posterior (a model answers with its probability vector)', () => {
  it('moves the posterior less than the hard answer when the model is unsure', () => {
    const human = onlinePosterior(reliabilities, [0], [1]);
    const hard = onlinePosterior(reliabilities, [0, 1], [1, 1]);
    const unsure = humanAndModel([0.45, 0.55]);
    const sure = humanAndModel([0.02, 0.98]);
    // All three lean the same way, the unsure one barely beyond the human alone.
    expect(unsure[1]).toBeGreaterThan(human[1]);
    expect(unsure[1] - human[1]).toBeLessThan(0.05);
    expect(sure[1]).toBeGreaterThan(unsure[1]);
    expect(hard[1]).toBeGreaterThan(sure[1]);
    // The mixture likelihood by hand: λ(k) = Σ_l q_l π[k][l].
    const l0 = 0.45 * 0.9 + 0.55 * 0.1;
    const l1 = 0.45 * 0.1 + 0.55 * 0.9;
    const expected = (0.75 * l1) / (0.75 * l1 + 0.25 * l0);
    expect(Math.abs(unsure[1] - expected)).toBeLessThan(1e-15);
    // An unsure model against the human: the human's label stays on top; a hard one flips it.
    const against = humanAndModel([0.55, 0.45]);
    expect(against[1]).toBeGreaterThan(0.5);
    expect(onlinePosterior(reliabilities, [0, 1], [1, 0])[1]).toBeLessThan(0.5);
  });

  it('is the hard answer when the vector is one-hot, and ignores an all-zero vector', () => {
    const hard = onlinePosterior(reliabilities, [0, 1], [1, 0]);
    const oneHot = humanAndModel([1, 0]);
    expect(maxAbsDifference(oneHot, hard)).toBeLessThan(1e-15);
    const none = humanAndModel([0, 0]);
    expect(Array.from(none)).toEqual(Array.from(onlinePosterior(reliabilities, [0], [1])));
    expect(() => humanAndModel([1])).toThrow(RangeError);
  });

  it('leaves hard answers bit-identical when there is no soft answer', () => {
    const { matrix } = fixtureDataset('bluebirds');
    const K = matrix.nLabels;
    const fitted = reliabilitiesFromConfusion(
      Float64Array.from({ length: matrix.nWorkers * K * K }, (_, i) =>
        i % (K + 1) === 0 ? 0.8 : 0.2 / (K - 1),
      ),
      Float64Array.from({ length: K }, () => 1 / K),
      new Float64Array(K * K).fill(1 / K),
    );
    const policy = { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.9 };
    let compared = 0;
    for (let t = 0; t < matrix.nTasks; t++) {
      const workers: number[] = [];
      const labels: number[] = [];
      for (let r = 0; r < matrix.task.length; r++) {
        if (matrix.task[r] !== t) continue;
        workers.push(matrix.worker[r]);
        labels.push(matrix.label[r]);
      }
      const plain = Array.from(onlinePosterior(fitted, workers, labels));
      expect(Array.from(onlinePosteriorWithSoft(fitted, workers, labels, []))).toEqual(plain);
      expect(Array.from(evaluateTask(fitted, policy, workers, labels).posterior)).toEqual(plain);
      compared++;
    }
    expect(compared).toBe(matrix.nTasks);
  });

  it('counts a soft answer in the posterior but not in the overlap', () => {
    const policy = { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.8 };
    const verdict = evaluateTask(reliabilities, policy, [0], [1], undefined, [
      { worker: 1, probabilities: [0.01, 0.99] },
    ]);
    expect(verdict.confidence).toBeGreaterThan(0.8);
    expect(verdict.topLabel).toBe(1);
    expect(verdict.decision).toBe('CONTINUE'); // one human answer, minOverlap 2
  });
});
