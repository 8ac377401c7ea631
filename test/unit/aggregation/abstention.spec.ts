import { applyAbstention } from '../../../src/modules/aggregation/algorithms/abstention';

describe('applyAbstention', () => {
  const result = {
    // task 0 confident, task 1 unsure, task 2 without responses, task 3 an exact tie.
    probabilities: Float64Array.from([0.95, 0.05, 0.55, 0.45, 0, 0, 0.5, 0.5]),
    labels: Int32Array.from([0, 0, -1, 0]),
  };

  it('keeps labels whose top posterior reaches the threshold and abstains elsewhere', () => {
    const sut = applyAbstention(result, 0.9);
    expect([...sut.labels]).toEqual([0, -1, -1, -1]);
    expect([...sut.confidence]).toEqual([0.95, 0.55, 0, 0.5]);
  });

  it('keeps every answered task at threshold 0 (a tie keeps its lowest-index label)', () => {
    expect([...applyAbstention(result, 0).labels]).toEqual([0, 0, -1, 0]);
    expect([...applyAbstention(result, 0.5).labels]).toEqual([0, 0, -1, 0]);
  });

  it('does not mutate the result and rejects thresholds outside [0, 1]', () => {
    applyAbstention(result, 0.99);
    expect([...result.labels]).toEqual([0, 0, -1, 0]);
    expect(() => applyAbstention(result, 1.5)).toThrow(RangeError);
    expect(() => applyAbstention(result, NaN)).toThrow(RangeError);
  });

  it('handles an empty result', () => {
    const sut = applyAbstention(
      { probabilities: new Float64Array(0), labels: new Int32Array(0) },
      0.5,
    );
    expect(sut.labels.length).toBe(0);
  });
});
