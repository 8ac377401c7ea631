import { spansKind, tokensOf } from '../../../src/modules/kinds/spans-kind';
import { expectAgreementOutweighsSplit, issuesOf, settingsOf, valueOf } from './kind-test-helpers';

describe('TEXT_SPANS kind', () => {
  const settings = settingsOf(spansKind, { entityTypes: ['PER', { key: 'ORG' }] });
  const payload = { text: 'EU rejects  German call' }; // 4 tokens
  const check = (answer: unknown, s = settings) => spansKind.validateAnswer(s, payload, answer);

  describe('settings', () => {
    it('defaults to whitespace tokens of `text`, no overlaps', () => {
      expect(settings).toEqual({
        entityTypes: ['PER', 'ORG'],
        tokenization: 'WHITESPACE',
        textField: 'text',
        tokensField: 'tokens',
        allowOverlap: false,
      });
    });

    it('refuses missing types, an unknown tokenization, a NUL in a key and a repeated key', () => {
      expect(issuesOf(spansKind.parseSettings({}))).toEqual([
        ['INVALID_SETTINGS', 'settings.entityTypes'],
      ]);
      expect(
        issuesOf(spansKind.parseSettings({ entityTypes: ['A'], tokenization: 'BPE' })),
      ).toEqual([['INVALID_SETTINGS', 'settings.tokenization']]);
      expect(issuesOf(spansKind.parseSettings({ entityTypes: ['A', 'B\u0000'] }))).toEqual([
        ['INVALID_SETTINGS', 'settings.entityTypes[1]'],
      ]);
      expect(issuesOf(spansKind.parseSettings({ entityTypes: ['A', 'A'] }))).toEqual([
        ['INVALID_SETTINGS', 'settings.entityTypes'],
      ]);
      expect(issuesOf(spansKind.parseSettings(null))).toEqual([
        ['INVALID_SETTINGS', 'settings'],
        ['INVALID_SETTINGS', 'settings.entityTypes'],
      ]);
    });
  });

  describe('tokens', () => {
    it('splits on whitespace runs, per character for Chinese and Japanese, or reads the payload', () => {
      expect(tokensOf(settings, payload)).toEqual(['EU', 'rejects', 'German', 'call']);
      const perCharacter = { ...settings, tokenization: 'CHARACTER' as const };
      expect(tokensOf(perCharacter, { text: '東京に 行く' })).toEqual([
        '東',
        '京',
        'に',
        '行',
        'く',
      ]);
      expect(tokensOf(perCharacter, { text: '𠮷野' })).toEqual(['𠮷', '野']); // a code point, not a UTF-16 unit
      const given = { ...settings, tokenization: 'PAYLOAD' as const };
      expect(tokensOf(given, { tokens: ['New York', 'is'] })).toEqual(['New York', 'is']);
      expect(tokensOf(given, { tokens: ['a', 1] })).toBeNull();
      expect(tokensOf(settings, { text: 42 })).toBeNull();
    });
  });

  describe('answers', () => {
    it('accepts spans, ordered and without exact repeats', () => {
      const answer = valueOf(
        check({
          spans: [
            { start: 2, end: 4, label: 'ORG' },
            { start: 0, end: 1, label: 'PER' },
            { start: 0, end: 1, label: 'PER' },
          ],
        }),
      );
      expect(answer.spans).toEqual([
        { start: 0, end: 1, label: 'PER' },
        { start: 2, end: 4, label: 'ORG' },
      ]);
      expect(valueOf(check({ spans: [] })).spans).toEqual([]);
    });

    it('refuses spans out of range, empty or reversed', () => {
      for (const [start, end] of [
        [3, 5],
        [-1, 1],
        [2, 2],
        [3, 1],
      ]) {
        expect(issuesOf(check({ spans: [{ start, end, label: 'PER' }] }))).toEqual([
          ['SPAN_OUT_OF_RANGE', 'answer.spans[0]'],
        ]);
      }
    });

    it('refuses non-integer token indexes: NaN, Infinity, 1.5, strings, beyond 2^53', () => {
      for (const start of [NaN, Infinity, 1.5, '1', 2 ** 60, null]) {
        expect(issuesOf(check({ spans: [{ start, end: 2, label: 'PER' }] }))).toEqual([
          ['MALFORMED_ANSWER', 'answer.spans[0]'],
        ]);
      }
    });

    it('refuses unknown labels, NUL bytes included', () => {
      expect(issuesOf(check({ spans: [{ start: 0, end: 1, label: 'LOC' }] }))).toEqual([
        ['UNKNOWN_LABEL', 'answer.spans[0].label'],
      ]);
      expect(issuesOf(check({ spans: [{ start: 0, end: 1, label: 'PER\u0000' }] }))).toEqual([
        ['UNKNOWN_LABEL', 'answer.spans[0].label'],
      ]);
    });

    it('refuses overlaps unless the schema allows them', () => {
      const spans = [
        { start: 0, end: 2, label: 'ORG' },
        { start: 1, end: 2, label: 'PER' },
      ];
      expect(issuesOf(check({ spans }))).toEqual([['SPAN_OVERLAP', 'answer.spans']]);
      expect(valueOf(check({ spans }, { ...settings, allowOverlap: true })).spans).toHaveLength(2);
      // Adjacent spans do not overlap (end is exclusive).
      expect(issuesOf(check({ spans: [spans[0], { start: 2, end: 3, label: 'PER' }] }))).toEqual(
        [],
      );
    });

    it('refuses answers that are not span lists, and tasks without tokens', () => {
      expect(issuesOf(check('PER'))).toEqual([['MALFORMED_ANSWER', 'answer']]);
      expect(issuesOf(check({ spans: 'all' }))).toEqual([['MALFORMED_ANSWER', 'answer.spans']]);
      const many = Array.from({ length: 10_001 }, () => ({ start: 0, end: 1, label: 'PER' }));
      expect(issuesOf(check({ spans: many }))).toEqual([['MALFORMED_ANSWER', 'answer.spans']]);
      expect(issuesOf(spansKind.validateAnswer(settings, {}, { spans: [] }))).toEqual([
        ['INVALID_PAYLOAD', 'payload.text'],
      ]);
    });
  });

  describe('gold', () => {
    const gold = {
      spans: [
        { start: 0, end: 1, label: 'PER' },
        { start: 2, end: 4, label: 'ORG' },
      ],
    };

    it('scores entity-level exact F1 against the threshold (default 0.8)', () => {
      const half = {
        spans: [
          { start: 0, end: 1, label: 'PER' },
          { start: 2, end: 3, label: 'ORG' },
        ],
      };
      expect(spansKind.scoreGold(settings, payload, half, gold)).toEqual({
        score: 0.5,
        pass: false,
      });
      expect(spansKind.scoreGold(settings, payload, half, gold, 0.5)).toEqual({
        score: 0.5,
        pass: true,
      });
      expect(spansKind.scoreGold(settings, payload, gold, gold)).toEqual({ score: 1, pass: true });
      // Precision 1/1, recall 1/2: F1 = 2/3.
      const one = { spans: [gold.spans[0]] };
      expect(spansKind.scoreGold(settings, payload, one, gold).score).toBeCloseTo(2 / 3, 12);
    });

    it('scores an empty answer to an empty gold as 1, and to a non-empty gold as 0', () => {
      expect(spansKind.scoreGold(settings, payload, { spans: [] }, { spans: [] })).toEqual({
        score: 1,
        pass: true,
      });
      expect(spansKind.scoreGold(settings, payload, { spans: [] }, gold)).toEqual({
        score: 0,
        pass: false,
      });
    });
  });

  describe('aggregation', () => {
    const tasks = [
      {
        taskId: 't1',
        payload: { text: 'Ann met Bob' },
        answers: [
          { worker: 'w1', answer: { spans: [{ start: 0, end: 1, label: 'PER' }] } },
          { worker: 'w2', answer: { spans: [{ start: 2, end: 3, label: 'ORG' }] } },
        ],
      },
      {
        taskId: 't2',
        payload: { text: 'IBM Corp' },
        answers: [{ worker: 'w2', answer: { spans: [{ start: 0, end: 2, label: 'ORG' }] } }],
      },
    ];

    it('encodes BIO columns (O = 0, B-e = 1 + 2e, I-e = 2 + 2e) with dense ids', () => {
      const { input, taskIds, workerIds, keys } = spansKind.encode(settings, tasks);
      expect([...input.tokenOffset]).toEqual([0, 3, 5]);
      expect([...input.annotationTask]).toEqual([0, 0, 1]);
      expect([...input.annotationWorker]).toEqual([0, 1, 1]);
      expect([...input.tags]).toEqual([1, 0, 0, 0, 0, 3, 3, 4]);
      // One vocabulary id per token (ann, met, bob, ibm, corp), for the re-typing's word evidence.
      expect([...input.words!]).toEqual([0, 1, 2, 3, 4]);
      expect([taskIds, workerIds, keys]).toEqual([
        ['t1', 't2'],
        ['w1', 'w2'],
        ['PER', 'ORG'],
      ]);
    });

    it('gives 0 confidence without answers, and more to agreement than to a split', () => {
      const same = { spans: [{ start: 0, end: 1, label: 'PER' }] };
      const other = { spans: [{ start: 0, end: 2, label: 'ORG' }] };
      const { split } = expectAgreementOutweighsSplit(spansKind, settings, payload, same, [
        same,
        other,
      ]);
      expect(split).toBeGreaterThan(0);
    });
  });

  describe('exports', () => {
    const rows = [
      {
        taskId: 't1',
        externalId: 'x1',
        status: 'COMPLETED',
        payload: { text: 'Ann met New York' },
        answer: {
          spans: [
            { start: 0, end: 1, label: 'PER' },
            { start: 2, end: 4, label: 'ORG' },
          ],
        },
        confidence: 0.9,
        answerCount: 3,
      },
      {
        taskId: 't2',
        externalId: null,
        status: 'OPEN',
        payload: { text: 'Hi' },
        answer: null,
        confidence: null,
        answerCount: 0,
      },
    ];

    it('writes JSONL with tokens and labelled spans', () => {
      const [file] = spansKind.exportResults('JSONL', settings, rows);
      expect(file.name).toBe('spans.jsonl');
      expect(file.content.split('\n')).toEqual([
        '{"task_id":"t1","external_id":"x1","tokens":["Ann","met","New","York"],"spans":[{"start":0,"end":1,"label":"PER"},{"start":2,"end":4,"label":"ORG"}],"confidence":0.9,"reviewed":false}',
        '{"task_id":"t2","external_id":null,"tokens":["Hi"],"spans":null,"confidence":null,"reviewed":false}',
        '',
      ]);
    });

    it('writes CoNLL BIO, a blank line between tasks, whitespace in a token as _', () => {
      const [file] = spansKind.exportResults('CONLL', settings, rows);
      expect(file.content).toBe('Ann B-PER\nmet O\nNew B-ORG\nYork I-ORG\n\nHi O\n');
      const given = { ...settings, tokenization: 'PAYLOAD' as const };
      const [tokens] = spansKind.exportResults('CONLL', given, [
        { ...rows[1], payload: { tokens: ['New York'] } },
      ]);
      expect(tokens.content).toBe('New_York O\n');
    });

    it("writes spaCy's JSON training format with BILUO tags", () => {
      const [file] = spansKind.exportResults('SPACY', settings, rows);
      const docs = JSON.parse(file.content);
      expect(docs[0].id).toBe(0);
      expect(docs[0].meta).toEqual({ task_id: 't1', external_id: 'x1', reviewed: false });
      expect(docs[0].paragraphs[0].sentences[0].tokens.map((t: { ner: string }) => t.ner)).toEqual([
        'U-PER',
        'O',
        'B-ORG',
        'L-ORG',
      ]);
      expect(docs[1].paragraphs[0].sentences[0].tokens).toEqual([{ id: 0, orth: 'Hi', ner: 'O' }]);
    });

    it('keeps allowed overlaps in JSONL and cuts them to the free tokens in CoNLL', () => {
      const overlapping = { ...settings, allowOverlap: true };
      const spans = [
        { start: 0, end: 3, label: 'ORG' },
        { start: 2, end: 4, label: 'PER' },
      ];
      const row = { ...rows[0], answer: { spans } };
      const [jsonl] = spansKind.exportResults('JSONL', overlapping, [row]);
      expect(JSON.parse(jsonl.content).spans).toEqual(spans);
      const [conll] = spansKind.exportResults('CONLL', overlapping, [row]);
      expect(conll.content).toBe('Ann B-ORG\nmet I-ORG\nNew I-ORG\nYork B-PER\n');
    });

    it('refuses a format it does not list', () => {
      expect(() => spansKind.exportResults('COCO', settings, rows)).toThrow(RangeError);
    });
  });
});
