import 'reflect-metadata';
import { planTransition } from '../../../src/modules/projects/project-lifecycle';
import { LabelSchemaKind, ProjectStatus } from '../../../src/modules/projects/project.types';
import {
  isAdditiveSchemaChange,
  normalizeGoldLabels,
  normalizeLabelKeys,
  sameLabelSchema,
} from '../../../src/modules/projects/validate-project-settings';

const schema = (kind: LabelSchemaKind, ...keys: string[]) => ({
  kind,
  labels: keys.map(key => ({ key, displayName: key.toUpperCase() })),
});

describe('normalizeLabelKeys', () => {
  const multi = schema(LabelSchemaKind.MULTI_LABEL, 'a', 'b', 'c');
  const single = schema(LabelSchemaKind.SINGLE_CHOICE, 'a', 'b', 'c');

  it('puts keys in schema order', () => {
    expect(normalizeLabelKeys(multi, ['c', 'a'], 'answer')).toEqual(['a', 'c']);
  });

  it.each([
    ['no key', multi, []],
    ['a repeated key', multi, ['a', 'a']],
    ['an unknown key', multi, ['a', 'z']],
    ['two keys for single choice', single, ['a', 'b']],
  ])('refuses %s with BAD_USER_INPUT and the field', (_case, s, keys) => {
    expect(() => normalizeLabelKeys(s, keys, 'answer')).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'answer' }),
      }),
    );
  });

  it('reads a gold answer from goldLabel or goldLabels, never both', () => {
    expect(normalizeGoldLabels(single, { goldLabel: 'b' }, 'f')).toEqual(['b']);
    expect(normalizeGoldLabels(single, { goldLabels: ['b'] }, 'f')).toEqual(['b']);
    expect(normalizeGoldLabels(single, {}, 'f')).toBeNull();
    expect(normalizeGoldLabels(single, { goldLabel: null, goldLabels: null }, 'f')).toBeNull();
    expect(() => normalizeGoldLabels(single, { goldLabel: 'a', goldLabels: ['a'] }, 'f')).toThrow(
      'not both',
    );
  });
});

describe('isAdditiveSchemaChange', () => {
  const current = schema(LabelSchemaKind.SINGLE_CHOICE, 'a', 'b');

  it('allows appended labels and renamed display names', () => {
    const renamed = { ...current, labels: [{ key: 'a', displayName: 'Alpha' }, current.labels[1]] };
    expect(isAdditiveSchemaChange(current, renamed)).toBe(true);
    expect(
      isAdditiveSchemaChange(current, schema(LabelSchemaKind.SINGLE_CHOICE, 'a', 'b', 'c')),
    ).toBe(true);
    expect(sameLabelSchema(current, renamed)).toBe(false);
    expect(sameLabelSchema(current, schema(LabelSchemaKind.SINGLE_CHOICE, 'a', 'b'))).toBe(true);
  });

  it('refuses removed, reordered, inserted labels and another kind', () => {
    expect(isAdditiveSchemaChange(current, schema(LabelSchemaKind.SINGLE_CHOICE, 'a'))).toBe(false);
    expect(isAdditiveSchemaChange(current, schema(LabelSchemaKind.SINGLE_CHOICE, 'b', 'a'))).toBe(
      false,
    );
    expect(
      isAdditiveSchemaChange(current, schema(LabelSchemaKind.SINGLE_CHOICE, 'a', 'c', 'b')),
    ).toBe(false);
    expect(isAdditiveSchemaChange(current, schema(LabelSchemaKind.MULTI_LABEL, 'a', 'b'))).toBe(
      false,
    );
  });
});

describe('planTransition', () => {
  it.each([
    [ProjectStatus.DRAFT, 'launch', 'apply', ProjectStatus.ACTIVE],
    [ProjectStatus.PAUSED, 'pause', 'noop', ProjectStatus.PAUSED],
    // Launching is once only: a paused project resumes instead.
    [ProjectStatus.PAUSED, 'launch', 'refuse', ProjectStatus.ACTIVE],
    [ProjectStatus.ARCHIVED, 'resume', 'refuse', ProjectStatus.ACTIVE],
  ] as const)('plans %s + %s as %s (to %s)', (from, move, kind, to) => {
    expect(planTransition(from, move)).toEqual({ kind, to });
  });
});
