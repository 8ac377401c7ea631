import { pairwiseKind } from '../../../src/modules/kinds/pairwise-kind';
import { expectAgreementOutweighsSplit, issuesOf, settingsOf, valueOf } from './kind-test-helpers';

describe('PAIRWISE kind', () => {
  const settings = settingsOf(pairwiseKind, {});
  const payload = { left: 'docA', right: 'docB' };
  const check = (preferred: unknown, p: Record<string, unknown> = payload) =>
    pairwiseKind.validateAnswer(settings, p, { preferred });

  it('reads the two item fields (default left, right), which must differ', () => {
    expect(settings).toEqual({ leftField: 'left', rightField: 'right' });
    expect(issuesOf(pairwiseKind.parseSettings({ leftField: 'a', rightField: 'a' }))).toEqual([
      ['INVALID_SETTINGS', 'settings.rightField'],
    ]);
    expect(issuesOf(pairwiseKind.parseSettings({ leftField: 7 }))).toEqual([
      ['INVALID_SETTINGS', 'settings.leftField'],
    ]);
  });

  it('accepts either item, numeric ids read as strings', () => {
    expect(valueOf(check('docB'))).toEqual({ preferred: 'docB' });
    expect(valueOf(check('2', { left: 1, right: 2 }))).toEqual({ preferred: '2' });
  });

  it('refuses a third item, a non-string, and tasks without two distinct items', () => {
    expect(issuesOf(check('docC'))).toEqual([['NOT_AN_ITEM', 'answer.preferred']]);
    expect(issuesOf(check('docA\u0000'))).toEqual([['NOT_AN_ITEM', 'answer.preferred']]);
    expect(issuesOf(check(0))).toEqual([['MALFORMED_ANSWER', 'answer.preferred']]);
    expect(issuesOf(check(NaN))).toEqual([['MALFORMED_ANSWER', 'answer.preferred']]);
    expect(issuesOf(check('docA', { left: 'docA', right: 'docA' }))).toEqual([
      ['INVALID_PAYLOAD', 'payload.left'],
    ]);
    expect(issuesOf(check('docA', { left: 'docA' }))).toEqual([
      ['INVALID_PAYLOAD', 'payload.left'],
    ]);
  });

  it('scores gold exactly', () => {
    expect(
      pairwiseKind.scoreGold(settings, payload, { preferred: 'docA' }, { preferred: 'docA' }),
    ).toEqual({ score: 1, pass: true });
    expect(
      pairwiseKind.scoreGold(settings, payload, { preferred: 'docB' }, { preferred: 'docA' }),
    ).toEqual({ score: 0, pass: false });
  });

  it('encodes one comparison row per answer over the items of all tasks', () => {
    const { input, taskIds, workerIds, keys } = pairwiseKind.encode(settings, [
      {
        taskId: 'p1',
        payload,
        answers: [
          { worker: 'w1', answer: { preferred: 'docA' } },
          { worker: 'w2', answer: { preferred: 'docB' } },
        ],
      },
      {
        taskId: 'p2',
        payload: { left: 'docB', right: 'docC' },
        answers: [{ worker: 'w1', answer: { preferred: 'docC' } }],
      },
    ]);
    expect([input.nItems, input.nWorkers]).toEqual([3, 2]);
    expect([...input.worker, ...input.left, ...input.right, ...input.leftWins]).toEqual([
      0, 1, 0, 0, 0, 1, 1, 1, 2, 1, 0, 0,
    ]);
    expect([taskIds, workerIds, keys]).toEqual([
      ['p1', 'p1', 'p2'],
      ['w1', 'w2'],
      ['docA', 'docB', 'docC'],
    ]);
  });

  it('gives 0.5 before any answer, more with agreeing answers than with a split', () => {
    const docA = { preferred: 'docA' };
    const { split } = expectAgreementOutweighsSplit(
      pairwiseKind,
      settings,
      payload,
      docA,
      [docA, { preferred: 'docB' }],
      0.5,
    );
    expect(split).toBeGreaterThanOrEqual(0.5);
  });

  it('writes CSV and JSONL', () => {
    const rows = [
      {
        taskId: 'p1',
        externalId: null,
        status: 'COMPLETED',
        payload,
        answer: { preferred: 'docB' },
        confidence: 0.8,
        answerCount: 2,
      },
    ];
    const [csv] = pairwiseKind.exportResults('CSV', settings, rows);
    expect(csv.content).toBe(
      'task_id,external_id,left,right,preferred,confidence,answers,reviewed\np1,,docA,docB,docB,0.8,2,false\n',
    );
    const [jsonl] = pairwiseKind.exportResults('JSONL', settings, rows);
    expect(JSON.parse(jsonl.content)).toEqual({
      task_id: 'p1',
      external_id: null,
      left: 'docA',
      right: 'docB',
      preferred: 'docB',
      confidence: 0.8,
      answers: 2,
      reviewed: false,
    });
  });
});
