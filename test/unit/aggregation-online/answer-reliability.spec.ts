import {
  RELIABILITY_PRIOR,
  learnedReliability,
  oneCoinAnswerPosterior,
} from '../../../src/modules/aggregation/online/algorithms/answer-reliability';

/** The agreement matrix of answers given as values, equal values agreeing fully. */
function agreementOf(values: number[]): Float64Array {
  const n = values.length;
  return Float64Array.from({ length: n * n }, (_, ij) =>
    values[Math.floor(ij / n)] === values[ij % n] ? 1 : 0,
  );
}

describe('learned answer reliability (one-coin over candidate answers)', () => {
  it('shrinks the mean agreement towards the prior by its pseudo-answers', () => {
    const { mean, weight } = RELIABILITY_PRIOR;
    const r = learnedReliability(Float64Array.from([4, 0, 0]), Int32Array.from([4, 4, 0]));
    expect(r[0]).toBeCloseTo((4 + weight * mean) / (4 + weight), 12);
    expect(r[1]).toBeCloseTo((weight * mean) / (4 + weight), 12);
    expect(r[2]).toBeCloseTo(mean, 12);
    expect(() => learnedReliability(new Float64Array(2), new Int32Array(1))).toThrow(RangeError);
  });

  it('gives one answer its worker’s reliability, and nothing with no answer', () => {
    expect(oneCoinAnswerPosterior(Float64Array.of(0.9), agreementOf([1])).confidence).toBeCloseTo(
      0.9,
      12,
    );
    expect(oneCoinAnswerPosterior(Float64Array.of(0.3), agreementOf([1])).confidence).toBeCloseTo(
      0.3,
      12,
    );
    expect(oneCoinAnswerPosterior(new Float64Array(0), new Float64Array(0))).toEqual({
      leader: -1,
      confidence: 0,
    });
  });

  it('follows the reliable worker, and a reliable dissent costs more than an unreliable one', () => {
    // Written out: candidates ∝ r1(1 − r2), (1 − r1)r2; none ∝ (1 − r1)(1 − r2).
    const posterior = (r1: number, r2: number) =>
      (r1 * (1 - r2)) / (r1 * (1 - r2) + (1 - r1) * r2 + (1 - r1) * (1 - r2));
    const reliableDissent = oneCoinAnswerPosterior(Float64Array.of(0.9, 0.7), agreementOf([1, 2]));
    const unreliableDissent = oneCoinAnswerPosterior(
      Float64Array.of(0.9, 0.3),
      agreementOf([1, 2]),
    );
    expect(reliableDissent.leader).toBe(0);
    expect(reliableDissent.confidence).toBeCloseTo(posterior(0.9, 0.7), 12);
    expect(unreliableDissent.confidence).toBeCloseTo(posterior(0.9, 0.3), 12);
    expect(unreliableDissent.confidence).toBeGreaterThan(reliableDissent.confidence);
    // The order of the answers does not matter: the reliable one leads.
    expect(oneCoinAnswerPosterior(Float64Array.of(0.3, 0.9), agreementOf([2, 1])).leader).toBe(1);
  });

  it('merges identical answers into one candidate and weighs graded agreement', () => {
    // Two agreeing workers: r1 r2 against (1 − r1)(1 − r2).
    const agreeing = oneCoinAnswerPosterior(Float64Array.of(0.7, 0.7), agreementOf([1, 1]));
    expect(agreeing.confidence).toBeCloseTo(0.49 / (0.49 + 0.09), 12);
    // A half-agreeing second answer sits between agreeing and dissenting.
    const half = oneCoinAnswerPosterior(
      Float64Array.of(0.7, 0.7),
      Float64Array.from([1, 0.5, 0.5, 1]),
    );
    const dissent = oneCoinAnswerPosterior(Float64Array.of(0.7, 0.7), agreementOf([1, 2]));
    expect(half.confidence).toBeLessThan(agreeing.confidence);
    expect(half.confidence).toBeGreaterThan(dissent.confidence);
  });
});
