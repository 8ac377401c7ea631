import { glad } from '../../../src/modules/aggregation/algorithms/glad';
import { canonicalResponseOrder, softplus } from '../../../src/modules/aggregation/algorithms/math';
import { ResponseMatrix } from '../../../src/modules/aggregation/algorithms/response-matrix';
import { mulberry32, randomInt } from '../../../src/modules/aggregation/algorithms/rng';
import { goldAccuracy } from '../../helpers/load-dataset';

import {
  expectAllClose,
  matrixOf as matrix,
  shuffled,
  votes,
} from '../../fixtures/aggregation/toy-datasets';

import { fixtureDataset } from './aggregator-checks';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Synthetic crowd from the GLAD model itself: every worker answers every task; the true label is
 * uniform; worker w is right with probability σ(α_w · β_t), else picks a wrong label uniformly.
 */
function gladCrowd(alphas: number[], betas: number[], nLabels: number, seed: number) {
  const rng = mulberry32(seed);
  const truth = betas.map(() => randomInt(rng, nLabels));
  const triples: Array<[number, number, number]> = [];
  betas.forEach((beta, t) =>
    alphas.forEach((alpha, w) => {
      const right = rng() < sigmoid(alpha * beta);
      const wrong = (truth[t] + 1 + randomInt(rng, nLabels - 1)) % nLabels;
      triples.push([t, w, right ? truth[t] : wrong]);
    }),
  );
  return {
    m: matrix(betas.length, alphas.length, nLabels, triples),
    truth: Int32Array.from(truth),
  };
}

function majorityAccuracy(m: ResponseMatrix, truth: Int32Array): number {
  const votes = new Float64Array(m.nTasks * m.nLabels);
  for (let r = 0; r < m.task.length; r++) votes[m.task[r] * m.nLabels + m.label[r]]++;
  let correct = 0;
  for (let t = 0; t < m.nTasks; t++) {
    let best = 0;
    for (let k = 1; k < m.nLabels; k++) {
      if (votes[t * m.nLabels + k] > votes[t * m.nLabels + best]) best = k;
    }
    if (best === truth[t]) correct++;
  }
  return correct / m.nTasks;
}

// Three tasks, three workers, three labels: worker 2 disagrees with the others on task 0.
const toy = votes(3)`
  1 1 2
  0 . 0
  . 2 .
`;

describe('glad', () => {
  it('starts from the E-step at α = 1, β = e, computed independently', () => {
    const sut = glad(toy, { maxIterations: 0 });

    // At the start every answer is right with a = σ(1·e) and each wrong label has (1 − a)/2.
    const a = sigmoid(Math.E);
    const expected: number[] = [];
    let logLikelihood = 0;
    for (let t = 0; t < toy.nTasks; t++) {
      const joint = [0, 1, 2].map(k => {
        let p = 1 / 3;
        for (let r = 0; r < toy.task.length; r++) {
          if (toy.task[r] === t) p *= toy.label[r] === k ? a : (1 - a) / 2;
        }
        return p;
      });
      const evidence = joint.reduce((x, y) => x + y);
      expected.push(...joint.map(p => p / evidence));
      logLikelihood += Math.log(evidence);
    }
    // Gaussian log-priors at their means: −½ log 2π per parameter (3 workers + 3 tasks).
    logLikelihood -= 6 * 0.5 * Math.log(2 * Math.PI);

    expectAllClose(sut.probabilities, expected, 1e-12);
    expect([...sut.labels]).toEqual([1, 0, 2]);
    expect(sut.logLikelihood).toHaveLength(1);
    expect(sut.logLikelihood[0]).toBeCloseTo(logLikelihood, 10);
    expect(sut.iterations).toBe(0);
    expectAllClose(sut.alpha, [1, 1, 1], 0);
    expectAllClose(sut.beta, [Math.E, Math.E, Math.E], 1e-15);
  });

  it('never lets the log posterior fall from one iteration to the next', () => {
    const { m } = gladCrowd([3, 2, 1, 0.5, 0, -1], [0.5, 1, 2, 3, 1, 1, 0.7, 2, 1.5, 1], 3, 11);

    const sut = glad(m, { tolerance: -Infinity, maxIterations: 30 });

    expect(sut.logLikelihood).toHaveLength(31);
    for (let i = 1; i < sut.logLikelihood.length; i++) {
      expect(sut.logLikelihood[i]).toBeGreaterThanOrEqual(sut.logLikelihood[i - 1] - 1e-9);
    }
  });

  it('ends at a stationary point of the M-step objective', () => {
    const { m } = gladCrowd([2, 1.5, 1, 0.3, -0.5], [1, 2, 0.5, 1, 3, 1, 1.2, 0.8], 2, 5);
    const sut = glad(m, { maxIterations: 500, tolerance: 1e-12, mStepIterations: 20 });
    const K = m.nLabels;

    // With q_r = P(answer r is right), ∂Q/∂α_w = Σ (q_r − σ_r) β_t − (α_w − 1) must vanish.
    const gradient = new Float64Array(m.nWorkers);
    for (let w = 0; w < m.nWorkers; w++) gradient[w] = 1 - sut.alpha[w];
    for (let r = 0; r < m.task.length; r++) {
      const t = m.task[r];
      const w = m.worker[r];
      const q = sut.probabilities[t * K + m.label[r]];
      gradient[m.worker[r]] += (q - sigmoid(sut.alpha[w] * sut.beta[t])) * sut.beta[t];
    }
    expect(sut.converged).toBe(true);
    expectAllClose(gradient, new Float64Array(m.nWorkers), 1e-4);
  });

  it('ranks planted abilities and beats majority vote on a crowd with a saboteur', () => {
    const alphas = [3, 3, 2, 0.2, 0.2, 0, -2];
    const betas = Array.from({ length: 200 }, (_, t) => [0.4, 1, 2.5][t % 3]);
    const { m, truth } = gladCrowd(alphas, betas, 3, 2024);

    const sut = glad(m);

    expect(sut.converged).toBe(true);
    expect(Math.min(sut.alpha[0], sut.alpha[1], sut.alpha[2])).toBeGreaterThan(
      Math.max(sut.alpha[3], sut.alpha[4], sut.alpha[5]),
    );
    expect(sut.alpha[6]).toBeLessThan(0);
    const accuracy = goldAccuracy(sut.labels, truth);
    expect(accuracy).toBeGreaterThanOrEqual(majorityAccuracy(m, truth));
    expect(accuracy).toBeGreaterThan(0.9);
    // Easy tasks (β = 2.5) come out easier than hard ones (β = 0.4) on average.
    const meanBeta = (phase: number) =>
      betas.reduce((s, _, t) => (t % 3 === phase ? s + sut.beta[t] : s), 0) / (betas.length / 3);
    expect(meanBeta(2)).toBeGreaterThan(meanBeta(0));
  });

  it('gives the same result whatever order the responses come in', () => {
    const { m } = gladCrowd([2, 1, 0.5, 0], [1, 2, 0.5, 1, 1.5, 0.8], 3, 3);

    const base = glad(m);
    for (const seed of [1, 2, 3]) {
      const sut = glad(shuffled(m, seed));
      expect([...sut.labels]).toEqual([...base.labels]);
      expectAllClose(sut.probabilities, base.probabilities, 1e-12);
      expectAllClose(sut.alpha, base.alpha, 1e-12);
      expectAllClose(sut.beta, base.beta, 1e-12);
    }
  });

  it('gives the same result when workers are numbered differently', () => {
    const { m } = gladCrowd([2, 1, 0.5, 0], [1, 2, 0.5, 1, 1.5, 0.8], 3, 4);
    const renumber = [2, 0, 3, 1];

    const base = glad(m);
    const sut = glad({ ...m, worker: m.worker.map(w => renumber[w]) });

    expectAllClose(sut.probabilities, base.probabilities, 1e-9);
    expectAllClose(
      renumber.map(w => sut.alpha[w]),
      base.alpha,
      1e-9,
    );
  });

  it('keeps gold tasks at their known label and learns from them', () => {
    const gold = Int32Array.from([2, -1, -1]);

    const sut = glad(toy, { gold });

    expect([...sut.probabilities.subarray(0, 3)]).toEqual([0, 0, 1]);
    expect(sut.labels[0]).toBe(2);
    // Worker 2 gave the gold label on task 0, workers 0 and 1 did not.
    expect(sut.alpha[2]).toBeGreaterThan(sut.alpha[0]);
    expect(sut.alpha[2]).toBeGreaterThan(sut.alpha[1]);
  });

  it('uses the label priors it is given', () => {
    const tie = matrix(1, 2, 2, [
      [0, 0, 0],
      [0, 1, 1],
    ]);

    expect(glad(tie).labels[0]).toBe(0); // a perfect tie goes to the lowest label
    expect(glad(tie, { labelPriors: Float64Array.from([1, 3]) }).labels[0]).toBe(1);
    expect(() => glad(tie, { labelPriors: Float64Array.from([1]) })).toThrow(RangeError);
    expect(() => glad(tie, { labelPriors: Float64Array.from([1, 0]) })).toThrow(RangeError);
  });

  it('returns empty results for empty input', () => {
    const sut = glad(matrix(2, 3, 4, []));

    expect([...sut.labels]).toEqual([-1, -1]);
    expect([...sut.probabilities]).toEqual(new Array(8).fill(0));
    expect([...sut.alpha]).toEqual([1, 1, 1]);
    expect(sut.iterations).toBe(0);
    expect(sut.logLikelihood).toEqual([]);
  });

  it('leaves unanswered tasks and idle workers at their priors', () => {
    const m = votes(2)`
      1 1 .
      . . .
      0 . .
    `;

    const sut = glad(m);

    expect(sut.labels[1]).toBe(-1);
    expect([...sut.probabilities.subarray(2, 4)]).toEqual([0, 0]);
    expect(sut.alpha[2]).toBeCloseTo(1, 12);
    expect(sut.beta[1]).toBeCloseTo(Math.E, 12);
  });

  it('gives every answered task label 0 when there is one label', () => {
    const sut = glad(matrix(2, 1, 1, [[1, 0, 0]]));

    expect([...sut.labels]).toEqual([-1, 0]);
    expect([...sut.probabilities]).toEqual([0, 1]);
  });

  it('does not mutate its input', () => {
    const { m } = gladCrowd([2, 1, 0], [1, 2, 0.5], 2, 9);
    const copy = { task: m.task.slice(), worker: m.worker.slice(), label: m.label.slice() };
    const gold = Int32Array.from([1, -1, -1]);

    glad(m, { gold });

    expect(m.task).toEqual(copy.task);
    expect(m.worker).toEqual(copy.worker);
    expect(m.label).toEqual(copy.label);
    expect([...gold]).toEqual([1, -1, -1]);
  });

  it('rejects out-of-range responses', () => {
    expect(() => glad(matrix(1, 1, 2, [[0, 0, 2]]))).toThrow(RangeError);
    expect(() => glad(toy, { gold: Int32Array.from([0]) })).toThrow(RangeError);
  });

  // crowd-kit 1.4.1 GLAD on the same files (shared/datasets/README.md): bluebirds 0.7222, s4_dog 0.8340.
  it.each([
    ['bluebirds', 0.72],
    ['s4_dog', 0.83],
  ])('scores at least %s ≥ %s against gold, as crowd-kit does', (name, floor) => {
    const { matrix: m, gold } = fixtureDataset(name, { keepRepeatedAnswers: true });

    const sut = glad(m);

    expect(sut.converged).toBe(true);
    expect(goldAccuracy(sut.labels, gold)).toBeGreaterThanOrEqual(floor);
  });
});

describe('softplus', () => {
  it('is log(1 + eˣ) without overflow or underflow', () => {
    for (const x of [-30, -2, 0, 0.5, 3, 30]) {
      expect(softplus(x)).toBeCloseTo(Math.log(1 + Math.exp(x)), 12);
    }
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(softplus(-800)).toBeGreaterThanOrEqual(0);
  });
});

describe('canonicalResponseOrder', () => {
  it('sorts responses by task, then worker, then label', () => {
    const m = matrix(3, 3, 2, [
      [2, 0, 1],
      [0, 2, 0],
      [0, 1, 1],
      [2, 0, 0],
      [1, 1, 0],
    ]);

    const order = canonicalResponseOrder(m);

    expect([...order].map(r => [m.task[r], m.worker[r], m.label[r]])).toEqual([
      [0, 1, 1],
      [0, 2, 0],
      [1, 1, 0],
      [2, 0, 0],
      [2, 0, 1],
    ]);
  });
});
