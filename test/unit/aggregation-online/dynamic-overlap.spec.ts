import {
  onlinePosterior,
  reliabilitiesFromConfusion,
} from '../../../src/modules/aggregation/algorithms/online-posterior';
import {
  DEFAULT_PRIOR_STRENGTH,
  OverlapPolicy,
  defaultBaseAccuracy,
  evaluateTask,
  overlapDecision,
  posteriorMargin,
  shrinkReliabilities,
  validateOverlapPolicy,
} from '../../../src/modules/aggregation/online/algorithms/dynamic-overlap';

const dynamic: OverlapPolicy = { minOverlap: 2, maxOverlap: 5, confidenceTarget: 0.95 };

/** Two workers, binary: worker 0 is 90% right, worker 1 is 60% right; unknown = 75%. */
function binaryReliabilities(priors = [0.5, 0.5]) {
  return reliabilitiesFromConfusion(
    Float64Array.from([0.9, 0.1, 0.1, 0.9, 0.6, 0.4, 0.4, 0.6]),
    Float64Array.from(priors),
    Float64Array.from([0.75, 0.25, 0.25, 0.75]),
  );
}

describe('overlapDecision', () => {
  it.each([
    [1, 0.99, 'CONTINUE'], // confident but below minOverlap
    [2, 0.99, 'COMPLETE_CONFIDENT'],
    [2, 0.95, 'COMPLETE_CONFIDENT'], // the target itself is enough
    [4, 0.94, 'CONTINUE'],
    [5, 0.6, 'COMPLETE_MAX'],
    [5, 0.97, 'COMPLETE_CONFIDENT'], // confident at max says why it completed
    [6, 0.5, 'COMPLETE_MAX'],
  ] as const)('n = %d, confidence %d → %s', (n, confidence, expected) => {
    expect(overlapDecision(dynamic, n, confidence)).toBe(expected);
  });

  it('never completes early without a target', () => {
    const policy = { minOverlap: 1, maxOverlap: 3, confidenceTarget: null };
    expect(overlapDecision(policy, 2, 1)).toBe('CONTINUE');
    expect(overlapDecision(policy, 3, 1)).toBe('COMPLETE_MAX');
  });

  it('treats fixed overlap k as min = max = k: completes at exactly k answers', () => {
    const fixed = { minOverlap: 3, maxOverlap: 3, confidenceTarget: 0.9 };
    expect(overlapDecision(fixed, 2, 1)).toBe('CONTINUE');
    expect(overlapDecision(fixed, 3, 0.5)).toBe('COMPLETE_MAX');
    expect(overlapDecision(fixed, 3, 0.95)).toBe('COMPLETE_CONFIDENT');
  });
});

describe('validateOverlapPolicy', () => {
  it.each([
    [{ minOverlap: 0, maxOverlap: 3, confidenceTarget: 0.9 }, /minOverlap/],
    [{ minOverlap: 3, maxOverlap: 2, confidenceTarget: 0.9 }, /maxOverlap/],
    [{ minOverlap: 1.5, maxOverlap: 2, confidenceTarget: 0.9 }, /minOverlap/],
    [{ minOverlap: 1, maxOverlap: 2, confidenceTarget: 0 }, /confidenceTarget/],
    [{ minOverlap: 1, maxOverlap: 2, confidenceTarget: 1.01 }, /confidenceTarget/],
  ])('rejects %j', (policy, message) => {
    expect(() => validateOverlapPolicy(policy)).toThrow(message);
  });

  it('accepts a fixed overlap and a null target', () => {
    expect(() =>
      validateOverlapPolicy({ minOverlap: 3, maxOverlap: 3, confidenceTarget: null }),
    ).not.toThrow();
  });
});

describe('evaluateTask', () => {
  it('returns the online posterior, its argmax and the decision', () => {
    const reliabilities = binaryReliabilities();
    const verdict = evaluateTask(reliabilities, dynamic, [0, 1], [1, 1]);
    const expected = onlinePosterior(reliabilities, [0, 1], [1, 1]);
    expect(Array.from(verdict.posterior)).toEqual(Array.from(expected));
    // 0.5·0.9·0.6 / (0.5·0.9·0.6 + 0.5·0.1·0.4) = 0.27 / 0.29
    expect(verdict.posterior[1]).toBeCloseTo(0.27 / 0.29, 14);
    expect(verdict.topLabel).toBe(1);
    expect(verdict.confidence).toBe(verdict.posterior[1]);
    expect(verdict.decision).toBe('CONTINUE'); // 0.931 < 0.95
  });

  it('completes two agreeing good workers but not two agreeing weak ones', () => {
    const reliabilities = reliabilitiesFromConfusion(
      Float64Array.from([0.97, 0.03, 0.03, 0.97, 0.97, 0.03, 0.03, 0.97, 0.6, 0.4, 0.4, 0.6]),
      Float64Array.from([0.5, 0.5]),
      Float64Array.from([0.6, 0.4, 0.4, 0.6]),
    );
    expect(evaluateTask(reliabilities, dynamic, [0, 1], [0, 0]).decision).toBe(
      'COMPLETE_CONFIDENT',
    );
    expect(evaluateTask(reliabilities, dynamic, [2, 99], [0, 0]).decision).toBe('CONTINUE');
  });

  it('resolves an exact tie to the lowest label', () => {
    const verdict = evaluateTask(binaryReliabilities(), dynamic, [0, 0], [0, 1]);
    expect(verdict.posterior[0]).toBe(verdict.posterior[1]);
    expect(verdict.topLabel).toBe(0);
  });

  it('returns the class priors and CONTINUE without answers', () => {
    const verdict = evaluateTask(binaryReliabilities([0.3, 0.7]), dynamic, [], []);
    expect(verdict.posterior[1]).toBeCloseTo(0.7, 15);
    expect(verdict.decision).toBe('CONTINUE');
  });
});

describe('shrinkReliabilities', () => {
  const fitted = [0.9, 0.1, 0.2, 0.8];

  it('uses the fit unchanged with priorStrength 0 (bit for bit)', () => {
    const priors = Float64Array.from([0.37, 0.63]);
    const shrunk = shrinkReliabilities(
      [{ confusion: fitted, answers: 3, goldAnswers: 1, goldCorrect: 0 }],
      priors,
      { priorStrength: 0 },
    );
    const exact = reliabilitiesFromConfusion(
      Float64Array.from(fitted),
      priors,
      new Float64Array(4),
    );
    expect(Array.from(shrunk.emission.subarray(0, 4))).toEqual(
      Array.from(exact.emission.subarray(0, 4)),
    );
    expect(Array.from(shrunk.classPriors)).toEqual(Array.from(exact.classPriors));
  });

  it('pulls a worker with few answers toward the gold prior more than one with many', () => {
    const uniform = [0.5, 0.5];
    const r = shrinkReliabilities(
      [
        { confusion: fitted, answers: 2, goldAnswers: 0, goldCorrect: 0 },
        { confusion: fitted, answers: 2000, goldAnswers: 0, goldCorrect: 0 },
      ],
      uniform,
    );
    // emission[((w * K) + l) * K + k] = π_w[k][l]: π[0][0] of each worker.
    const fewAnswers = r.emission[0];
    const manyAnswers = r.emission[4];
    // a₀ = 0.75 for K = 2: n p = 1 answer vs β → (0.9 + β·0.75) / (1 + β).
    const beta = DEFAULT_PRIOR_STRENGTH;
    expect(fewAnswers).toBeCloseTo((0.9 + beta * 0.75) / (1 + beta), 12);
    expect(manyAnswers).toBeCloseTo((1000 * 0.9 + beta * 0.75) / (1000 + beta), 12);
    expect(fewAnswers).toBeLessThan(manyAnswers);
  });

  it('gives unknown workers the gold-record prior: better gold, stronger vote', () => {
    const base = shrinkReliabilities([], [0.5, 0.5]);
    const goodGold = shrinkReliabilities([], [0.5, 0.5], {
      unknownWorkerGold: { goldAnswers: 8, goldCorrect: 8 },
    });
    // unknown worker block is w = nWorkers = 0; π[0][0]
    expect(base.emission[0]).toBeCloseTo(defaultBaseAccuracy(2), 15);
    expect(goodGold.emission[0]).toBeCloseTo((8 + 2 * 0.75) / 10, 15);
    const p = (rel: typeof base) => onlinePosterior(rel, [5, 6], [1, 1])[1];
    expect(p(goodGold)).toBeGreaterThan(p(base));
  });

  it('falls back to uniform class priors when the fit has none', () => {
    const r = shrinkReliabilities([], [0, 0, 0]);
    expect(Array.from(r.classPriors)).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('rejects a confusion of the wrong size', () => {
    expect(() =>
      shrinkReliabilities(
        [{ confusion: [1, 0], answers: 1, goldAnswers: 0, goldCorrect: 0 }],
        [0.5, 0.5],
      ),
    ).toThrow(RangeError);
  });
});

describe('posteriorMargin (the serving priority)', () => {
  it.each([
    [[0.5, 0.5], 0],
    [[0.9, 0.1], 0.8],
    [[0.2, 0.7, 0.1], 0.5],
    [[0.4, 0.2, 0.4], 0],
    [[1], 1],
    [[], 0],
  ])('%j → %d', (posterior, margin) => {
    expect(posteriorMargin(posterior)).toBeCloseTo(margin, 12);
  });
});
