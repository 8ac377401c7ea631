import { BadUserInputError } from '../../common/errors';
import { kindOf } from '../kinds/kinds';
import type { Checked } from '../kinds/task-kind';
import type { LabelSchema } from './project.types';

/** The kinds whose answers are label keys (`answer_labels`); the others store `answer` jsonb. */
export const CHOICE_KINDS: readonly string[] = ['SINGLE_CHOICE', 'MULTI_LABEL'];

/** Whether `kind` answers with structured values (`AnswerInput.value`) rather than label keys. */
export function isStructuredKind(kind: string): boolean {
  return !CHOICE_KINDS.includes(kind);
}

/**
 * The parsed kind settings of a stored label schema. Schemas stored before the kinds were wired
 * have no `settings`: for them (choice kinds only) the settings are the label keys, which is
 * exactly what `parseSettings` of the choice kinds returns.
 */
export function kindSettingsOf(
  schema: Pick<LabelSchema, 'kind' | 'labels'> & {
    settings?: Record<string, unknown> | null;
  },
): Record<string, unknown> {
  return schema.settings ?? { labels: schema.labels.map(label => label.key) };
}

/**
 * The value of a kind check, or BAD_USER_INPUT for its first issue, with the issue's code in
 * `extensions.reason` and its path (under `prefix`) in `extensions.field` (docs/kinds.md).
 */
export function checkedOrThrow<T>(checked: Checked<T>, prefix: string): T {
  if (checked.ok) return checked.value;
  const [issue] = checked.issues;
  throw new BadUserInputError(issue.reason, {
    field: prefix ? `${prefix}.${issue.field}` : issue.field,
    reason: issue.code,
  });
}

/** The settings list the schema's `labels` name, per kind (the contract of LabelSchemaInput). */
const LABELS_SETTING: Readonly<Record<string, string | null>> = {
  SINGLE_CHOICE: 'labels',
  MULTI_LABEL: 'labels',
  TEXT_SPANS: 'entityTypes',
  BOUNDING_BOXES: 'classes',
  RATING: 'labels',
  PAIRWISE: null,
};

/**
 * The parsed settings of a schema input: the raw `settings`, with the `labels` keys put under
 * the kind's list setting (entity types, classes, grade labels), through the kind's
 * `parseSettings`. A refusal is BAD_USER_INPUT with `field` `labelSchema.settings.…`.
 */
export function parseKindSettings(
  kind: string,
  keys: readonly string[],
  raw: Record<string, unknown> | null | undefined,
): Record<string, unknown> {
  const list = LABELS_SETTING[kind];
  const merged: Record<string, unknown> = { ...(raw ?? {}) };
  if (list === null && keys.length > 0) {
    throw new BadUserInputError(`a ${kind} schema has no labels`, {
      field: 'labelSchema.labels',
      reason: 'INVALID_SETTINGS',
    });
  }
  if (list !== null && (keys.length > 0 || merged[list] === undefined)) merged[list] = [...keys];
  return checkedOrThrow(kindOf(kind).parseSettings(merged), 'labelSchema') as Record<
    string,
    unknown
  >;
}
