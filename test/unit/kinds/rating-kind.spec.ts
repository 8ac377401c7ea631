import { ratingKind } from '../../../src/modules/kinds/rating-kind';
import { expectAgreementOutweighsSplit, issuesOf, settingsOf, valueOf } from './kind-test-helpers';

describe('RATING kind', () => {
  const settings = settingsOf(ratingKind, {
    min: 1,
    max: 5,
    labels: ['bad', 'poor', 'fair', 'good', 'perfect'],
    tolerance: 1,
  });
  const check = (rating: unknown) => ratingKind.validateAnswer(settings, {}, { rating });

  it('reads the scale, its labels and the gold tolerance', () => {
    expect(settings).toEqual({
      min: 1,
      max: 5,
      labels: ['bad', 'poor', 'fair', 'good', 'perfect'],
      tolerance: 1,
    });
    expect(settingsOf(ratingKind, { min: 0, max: 3 })).toEqual({
      min: 0,
      max: 3,
      labels: [],
      tolerance: 0,
    });
  });

  it('refuses reversed, fractional or huge scales, wrong label counts and negative tolerances', () => {
    for (const [min, max] of [
      [5, 1],
      [1, 1],
      [0.5, 3],
      [0, 1000],
      [NaN, 3],
    ]) {
      expect(issuesOf(ratingKind.parseSettings({ min, max }))).toEqual([
        ['INVALID_SETTINGS', 'settings.max'],
      ]);
    }
    expect(issuesOf(ratingKind.parseSettings({ min: 1, max: 3, labels: ['a', 'b'] }))).toEqual([
      ['INVALID_SETTINGS', 'settings.labels'],
    ]);
    expect(issuesOf(ratingKind.parseSettings({ min: 1, max: 3, tolerance: -1 }))).toEqual([
      ['INVALID_SETTINGS', 'settings.tolerance'],
    ]);
  });

  it('accepts integers of the scale and refuses everything else', () => {
    expect(valueOf(check(1))).toEqual({ rating: 1 });
    expect(valueOf(check(5))).toEqual({ rating: 5 });
    for (const off of [0, 6, -3, 2.5, NaN, Infinity, 2 ** 60]) {
      expect(issuesOf(check(off))).toEqual([['RATING_OFF_SCALE', 'answer.rating']]);
    }
    expect(issuesOf(check('3'))).toEqual([['MALFORMED_ANSWER', 'answer.rating']]);
    expect(issuesOf(ratingKind.validateAnswer(settings, {}, 3))).toEqual([
      ['MALFORMED_ANSWER', 'answer'],
    ]);
  });

  it('passes gold within the tolerance and scores the rest by distance on the scale', () => {
    const gold = { rating: 4 };
    expect(ratingKind.scoreGold(settings, {}, { rating: 5 }, gold)).toEqual({
      score: 1,
      pass: true,
    });
    expect(ratingKind.scoreGold(settings, {}, { rating: 2 }, gold)).toEqual({
      score: 0.5,
      pass: false,
    });
    expect(ratingKind.scoreGold(settings, {}, { rating: 2 }, gold, 0.5)).toEqual({
      score: 0.5,
      pass: true,
    });
    const exact = { ...settings, tolerance: 0 };
    expect(ratingKind.scoreGold(exact, {}, { rating: 5 }, gold)).toEqual({
      score: 0.75,
      pass: false,
    });
  });

  it('encodes grades as label indexes from min, a worker’s latest answer counting', () => {
    const { input, taskIds, workerIds, keys } = ratingKind.encode(settings, [
      {
        taskId: 't1',
        payload: {},
        answers: [
          { worker: 'a', answer: { rating: 1 } },
          { worker: 'b', answer: { rating: 5 } },
        ],
      },
      {
        taskId: 't2',
        payload: {},
        answers: [
          { worker: 'a', answer: { rating: 2 } },
          { worker: 'a', answer: { rating: 3 } },
        ],
      },
      { taskId: 't3', payload: {}, answers: [] },
    ]);
    expect([input.nTasks, input.nWorkers, input.nLabels]).toEqual([3, 2, 5]);
    expect([...input.task, ...input.worker, ...input.label]).toEqual([0, 0, 1, 0, 1, 0, 0, 4, 2]);
    expect([taskIds, workerIds, keys]).toEqual([
      ['t1', 't2', 't3'],
      ['a', 'b'],
      ['1', '2', '3', '4', '5'],
    ]);
  });

  it('gives 0 confidence without answers, and more to agreement than to a spread', () => {
    const spread = [1, 3, 5].map(rating => ({ rating }));
    expectAgreementOutweighsSplit(ratingKind, settings, {}, { rating: 4 }, spread);
  });

  it('scores one answer under the prior model: unbiased workers with a noise of one grade', () => {
    // P(answer 3 | truth k) = Φ(3.5 − k) − Φ(2.5 − k) on grades 1..5 (cutpoints halfway):
    // 0.382925 for k = 3, 0.241731 for k = 2 or 4, 0.060597 for k = 1 or 5; uniform prior.
    const confidence = ratingKind.taskConfidence(settings, {}, [
      { worker: 'a', answer: { rating: 3 } },
    ]);
    expect(confidence).toBeCloseTo(0.382925 / 0.987581, 5);
  });

  it('writes CSV and JSONL with the grade label and whether a reviewer decided', () => {
    const rows = [
      {
        taskId: 't1',
        externalId: 'q,1',
        status: 'COMPLETED',
        payload: {},
        answer: { rating: 4 },
        confidence: 0.75,
        answerCount: 3,
        reviewed: true,
      },
      {
        taskId: 't2',
        externalId: null,
        status: 'OPEN',
        payload: {},
        answer: null,
        confidence: null,
        answerCount: 0,
      },
    ];
    const [csv] = ratingKind.exportResults('CSV', settings, rows);
    expect([csv.name, csv.content]).toEqual([
      'ratings.csv',
      'task_id,external_id,rating,label,confidence,answers,reviewed\nt1,"q,1",4,good,0.75,3,true\nt2,,,,,0,false\n',
    ]);
    const [jsonl] = ratingKind.exportResults('JSONL', settings, rows);
    expect(jsonl.content.split('\n')[0]).toBe(
      '{"task_id":"t1","external_id":"q,1","rating":4,"label":"good","confidence":0.75,"answers":3,"reviewed":true}',
    );
    expect(() => ratingKind.exportResults('YOLO', settings, rows)).toThrow(RangeError);
  });
});
