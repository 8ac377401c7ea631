import { kindOf } from '../../../src/modules/kinds/kinds';
import {
  tokensOf as serverTokensOf,
  type SpanSettings,
} from '../../../src/modules/kinds/spans-kind';
import { parseKindSettings } from '../../../src/modules/projects/kind-settings';

// web/ is an ES module package, which a CommonJS spec may not import statically; Jest's
// require loads its TypeScript all the same (as span-selection.spec.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const F = require('../../../web/src/features/requester/kind-form') as typeof import(
  '../../../web/src/features/requester/kind-form.js',
  { with: { 'resolution-mode': 'import' } }
);
/**
 * parse-import.ts imports kind-form.ts without an extension (the web app's bundler resolution),
 * which this CommonJS project's ESM type import cannot follow: its API is typed here by hand.
 */
interface ParsedImport {
  items: Array<{
    externalId: string;
    payload: Record<string, unknown>;
    goldAnswer?: Record<string, unknown>;
  }>;
  errors: Array<{ line: number; field: string; reason: string }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const P = require('../../../web/src/features/requester/parse-import') as {
  parseImportFile(
    name: string,
    text: string,
    schema: { kind: string; keys: string[]; settings?: Record<string, unknown> },
  ): ParsedImport;
};

type Form = Parameters<typeof F.settingsInput>[1];
type Kind = Parameters<typeof F.settingsInput>[0];

/** The server's settings for a wizard form: what `createProject` stores. */
function serverSettings(kind: Kind, keys: string[], form: Form) {
  return parseKindSettings(kind, keys, F.settingsInput(kind, form));
}

/** The server's verdict on a gold answer: null or its first issue's code and field. */
function serverIssue(
  kind: Kind,
  settings: Record<string, unknown>,
  payload: object,
  gold: unknown,
) {
  const checked = kindOf(kind).validateAnswer(settings, payload as Record<string, unknown>, gold);
  return checked.ok ? null : { code: checked.issues[0]!.code, field: checked.issues[0]!.field };
}

/** The console's verdict, in the same shape. */
function consoleIssue(
  kind: Kind,
  settings: Record<string, unknown>,
  payload: object,
  gold: unknown,
) {
  const issue = F.checkKindItem(kind, settings, payload as Record<string, unknown>, gold);
  return issue && { code: issue.code, field: issue.field };
}

const SPANS = { ...F.DEFAULT_FORM };
const CHARACTERS = { ...F.DEFAULT_FORM, tokenization: 'CHARACTER' as const, textField: 'zh' };
const GIVEN = { ...F.DEFAULT_FORM, tokenization: 'PAYLOAD' as const, tokensField: 'words' };
const NESTED = { ...F.DEFAULT_FORM, allowOverlap: true };
const BOXES = { ...F.DEFAULT_FORM, imageField: 'url', widthField: 'w', heightField: 'h' };
const SCALE = { ...F.DEFAULT_FORM, min: '0', max: '4', tolerance: '1' };
const PAIR = { ...F.DEFAULT_FORM, leftField: 'a', rightField: 'b' };

/**
 * Every case: kind, form, labels, payload, gold answer. Each is run through the server's
 * validateAnswer and the console's checkKindItem; they must agree on the verdict and its field.
 */
/** A spans answer from [start, end, label] triples. */
const spans = (...list: Array<[unknown, unknown, unknown]>) => ({
  spans: list.map(([start, end, label]) => ({ start, end, label })),
});
/** A boxes answer from [x, y, w, h, label] rows. */
const boxes = (...list: Array<[unknown, unknown, unknown, unknown, unknown]>) => ({
  boxes: list.map(([x, y, w, h, label]) => ({ x, y, w, h, label })),
});
const ADA = { text: 'Ada visited London' };
const TYPES = ['PER', 'LOC'];
const PHOTO = { url: 'x.png', w: 400, h: 300 };
const CLASSES = ['person', 'car'];

const CASES: Array<[Kind, Form, string[], object, unknown]> = [
  ['TEXT_SPANS', SPANS, TYPES, { text: 'Ada  visited London' }, spans([0, 1, 'PER'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans()],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([2, 4, 'LOC'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([1, 1, 'LOC'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([0, 1, 'ORG'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([0.5, 1, 'PER'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans(['0', 1, 'PER'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, { spans: 'all' }],
  ['TEXT_SPANS', SPANS, TYPES, ADA, []],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([0, 2, 'PER'], [1, 3, 'LOC'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([0, 2, 'PER'], [0, 2, 'PER'])],
  ['TEXT_SPANS', SPANS, TYPES, ADA, spans([0, 2, 'PER'], [0, 2, 'LOC'])],
  ['TEXT_SPANS', NESTED, TYPES, ADA, spans([0, 3, 'PER'], [2, 3, 'LOC'])],
  ['TEXT_SPANS', SPANS, TYPES, { body: 'no text field' }, spans()],
  ['TEXT_SPANS', CHARACTERS, TYPES, { zh: '李明 在北京' }, spans([3, 5, 'LOC'])],
  ['TEXT_SPANS', CHARACTERS, TYPES, { zh: '李明 在北京' }, spans([3, 6, 'LOC'])],
  ['TEXT_SPANS', GIVEN, ['PER'], { words: ['Ada', 'Lovelace', '.'] }, spans([0, 2, 'PER'])],
  ['TEXT_SPANS', GIVEN, ['PER'], { words: ['Ada', 3] }, spans()],
  ['TEXT_SPANS', GIVEN, ['PER'], { text: 'Ada Lovelace' }, spans()],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([10, 20, 30, 40, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes()],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([0, 0, 400, 300, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([390, 0, 11, 10, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([-1, 0, 10, 10, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([1, 1, 0, 10, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([1, 1, 5, 10, 'bus'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([1, 1, '5', 10, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, PHOTO, boxes([1, 1, 5, 10, 'car'], [1, 1, -5, 10, 'car'])],
  ['BOUNDING_BOXES', BOXES, CLASSES, { ...PHOTO, w: '400' }, boxes()],
  ['BOUNDING_BOXES', BOXES, CLASSES, { ...PHOTO, w: 0 }, boxes()],
  ['RATING', SCALE, [], ADA, { rating: 0 }],
  ['RATING', SCALE, [], ADA, { rating: 4 }],
  ['RATING', SCALE, [], ADA, { rating: 5 }],
  ['RATING', SCALE, [], ADA, { rating: 2.5 }],
  ['RATING', SCALE, [], ADA, { rating: '2' }],
  ['RATING', SCALE, ['bad', 'poor', 'fair', 'good', 'great'], ADA, { rating: -1 }],
  ['PAIRWISE', PAIR, [], { a: 'x1', b: 'y2' }, { preferred: 'y2' }],
  [
    'PAIRWISE',
    PAIR,
    [],
    { a: { id: 'x1', text: 't' }, b: { id: 7, text: 'u' } },
    { preferred: '7' },
  ],
  ['PAIRWISE', PAIR, [], { a: 'x1', b: 'y2' }, { preferred: 'z3' }],
  ['PAIRWISE', PAIR, [], { a: 'x1', b: 'y2' }, { preferred: 1 }],
  ['PAIRWISE', PAIR, [], { a: 'x1', b: 'x1' }, { preferred: 'x1' }],
  ['PAIRWISE', PAIR, [], { a: 'x1' }, { preferred: 'x1' }],
];

describe('console kind checks (web/src/features/requester/kind-form.ts)', () => {
  it('builds the settings the server stores from the wizard form', () => {
    const forms: Array<[Kind, Form, string[]]> = [
      ['TEXT_SPANS', SPANS, ['PER', 'LOC']],
      ['TEXT_SPANS', CHARACTERS, ['PER']],
      ['TEXT_SPANS', GIVEN, ['PER']],
      ['TEXT_SPANS', NESTED, ['PER']],
      ['BOUNDING_BOXES', BOXES, ['person', 'car']],
      ['RATING', SCALE, []],
      ['RATING', SCALE, ['bad', 'poor', 'fair', 'good', 'great']],
      ['PAIRWISE', PAIR, []],
      ['SINGLE_CHOICE', F.DEFAULT_FORM, ['pos', 'neg']],
    ];
    for (const [kind, form, keys] of forms) {
      expect({ kind, settings: F.parsedSettings(kind, keys, form) }).toEqual({
        kind,
        settings: serverSettings(kind, keys, form),
      });
    }
  });

  it('tokenizes as the server does', () => {
    const texts = ['Ada  Lovelace,\tvisited\nLondon. ', '李明 在北京工作。𠮷', ''];
    for (const tokenization of ['WHITESPACE', 'CHARACTER'] as const) {
      const form = { ...F.DEFAULT_FORM, tokenization };
      const settings = serverSettings('TEXT_SPANS', ['PER'], form);
      for (const text of texts) {
        expect(F.tokensOf(settings, { text })).toEqual(
          serverTokensOf(settings as unknown as SpanSettings, { text }),
        );
      }
    }
  });

  it('refuses exactly the gold answers and payloads the server refuses, with its code and field', () => {
    const verdicts = CASES.map(([kind, form, keys, payload, gold]) => {
      const settings = serverSettings(kind, keys, form);
      return {
        kind,
        gold,
        console: consoleIssue(kind, settings, payload, gold),
        server: serverIssue(kind, settings, payload, gold),
      };
    });
    for (const verdict of verdicts) expect(verdict.console).toEqual(verdict.server);
    // The cases cover every code the answers of these kinds can get, and passing answers.
    const codes = new Set(verdicts.map(v => v.server?.code ?? 'OK'));
    expect([...codes].sort()).toEqual(
      [
        'OK',
        'INVALID_PAYLOAD',
        'MALFORMED_ANSWER',
        'UNKNOWN_LABEL',
        'SPAN_OUT_OF_RANGE',
        'SPAN_OVERLAP',
        'BOX_OUTSIDE_IMAGE',
        'BOX_EMPTY',
        'RATING_OFF_SCALE',
        'NOT_AN_ITEM',
      ].sort(),
    );
  });

  it('passes its own example lines, for every structured kind', () => {
    for (const [kind, form, keys] of [
      ['TEXT_SPANS', CHARACTERS, ['PER', 'LOC']],
      ['TEXT_SPANS', GIVEN, ['PER']],
      ['BOUNDING_BOXES', BOXES, ['person']],
      ['RATING', SCALE, []],
      ['PAIRWISE', PAIR, []],
    ] as Array<[Kind, Form, string[]]>) {
      const settings = serverSettings(kind, keys, form);
      const parsed = P.parseImportFile('x.jsonl', F.exampleJsonl(kind, settings, 'text'), {
        kind,
        keys,
        settings,
      });
      expect({
        kind,
        errors: parsed.errors,
        gold: parsed.items.filter(i => i.goldAnswer).length,
      }).toEqual({
        kind,
        errors: [],
        gold: 1,
      });
      const [, gold] = parsed.items;
      expect(serverIssue(kind, settings, gold!.payload, gold!.goldAnswer)).toBeNull();
    }
  });

  it('reports a bad structured line where it is, and reads CSV numbers and gold JSON', () => {
    const settings = serverSettings('BOUNDING_BOXES', ['person'], F.DEFAULT_FORM);
    const schema = { kind: 'BOUNDING_BOXES', keys: ['person'], settings };
    const csv = [
      'external_id,image,width,height,gold_answer',
      'a,https://example.test/a.jpg,640,480,',
      'b,https://example.test/b.jpg,640,480,"{""boxes"":[{""x"":600,""y"":0,""w"":50,""h"":10,""label"":""person""}]}"',
      'c,https://example.test/c.jpg,640,480,"{""boxes"":[{""x"":1,""y"":2,""w"":50,""h"":10,""label"":""person""}]}"',
      'd,https://example.test/d.jpg,,480,',
      'e,https://example.test/e.jpg,640,480,"{""boxes"":[]}"',
    ].join('\n');
    const parsed = P.parseImportFile('boxes.csv', csv, schema);
    expect(parsed.items.map(item => item.externalId)).toEqual(['a', 'c', 'e']);
    expect(parsed.items[0]).toEqual({
      externalId: 'a',
      payload: { image: 'https://example.test/a.jpg', width: 640, height: 480 },
    });
    expect(parsed.items[1]!.goldAnswer).toEqual({
      boxes: [{ x: 1, y: 2, w: 50, h: 10, label: 'person' }],
    });
    expect(parsed.errors.map(e => [e.line, e.field, e.reason.split(':')[0]])).toEqual([
      [3, 'goldAnswer.boxes[0]', 'BOX_OUTSIDE_IMAGE'],
      [5, 'payload.width', 'INVALID_PAYLOAD'],
    ]);
    // Gold labels on a structured project, and a gold answer on a choice one, are refused.
    const labelled = P.parseImportFile(
      'x.jsonl',
      '{"externalId":"g","payload":{"text":"a b"},"goldLabel":"PER"}',
      {
        kind: 'TEXT_SPANS',
        keys: ['PER'],
        settings: serverSettings('TEXT_SPANS', ['PER'], F.DEFAULT_FORM),
      },
    );
    expect(labelled.errors.map(e => e.field)).toEqual(['gold_label']);
    const choice = P.parseImportFile(
      'x.jsonl',
      '{"externalId":"g","payload":{"text":"a"},"goldAnswer":{"rating":1}}',
      {
        kind: 'SINGLE_CHOICE',
        keys: ['pos', 'neg'],
      },
    );
    expect(choice.errors.map(e => e.field)).toEqual(['goldAnswer']);
  });
});
