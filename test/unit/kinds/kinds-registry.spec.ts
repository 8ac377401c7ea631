import { KIND_NAMES, kindOf, type AnyTaskKind } from '../../../src/modules/kinds/kinds';
import type { KindName } from '../../../src/modules/kinds/task-kind';

// web/ is an ES module package, which a CommonJS spec may not import statically (as in
// test/unit/web/kind-form.spec.ts, Jest's require loads it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CONSOLE = require('../../../web/src/features/requester/kind-form') as typeof import(
  '../../../web/src/features/requester/kind-form.js',
  { with: { 'resolution-mode': 'import' } }
);

/** Every member of the interface with its runtime type; a new member must be added here to compile. */
const MEMBERS: Record<keyof AnyTaskKind, 'string' | 'number' | 'object' | 'function'> = {
  name: 'string',
  goldThreshold: 'number',
  exportFormats: 'object',
  parseSettings: 'function',
  validateAnswer: 'function',
  scoreGold: 'function',
  agreement: 'function',
  alphaDistance: 'object',
  encode: 'function',
  taskConfidence: 'function',
  exportResults: 'function',
};

/** One valid schema per kind, for the walks below. */
const SETTINGS: Record<KindName, unknown> = {
  SINGLE_CHOICE: { labels: ['a', 'b'] },
  MULTI_LABEL: { labels: ['a', 'b'] },
  TEXT_SPANS: { entityTypes: ['PER'] },
  BOUNDING_BOXES: { classes: ['car'] },
  RATING: { min: 1, max: 5 },
  PAIRWISE: {},
};

const PAYLOAD = { text: 'a b c', width: 10, height: 10, left: 'x', right: 'y' };

/** Hostile answers every kind must refuse without throwing. */
const HOSTILE: unknown[] = [
  null,
  undefined,
  NaN,
  -1,
  'x\u0000',
  [],
  {},
  {
    labels: [NaN],
    spans: [{ start: NaN, end: -1, label: '\u0000' }],
    boxes: [{ x: -Infinity }],
    rating: -0.5,
    preferred: 1e21,
  },
];

describe('the kind registry', () => {
  // The console's KIND_NAMES is the written-out list (the wizard's order); the server's registry
  // must hold the same kinds in the same order, or the wizard offers a kind the API refuses.
  it('has the six kinds of DESIGN.md, as the console lists them', () => {
    expect(KIND_NAMES).toEqual([...CONSOLE.KIND_NAMES]);
    expect(new Set(KIND_NAMES).size).toBe(6);
    expect(() => kindOf('POLYGONS')).toThrow(RangeError);
    expect(() => kindOf('toString')).toThrow(RangeError);
  });

  describe.each(KIND_NAMES)('%s', name => {
    const kind = kindOf(name);
    const parsed = kind.parseSettings(SETTINGS[name]);
    const settings = parsed.ok ? parsed.value : undefined;

    it('implements every member of the interface, under its own name', () => {
      for (const [member, type] of Object.entries(MEMBERS))
        expect([member, typeof kind[member as keyof AnyTaskKind]]).toEqual([member, type]);
      expect(kind.name).toBe(name);
      expect(kind.exportFormats.length).toBeGreaterThan(0);
      expect(kind.goldThreshold).toBeGreaterThan(0);
      expect(kind.goldThreshold).toBeLessThanOrEqual(1);
    });

    it('accepts its sample schema and refuses a non-object with INVALID_SETTINGS', () => {
      expect(parsed.ok).toBe(true);
      for (const raw of [null, 'x', 42, []]) {
        const refused = kind.parseSettings(raw);
        expect(refused.ok ? [] : refused.issues.map(i => [i.code, i.field])).toContainEqual([
          'INVALID_SETTINGS',
          'settings',
        ]);
      }
    });

    it('refuses hostile answers with a coded issue, never a throw', () => {
      for (const answer of HOSTILE) {
        const checked = kind.validateAnswer(settings, PAYLOAD, answer);
        expect(checked.ok).toBe(false);
        if (!checked.ok) {
          for (const issue of checked.issues) {
            expect(issue.field).toMatch(/^answer/);
            expect(issue.reason.length).toBeGreaterThan(0);
          }
        }
      }
    });

    it('encodes, scores confidence and exports every listed format with no tasks', () => {
      const encoded = kind.encode(settings, []);
      expect([encoded.taskIds, encoded.workerIds]).toEqual([[], []]);
      expect(kind.taskConfidence(settings, PAYLOAD, [])).toBe(name === 'PAIRWISE' ? 0.5 : 0);
      for (const format of kind.exportFormats)
        expect(kind.exportResults(format, settings, []).length).toBeGreaterThan(0);
    });
  });
});
