import { multiLabelKind, singleChoiceKind } from '../../../src/modules/kinds/choice-kinds';
import { RESULTS_CSV_HEADER } from '../../../src/modules/aggregation/results-export';
import { issuesOf, settingsOf, valueOf } from './kind-test-helpers';

describe('SINGLE_CHOICE and MULTI_LABEL kinds (wrapping validate-answer.ts)', () => {
  const settings = settingsOf(singleChoiceKind, {
    labels: [{ key: 'cat', displayName: 'Cat' }, { key: 'dog' }, { key: 'fox' }],
  });
  const single = (labels: unknown) => singleChoiceKind.validateAnswer(settings, {}, { labels });
  const multi = (labels: unknown) => multiLabelKind.validateAnswer(settings, {}, { labels });

  it('reads the schema keys from label options or strings', () => {
    expect(settings).toEqual({ labels: ['cat', 'dog', 'fox'] });
    expect(issuesOf(multiLabelKind.parseSettings({ labels: [{ key: '' }] }))).toEqual([
      ['INVALID_SETTINGS', 'settings.labels[0]'],
    ]);
  });

  it('keeps validate-answer.ts behaviour: one key for single choice, a schema-ordered set for multi-label', () => {
    expect(valueOf(single(['dog']))).toEqual({ labels: ['dog'] });
    expect(valueOf(multi(['fox', 'cat']))).toEqual({ labels: ['cat', 'fox'] });
    expect(issuesOf(single(['dog', 'cat']))).toEqual([['MALFORMED_ANSWER', 'answer.labels']]);
    expect(issuesOf(multi(['dog', 'dog']))).toEqual([['MALFORMED_ANSWER', 'answer.labels']]);
    expect(issuesOf(multi([]))).toEqual([['MALFORMED_ANSWER', 'answer.labels']]);
    expect(issuesOf(single(['wolf']))).toEqual([['UNKNOWN_LABEL', 'answer.labels']]);
    expect(issuesOf(single(['cat\u0000']))).toEqual([['UNKNOWN_LABEL', 'answer.labels']]);
    expect(issuesOf(single([NaN]))).toEqual([['MALFORMED_ANSWER', 'answer.labels']]);
    expect(issuesOf(single('cat'))).toEqual([['MALFORMED_ANSWER', 'answer.labels']]);
  });

  it('scores gold as the same set', () => {
    expect(
      multiLabelKind.scoreGold(
        settings,
        {},
        { labels: ['cat', 'fox'] },
        { labels: ['fox', 'cat'] },
      ),
    ).toEqual({ score: 1, pass: true });
    expect(
      multiLabelKind.scoreGold(settings, {}, { labels: ['cat'] }, { labels: ['fox', 'cat'] }),
    ).toEqual({ score: 0, pass: false });
  });

  it('encodes through ProjectAnswerEncoder: schema indexes, answer sets for multi-label', () => {
    const tasks = [
      {
        taskId: 't1',
        payload: {},
        answers: [
          { worker: 'a', answer: { labels: ['fox'] } },
          { worker: 'b', answer: { labels: ['cat'] } },
        ],
      },
    ];
    const { input } = singleChoiceKind.encode(settings, tasks);
    expect([...input.matrix.label]).toEqual([2, 0]);
    const sets = multiLabelKind.encode(settings, [
      { taskId: 't1', payload: {}, answers: [{ worker: 'a', answer: { labels: ['cat', 'fox'] } }] },
    ]).input;
    expect([...sets.answerSets!.keys]).toEqual([0, 2]);
  });

  it('gives the majority share as confidence (0 without answers)', () => {
    expect(singleChoiceKind.taskConfidence(settings, {}, [])).toBe(0);
    const answers = [['cat'], ['cat'], ['dog']].map((labels, i) => ({
      worker: `w${i}`,
      answer: { labels },
    }));
    expect(singleChoiceKind.taskConfidence(settings, {}, answers)).toBeCloseTo(2 / 3, 12);
  });

  it('exports the results CSV and JSONL of results-export.ts', () => {
    const rows = [
      {
        taskId: 't1',
        externalId: 'e',
        status: 'COMPLETED',
        payload: {},
        answer: { labels: ['cat', 'fox'] },
        confidence: 0.5,
        answerCount: 2,
      },
    ];
    const [csv] = multiLabelKind.exportResults('CSV', settings, rows);
    expect(csv.content).toBe(`${RESULTS_CSV_HEADER}\nt1,e,cat|fox,0.5,2,false\n`);
    const [jsonl] = multiLabelKind.exportResults('JSONL', settings, rows);
    expect(JSON.parse(jsonl.content)).toMatchObject({
      task_id: 't1',
      labels: ['cat', 'fox'],
      confidence: 0.5,
      answers: 2,
    });
  });
});
