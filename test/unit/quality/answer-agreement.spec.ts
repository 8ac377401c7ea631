import {
  boxF1,
  meanPairwiseAgreement,
  observedPairwiseAgreement,
  ratingAgreement,
  spanF1,
} from '../../../src/modules/quality/algorithms/answer-agreement';
import { collectEvidence } from '../../../src/modules/quality/algorithms/collect-evidence';
import { historyFromEvents } from '../../../src/modules/quality/algorithms/worker-history';
import {
  boundedMeanInterval,
  wilsonInterval,
} from '../../../src/modules/quality/algorithms/wilson-interval';

const span = (start: number, end: number, type = 0) => ({ start, end, type });
const box = (x: number, y: number, w = 10, h = 10, label = 0) => ({ x, y, w, h, label });

describe('pairwise agreement of structured answers', () => {
  it('span F1 counts exact (start, end, type) matches, symmetric, 1 when both are empty', () => {
    const a = [span(0, 1), span(2, 4), span(5, 6, 1)];
    const b = [span(0, 1), span(2, 3), span(5, 6, 0)];
    // One match of 3 and 3: P = R = 1/3.
    expect(spanF1(a, b)).toBeCloseTo(1 / 3, 12);
    expect(spanF1(b, a)).toBeCloseTo(1 / 3, 12);
    expect(spanF1([span(0, 1)], [span(0, 1), span(3, 4)])).toBeCloseTo(2 / 3, 12);
    expect(spanF1([], [])).toBe(1);
    expect(spanF1([], [span(0, 1)])).toBe(0);
  });

  it('box F1 matches one-to-one within a class at IoU ≥ 0.5', () => {
    // IoU of boxes shifted by 2 of 10: 80 / 120 = 0.667; by 5: 50 / 150 = 0.333.
    expect(boxF1([box(0, 0)], [box(2, 0)], 1)).toBe(1);
    expect(boxF1([box(0, 0)], [box(5, 0)], 1)).toBe(0);
    // Two drawn on one object: only one matches (P = 1/2, R = 1).
    expect(boxF1([box(0, 0), box(1, 0)], [box(0, 0)], 1)).toBeCloseTo(2 / 3, 12);
    // Same place, other class: no match.
    expect(boxF1([box(0, 0, 10, 10, 1)], [box(0, 0)], 2)).toBe(0);
    expect(boxF1([], [], 1)).toBe(1);
  });

  it('ratings agree within the tolerance', () => {
    expect(ratingAgreement(3, 4, 1)).toBe(1);
    expect(ratingAgreement(3, 5, 1)).toBe(0);
    expect(ratingAgreement(3, 3, 0)).toBe(1);
  });

  it('averages each answer over the other workers on its task, NaN when alone', () => {
    // Task 0: workers 0, 1, 2; task 1: worker 0 twice (no other worker); task 2: workers 1, 2.
    const task = Int32Array.from([0, 0, 0, 1, 1, 2, 2]);
    const worker = Int32Array.from([0, 1, 2, 0, 0, 1, 2]);
    const value = [1, 1, 0, 5, 5, 2, 2];
    const agreement = meanPairwiseAgreement(task, worker, (i, j) =>
      value[i] === value[j] ? 1 : 0,
    );
    expect(Array.from(agreement.subarray(0, 3))).toEqual([0.5, 0.5, 0]);
    expect(Number.isNaN(agreement[3]) && Number.isNaN(agreement[4])).toBe(true);
    expect(Array.from(agreement.subarray(5))).toEqual([1, 1]);
    expect(() => meanPairwiseAgreement(task, new Int32Array(2), () => 1)).toThrow(RangeError);
  });
});

describe('graded agreement in quality rules', () => {
  it('boundedMeanInterval is the Wilson interval at 0/1 outcomes and takes graded sums', () => {
    expect(boundedMeanInterval(8, 10)).toEqual(wilsonInterval(8, 10));
    const graded = boundedMeanInterval(2.5, 4);
    expect(graded.value).toBe(0.625);
    expect(graded.lower).toBeLessThan(0.625);
    expect(graded.upper).toBeGreaterThan(0.625);
    expect(() => boundedMeanInterval(4.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(2.5, 4)).toThrow(RangeError);
  });

  it('CONSENSUS_AGREEMENT averages graded scores and skips answers with none', () => {
    const event = (at: number, agreementScore: number | null) => ({
      submittedAt: at,
      durationMs: 1000,
      isGold: false,
      goldCorrect: null,
      agreedWithConfidentConsensus: true, // not read when a graded score is given
      agreementScore,
      answerKey: String(at),
    });
    const history = historyFromEvents([event(1, 0.5), event(2, null), event(3, 0.25), event(4, 1)]);
    const evidence = collectEvidence(
      {
        kind: 'CONSENSUS_AGREEMENT',
        window: { lastN: null, sinceSeconds: null },
        minCount: 3,
        confidenceLevel: 0.95,
      },
      history,
      10,
    );
    expect(evidence.count).toBe(3);
    expect(evidence.successes).toBeCloseTo(1.75, 12);
    expect(evidence.metrics.agreement).toBeCloseTo(1.75 / 3, 12);
    expect(() => historyFromEvents([event(1, 1.5)])).toThrow(RangeError);
  });
});

describe('observedPairwiseAgreement', () => {
  it('averages each task’s answers, then the tasks that have a pair', () => {
    // Task 0: answers agreeing 1, 0.5, 0.5 → P_0 = 2/3; task 1: 0.25, 0.25 → 1/4; task 2: a
    // single answer (NaN) counts as rated, not pairable. P_a = (2/3 + 1/4) / 2 = 11/24.
    const sut = observedPairwiseAgreement(
      Int32Array.of(0, 0, 0, 1, 1, 2),
      Float64Array.of(1, 0.5, 0.5, 0.25, 0.25, NaN),
    );

    expect(sut.value).toBeCloseTo(11 / 24, 14);
    expect(sut).toMatchObject({ ratedTasks: 3, pairableTasks: 2 });
  });

  it('is undefined without a pair', () => {
    expect(observedPairwiseAgreement(Int32Array.of(0), Float64Array.of(NaN)).value).toBeNaN();
  });
});
