import 'reflect-metadata';
import { AppError } from '../../../src/common/errors';
import { kindSettingsOf, parseKindSettings } from '../../../src/modules/projects/kind-settings';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import {
  isAdditiveSchemaChange,
  sameLabelSchema,
  validateLabelSchema,
} from '../../../src/modules/projects/validate-project-settings';

const option = (key: string) => ({ key, displayName: key });

function refusal(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return { ...(error as AppError).extensions };
  }
  throw new Error('not refused');
}

describe('label schemas of the structured kinds (projects/kind-settings.ts)', () => {
  it('maps the labels into the kind’s list setting and stores the parsed settings', () => {
    expect(
      validateLabelSchema({
        kind: LabelSchemaKind.TEXT_SPANS,
        labels: [option('PER')],
        settings: { tokenization: 'CHARACTER' },
      }).settings,
    ).toEqual({
      entityTypes: ['PER'],
      tokenization: 'CHARACTER',
      textField: 'text',
      tokensField: 'tokens',
      allowOverlap: false,
    });
    expect(parseKindSettings('BOUNDING_BOXES', ['car'], null)).toMatchObject({ classes: ['car'] });
    expect(parseKindSettings('RATING', [], { min: 1, max: 3 })).toEqual({
      min: 1,
      max: 3,
      labels: [],
      tolerance: 0,
    });
    // A choice kind's settings are its keys, stored or (for old rows) derived.
    const choice = { kind: LabelSchemaKind.SINGLE_CHOICE, labels: [option('a'), option('b')] };
    expect(validateLabelSchema(choice).settings).toEqual({ labels: ['a', 'b'] });
    expect(kindSettingsOf(choice)).toEqual({ labels: ['a', 'b'] });
  });

  it('refuses with the kind’s issue code and the field under labelSchema', () => {
    expect(
      refusal(() => validateLabelSchema({ kind: LabelSchemaKind.TEXT_SPANS, labels: [] })),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_SETTINGS',
      field: 'labelSchema.settings.entityTypes',
    });
    expect(refusal(() => parseKindSettings('RATING', [], { min: 'one', max: 5 }))).toMatchObject({
      reason: 'INVALID_SETTINGS',
      field: 'labelSchema.settings.max',
    });
    expect(refusal(() => parseKindSettings('PAIRWISE', ['x'], null))).toMatchObject({
      reason: 'INVALID_SETTINGS',
      field: 'labelSchema.labels',
    });
  });

  it('lets a launched schema gain entity types but not change its tokenization', () => {
    const before = validateLabelSchema({
      kind: LabelSchemaKind.TEXT_SPANS,
      labels: [option('PER')],
    });
    const more = validateLabelSchema({
      kind: LabelSchemaKind.TEXT_SPANS,
      labels: [option('PER'), option('LOC')],
    });
    const retokenized = validateLabelSchema({
      kind: LabelSchemaKind.TEXT_SPANS,
      labels: [option('PER')],
      settings: { tokenization: 'CHARACTER' },
    });
    expect(isAdditiveSchemaChange(before, more)).toBe(true);
    expect(sameLabelSchema(before, retokenized)).toBe(false);
    expect(isAdditiveSchemaChange(before, retokenized)).toBe(false);
  });
});
