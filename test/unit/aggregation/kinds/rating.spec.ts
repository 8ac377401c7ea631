import {
  ordinalRating,
  normalCdf,
  ratingTaskPosterior,
  answerProbabilities,
} from '../../../../src/modules/aggregation/algorithms/kinds/ordinal-rating';
import {
  medianRating,
  ratingScore,
  roundedMeanRating,
} from '../../../../src/modules/aggregation/algorithms/kinds/rating-baselines';
import { ResponseMatrix } from '../../../../src/modules/aggregation/algorithms/response-matrix';
import { matrixOf, votes } from '../../../fixtures/aggregation/toy-datasets';

/** 6 tasks with true grades 0,1,2,0,1,2; workers 0-2 exact, worker 3 one grade lenient (capped). */
function toy(): ResponseMatrix {
  const truth = [0, 1, 2, 0, 1, 2];
  const rows: Array<[number, number, number]> = [];
  truth.forEach((grade, t) => {
    for (let w = 0; w < 3; w++) rows.push([t, w, grade]);
    rows.push([t, 3, Math.min(2, grade + 1)]);
  });
  return matrixOf(6, 4, 3, rows);
}

describe('ordinalRating', () => {
  it('recovers the grades and learns that the lenient worker rates high', () => {
    const result = ordinalRating(toy());
    expect([...result.labels]).toEqual([0, 1, 2, 0, 1, 2]);
    expect(result.model.bias[3]).toBeGreaterThan(result.model.bias[0]);
    for (const c of result.confidence) expect(c).toBeGreaterThan(0.5);
  });

  it('does not depend on the order of the answers', () => {
    const m = toy();
    const order = Array.from({ length: m.task.length }, (_, i) => m.task.length - 1 - i);
    const shuffled = {
      ...m,
      task: Int32Array.from(order, i => m.task[i]),
      worker: Int32Array.from(order, i => m.worker[i]),
      label: Int32Array.from(order, i => m.label[i]),
    };
    const a = ordinalRating(m);
    const b = ordinalRating(shuffled);
    expect([...b.labels]).toEqual([...a.labels]);
    for (let j = 0; j < a.probabilities.length; j++)
      expect(b.probabilities[j]).toBeCloseTo(a.probabilities[j], 9);
  });

  it('clamps gold tasks to their grade', () => {
    const gold = Int32Array.from([2, -1, -1, -1, -1, -1]);
    const result = ordinalRating(toy(), { gold });
    expect(result.labels[0]).toBe(2);
    expect(result.confidence[0]).toBe(1);
  });

  it('returns -1 for tasks without answers and handles no input', () => {
    const result = ordinalRating(matrixOf(2, 1, 3, [[0, 0, 1]]));
    expect(result.labels[1]).toBe(-1);
    expect(ordinalRating(matrixOf(0, 0, 3, [])).labels.length).toBe(0);
  });

  it('scores a task online from the learned model', () => {
    const result = ordinalRating(toy());
    expect(ratingTaskPosterior(result.model, [0, 1], [2, 2]).label).toBe(2);
    expect(ratingTaskPosterior(result.model, [], []).confidence).toBe(0);
  });
});

describe('ordered-probit cells', () => {
  it('sum to one per true grade and follow the bias', () => {
    const cells = answerProbabilities(
      3,
      0.8,
      0.5,
      Float64Array.from([0.5, 1.5]),
      new Float64Array(9),
    );
    for (let k = 0; k < 3; k++)
      expect(cells[k * 3] + cells[k * 3 + 1] + cells[k * 3 + 2]).toBeCloseTo(1, 6);
    expect(cells[0 * 3 + 1]).toBeGreaterThan(cells[0 * 3 + 0]); // lenient: true 0 read as 1
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
  });
});

describe('rating baselines', () => {
  const m = votes(3)`
    0 2 2 0
    1 2 . .
    0 1 2 .
  `;

  it('median: the lower median', () => expect([...medianRating(m)]).toEqual([0, 1, 1]));
  it('rounded mean: half up', () => expect([...roundedMeanRating(m)]).toEqual([1, 2, 1]));
  it('scores accuracy and mean absolute error over gold tasks with a prediction', () => {
    expect(ratingScore(Int32Array.from([0, 2, -1]), Int32Array.from([1, 2, 0]))).toEqual({
      accuracy: 0.5,
      meanAbsoluteError: 0.5,
      scored: 2,
    });
  });
});
