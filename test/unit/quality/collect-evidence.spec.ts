import {
  collectEvidence,
  historyNeeded,
  median,
} from '../../../src/modules/quality/algorithms/collect-evidence';
import {
  parseQualityRule,
  RuleCollector,
} from '../../../src/modules/quality/algorithms/quality-rule';
import { wilsonInterval } from '../../../src/modules/quality/algorithms/wilson-interval';
import {
  AnswerEvent,
  historyFromEvents,
  WorkerHistoryBuilder,
} from '../../../src/modules/quality/algorithms/worker-history';
import { answerAt as answer, MINUTE } from '../../fixtures/quality/answer-events';

const gold = (m: number, correct: boolean): AnswerEvent =>
  answer(m, { isGold: true, goldCorrect: correct });

function collector(
  kind: RuleCollector['kind'],
  window: { lastN?: number; sinceSeconds?: number } = {},
  minCount = 1,
): RuleCollector {
  const metric = {
    GOLD_ACCURACY: 'accuracy',
    ANSWER_TIME: 'medianSeconds',
    CONSENSUS_AGREEMENT: 'agreement',
    SAME_ANSWER_SHARE: 'share',
  }[kind];
  return parseQualityRule({
    name: 'test',
    collector: { kind, window, minCount },
    conditions: [{ metric, op: '>=', value: 0 }],
    action: { kind: 'FLAG' },
  }).collector;
}

describe(collectEvidence.name, () => {
  it('counts only gold answers for GOLD_ACCURACY, the newest lastN of them', () => {
    // Golds at minutes 1..6: right, wrong, right, right, wrong, right; ordinary answers between.
    const outcomes = [true, false, true, true, false, true];
    const events = outcomes.flatMap((correct, i) => [gold(2 * i + 1, correct), answer(2 * i + 2)]);
    const sut = collectEvidence(
      collector('GOLD_ACCURACY', { lastN: 4 }, 3),
      historyFromEvents(events),
      13 * MINUTE,
    );

    // The newest 4 golds: right, right, wrong, right.
    const expected = wilsonInterval(3, 4);
    expect(sut).toMatchObject({
      kind: 'GOLD_ACCURACY',
      count: 4,
      minCount: 3,
      sufficient: true,
      successes: 3,
      metrics: { accuracy: 0.75, accuracyLower: expected.lower, accuracyUpper: expected.upper },
      window: {
        lastN: 4,
        sinceSeconds: null,
        from: 5 * MINUTE,
        to: 11 * MINUTE,
        firstIndex: 4,
        endIndex: 12,
      },
    });
  });

  it('limits the window by time with sinceSeconds, and by both limits together', () => {
    const events = [
      gold(0, false),
      gold(10, false),
      gold(50, true),
      gold(55, true),
      gold(59, false),
    ];
    const history = historyFromEvents(events);
    const lastHour = collectEvidence(
      collector('GOLD_ACCURACY', { sinceSeconds: 15 * 60 }),
      history,
      60 * MINUTE,
    );
    expect(lastHour).toMatchObject({ count: 3, successes: 2 });
    expect(lastHour.window.from).toBe(50 * MINUTE);

    const both = collectEvidence(
      collector('GOLD_ACCURACY', { sinceSeconds: 15 * 60, lastN: 2 }),
      history,
      60 * MINUTE,
    );
    expect(both).toMatchObject({ count: 2, successes: 1 });

    // An answer exactly at the cutoff is inside.
    const edge = collectEvidence(
      collector('GOLD_ACCURACY', { sinceSeconds: 10 * 60 }),
      history,
      60 * MINUTE,
    );
    expect(edge.count).toBe(3);
  });

  it('reports insufficient evidence below minCount but still shows the figures', () => {
    const sut = collectEvidence(
      collector('GOLD_ACCURACY', {}, 5),
      historyFromEvents([gold(1, false), gold(2, true)]),
      3 * MINUTE,
    );
    expect(sut).toMatchObject({ count: 2, sufficient: false, metrics: { accuracy: 0.5 } });
  });

  it('gives NaN metrics and an empty window when nothing is relevant', () => {
    const sut = collectEvidence(
      collector('GOLD_ACCURACY'),
      historyFromEvents([answer(1), answer(2)]),
      3 * MINUTE,
    );
    expect(sut.count).toBe(0);
    expect(sut.metrics.accuracy).toBeNaN();
    expect(sut.metrics.accuracyUpper).toBeNaN();
    expect(sut.window).toMatchObject({ from: null, to: null, firstIndex: 2, endIndex: 2 });
  });

  it('measures agreement only on answers whose task has a confident consensus', () => {
    const events = [
      answer(1, { agreedWithConfidentConsensus: true }),
      answer(2, { agreedWithConfidentConsensus: null }),
      answer(3, { agreedWithConfidentConsensus: false }),
      answer(4, { agreedWithConfidentConsensus: false }),
      answer(5, { agreedWithConfidentConsensus: true }),
    ];
    const sut = collectEvidence(
      collector('CONSENSUS_AGREEMENT'),
      historyFromEvents(events),
      6 * MINUTE,
    );
    expect(sut).toMatchObject({ count: 4, successes: 2, metrics: { agreement: 0.5 } });
    expect(sut.metrics.agreementLower).toBeCloseTo(wilsonInterval(2, 4).lower, 15);
  });

  it('takes the median answer time in seconds over every answer', () => {
    const durations = [4000, 1000, 30_000, 2000];
    const events = durations.map((durationMs, i) =>
      answer(i, { durationMs, isGold: i === 0, goldCorrect: i === 0 ? true : null }),
    );
    const all = collectEvidence(collector('ANSWER_TIME'), historyFromEvents(events), 5 * MINUTE);
    expect(all.metrics.medianSeconds).toBe(3); // (2 + 4) / 2
    const last3 = collectEvidence(
      collector('ANSWER_TIME', { lastN: 3 }),
      historyFromEvents(events),
      5 * MINUTE,
    );
    expect(last3.metrics.medianSeconds).toBe(2);
  });

  it('finds the share of the most frequent answer and names it', () => {
    const keys = ['dog', 'cat', 'cat', 'bird', 'cat', 'dog'];
    const events = keys.map((answerKey, i) => answer(i, { answerKey }));
    const sut = collectEvidence(
      collector('SAME_ANSWER_SHARE'),
      historyFromEvents(events),
      6 * MINUTE,
    );
    expect(sut).toMatchObject({
      count: 6,
      successes: 3,
      topAnswer: 'cat',
      metrics: { share: 0.5 },
    });
  });

  it('breaks ties in the top answer towards the key seen first', () => {
    const events = ['b', 'a', 'a', 'b'].map((answerKey, i) => answer(i, { answerKey }));
    const sut = collectEvidence(
      collector('SAME_ANSWER_SHARE'),
      historyFromEvents(events),
      5 * MINUTE,
    );
    expect(sut).toMatchObject({ topAnswer: 'b', metrics: { share: 0.5 } });
  });

  it('evaluates a prefix of the history when given `end`', () => {
    const history = historyFromEvents([gold(1, true), gold(2, false), gold(3, false)]);
    expect(
      collectEvidence(collector('GOLD_ACCURACY'), history, 2 * MINUTE, 1).metrics.accuracy,
    ).toBe(1);
    expect(() => collectEvidence(collector('GOLD_ACCURACY'), history, 0, 4)).toThrow(RangeError);
  });
});

describe('worker history', () => {
  it('sorts events by time, keeping the given order for equal times', () => {
    const history = historyFromEvents([
      answer(5, { answerKey: 'late' }),
      answer(1, { answerKey: 'first' }),
      answer(1, { answerKey: 'second' }),
    ]);
    const keys = [...history.answer.subarray(0, history.length)].map(id => history.answerKeys[id]);
    expect(keys).toEqual(['first', 'second', 'late']);
  });

  it('grows past its initial capacity', () => {
    const builder = new WorkerHistoryBuilder();
    for (let i = 0; i < 100; i++) builder.add(answer(i, { durationMs: i }));
    const history = builder.history();
    expect(history.length).toBe(100);
    expect(history.durationMs[99]).toBe(99);
    expect(history.submittedAt[50]).toBe(50 * MINUTE);
  });

  it('rejects malformed events and answers out of order', () => {
    expect(() => historyFromEvents([answer(1, { isGold: true, goldCorrect: null })])).toThrow(
      RangeError,
    );
    expect(() => historyFromEvents([answer(1, { goldCorrect: true })])).toThrow(RangeError);
    expect(() => historyFromEvents([answer(1, { durationMs: -1 })])).toThrow(RangeError);
    expect(() => historyFromEvents([answer(NaN)])).toThrow(RangeError);
    const builder = new WorkerHistoryBuilder();
    builder.add(answer(2));
    expect(() => builder.add(answer(1))).toThrow(RangeError);
  });
});

describe(median.name, () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median(Float64Array.from([3, 1, 2]))).toBe(2);
    expect(median(Float64Array.from([10, 1, 2, 3]))).toBe(2.5);
    expect(median(new Float64Array(0))).toBeNaN();
  });
});

describe(historyNeeded.name, () => {
  it('tells the loader which answers and how many the collector reads', () => {
    expect(historyNeeded(collector('GOLD_ACCURACY', { lastN: 20 }, 5))).toEqual({
      relevant: 'GOLD',
      lastN: 20,
      sinceSeconds: null,
    });
    expect(historyNeeded(collector('CONSENSUS_AGREEMENT', { sinceSeconds: 60 })).relevant).toBe(
      'CONFIDENT_CONSENSUS',
    );
    expect(historyNeeded(collector('ANSWER_TIME')).relevant).toBe('ALL');
  });
});
