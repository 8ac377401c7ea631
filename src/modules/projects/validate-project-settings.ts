import { BadUserInputError } from '../../common/errors';
import { isStorableText } from '../../common/text';
import { isStructuredKind, parseKindSettings } from './kind-settings';
import { type LabelSchema, LabelSchemaKind } from './project.types';

/** A label schema as given (`LabelSchemaInput`) or stored (with its parsed settings). */
export type LabelSchemaLike = Pick<LabelSchema, 'kind' | 'labels'> & {
  settings?: Record<string, unknown> | null;
};

/** Limits on project settings; each refusal is BAD_USER_INPUT with `field` naming the setting. */
export const PROJECT_LIMITS = {
  nameMaxLength: 200,
  instructionsMaxLength: 100_000,
  minLabels: 2,
  maxLabels: 200,
  /** Label keys are stored in answers and exports: short, stable, URL- and CSV-safe. */
  labelKeyPattern: /^[A-Za-z0-9_.-]{1,64}$/,
  labelDisplayNameMaxLength: 200,
  /** Minor units per assignment: 1,000,000 is 10,000.00 in a two-decimal currency. */
  maxRewardAmount: 1_000_000,
  currencyPattern: /^[a-z]{3}$/i,
  maxOverlap: 100,
  maxGoldRate: 0.5,
  /** MTurk allows 30 s at least; a week is more than any single labeling task needs. */
  assignmentDurationSeconds: { min: 30, max: 7 * 24 * 3600 },
  /** MTurk's AutoApprovalDelayInSeconds range: 0 to 30 days. */
  autoApprovalDelaySeconds: { min: 0, max: 30 * 24 * 3600 },
  rejectionReversalWindowSeconds: { min: 0, max: 30 * 24 * 3600 },
  qualificationTaskCount: { min: 0, max: 1000 },
  qualificationRetryDelaySeconds: { min: 0, max: 365 * 24 * 3600 },
  goldExposureCap: { min: 1, max: 1_000_000 },
} as const;

/** Defaults for optional settings at creation. */
export const PROJECT_DEFAULTS = {
  instructions: '',
  goldRate: 0,
  assignmentDurationSeconds: 600,
  autoApprovalDelaySeconds: 3 * 24 * 3600,
  rejectionReversalWindowSeconds: 7 * 24 * 3600,
  qualificationTaskCount: 0,
  qualificationPassMark: 0.8,
  qualificationRetryDelaySeconds: 24 * 3600,
  /** Distinct workers per gold task: enough to score a crowd, few enough to stay unrecognised. */
  goldExposureCap: 50,
} as const;

/** Every setting of a project, validated and normalised (what the columns hold). */
export interface ProjectSettings {
  name: string;
  instructions: string;
  labelSchema: LabelSchemaLike;
  rewardAmount: number;
  currency: string;
  minOverlap: number;
  maxOverlap: number;
  confidenceTarget: number | null;
  goldRate: number;
  /** Null: the kind's default (`kindOf(kind).goldThreshold`). */
  goldThreshold: number | null;
  assignmentDurationSeconds: number;
  autoApprovalDelaySeconds: number;
  rejectionReversalWindowSeconds: number;
  qualificationTaskCount: number;
  qualificationPassMark: number;
  qualificationRetryDelaySeconds: number;
  goldExposureCap: number;
}

/**
 * Checks a complete set of settings and returns its normalised form: name and display names
 * trimmed, currency lower-cased, labels copied (key and display name only). Throws
 * BAD_USER_INPUT at the first problem, with `field`.
 *
 * Overlap: fixed k is min = max = k with no confidence target; dynamic overlap (min < max) needs
 * a target in the open interval (0.5, 1): at or below 0.5 a "confident" label could still be
 * outvoted, and 1 is never reached by a posterior.
 */
export function validateProjectSettings(
  settings: ProjectSettings,
): ProjectSettings & { labelSchema: LabelSchema } {
  const name = settings.name.trim();
  if (name.length === 0 || name.length > PROJECT_LIMITS.nameMaxLength) {
    fail('name', `name must have 1 to ${PROJECT_LIMITS.nameMaxLength} characters`);
  }
  if (settings.instructions.length > PROJECT_LIMITS.instructionsMaxLength) {
    fail(
      'instructions',
      `instructions must have at most ${PROJECT_LIMITS.instructionsMaxLength} characters`,
    );
  }
  if (!isStorableText(name)) fail('name', 'name must not contain NUL characters');
  if (!isStorableText(settings.instructions)) {
    fail('instructions', 'instructions must not contain NUL characters');
  }
  const labelSchema = validateLabelSchema(settings.labelSchema);

  integerIn('rewardAmount', settings.rewardAmount, 0, PROJECT_LIMITS.maxRewardAmount);
  if (!PROJECT_LIMITS.currencyPattern.test(settings.currency)) {
    fail('currency', 'currency must be a three-letter ISO 4217 code such as usd');
  }

  const { minOverlap, maxOverlap, confidenceTarget } = settings;
  integerIn('overlap.minOverlap', minOverlap, 1, PROJECT_LIMITS.maxOverlap);
  integerIn('overlap.maxOverlap', maxOverlap, minOverlap, PROJECT_LIMITS.maxOverlap);
  if (minOverlap === maxOverlap && confidenceTarget !== null) {
    fail(
      'overlap.confidenceTarget',
      'confidenceTarget applies to dynamic overlap only (min < max)',
    );
  }
  if (
    minOverlap < maxOverlap &&
    (confidenceTarget === null ||
      !Number.isFinite(confidenceTarget) ||
      confidenceTarget <= 0.5 ||
      confidenceTarget >= 1)
  ) {
    fail('overlap.confidenceTarget', 'dynamic overlap needs a confidenceTarget between 0.5 and 1');
  }

  if (
    !Number.isFinite(settings.goldRate) ||
    settings.goldRate < 0 ||
    settings.goldRate > PROJECT_LIMITS.maxGoldRate
  ) {
    fail('goldRate', `goldRate must be between 0 and ${PROJECT_LIMITS.maxGoldRate}`);
  }
  if (
    settings.goldThreshold !== null &&
    !(
      Number.isFinite(settings.goldThreshold) &&
      settings.goldThreshold >= 0 &&
      settings.goldThreshold <= 1
    )
  ) {
    fail('goldThreshold', 'goldThreshold must be between 0 and 1');
  }
  for (const field of [
    'assignmentDurationSeconds',
    'autoApprovalDelaySeconds',
    'rejectionReversalWindowSeconds',
    'qualificationTaskCount',
    'qualificationRetryDelaySeconds',
    'goldExposureCap',
  ] as const) {
    integerIn(field, settings[field], PROJECT_LIMITS[field].min, PROJECT_LIMITS[field].max);
  }
  if (
    !Number.isFinite(settings.qualificationPassMark) ||
    settings.qualificationPassMark < 0 ||
    settings.qualificationPassMark > 1
  ) {
    fail('qualificationPassMark', 'qualificationPassMark must be between 0 and 1');
  }

  return {
    ...settings,
    name,
    labelSchema,
    currency: settings.currency.toLowerCase(),
  };
}

/**
 * Checks a label schema: unique well-formed keys, non-empty display names, 2 to 200 labels for
 * the choice kinds (at most 200 for the others, whose kind decides how many it needs), and the
 * kind's settings through its `parseSettings` (kind-settings.ts), stored parsed.
 */
export function validateLabelSchema(schema: LabelSchemaLike): LabelSchema {
  if (!Object.values(LabelSchemaKind).includes(schema.kind)) {
    fail('labelSchema.kind', 'unknown label schema kind');
  }
  const { maxLabels } = PROJECT_LIMITS;
  const minLabels = isStructuredKind(schema.kind) ? 0 : PROJECT_LIMITS.minLabels;
  if (schema.labels.length < minLabels || schema.labels.length > maxLabels) {
    fail('labelSchema.labels', `a label schema has ${minLabels} to ${maxLabels} labels`);
  }
  const seen = new Set<string>();
  const labels = schema.labels.map(({ key, displayName }, index) => {
    if (!PROJECT_LIMITS.labelKeyPattern.test(key)) {
      fail(
        `labelSchema.labels[${index}].key`,
        'label keys have 1 to 64 characters among A-Z a-z 0-9 _ . -',
      );
    }
    if (seen.has(key)) fail(`labelSchema.labels[${index}].key`, `duplicate label key ${key}`);
    seen.add(key);
    const shown = displayName.trim();
    if (
      shown.length === 0 ||
      shown.length > PROJECT_LIMITS.labelDisplayNameMaxLength ||
      !isStorableText(shown)
    ) {
      fail(
        `labelSchema.labels[${index}].displayName`,
        `display names have 1 to ${PROJECT_LIMITS.labelDisplayNameMaxLength} characters, no NUL`,
      );
    }
    return { key, displayName: shown };
  });
  const keys = labels.map(label => label.key);
  const settings = isStructuredKind(schema.kind)
    ? parseKindSettings(schema.kind, keys, schema.settings)
    : { labels: keys };
  return { kind: schema.kind, labels, settings };
}

/**
 * Whether `next` only adds to `current`, the one kind of change allowed after launch: same
 * kind, every existing key still present at the same position (label order fixes label indexes
 * for aggregation), display names free to change, new labels appended at the end.
 */
export function isAdditiveSchemaChange(current: LabelSchemaLike, next: LabelSchema): boolean {
  return (
    current.kind === next.kind &&
    sameNonLabelSettings(current, next) &&
    next.labels.length >= current.labels.length &&
    current.labels.every((label, index) => next.labels[index]?.key === label.key)
  );
}

/**
 * Whether the settings other than the label list are equal (a structured kind's tokenization,
 * image field or scale cannot change once answers were given under them). Compared as JSON:
 * both sides are `parseSettings` output, which builds its keys in a fixed order.
 */
function sameNonLabelSettings(a: LabelSchemaLike, b: LabelSchemaLike): boolean {
  const rest = (schema: LabelSchemaLike) => {
    const { labels: _l, entityTypes: _e, classes: _c, ...others } = schema.settings ?? {};
    return JSON.stringify(others);
  };
  return rest(a) === rest(b);
}

/** Whether two schemas are identical (kind, keys, display names, order, kind settings). */
export function sameLabelSchema(a: LabelSchemaLike, b: LabelSchemaLike): boolean {
  return (
    a.kind === b.kind &&
    sameNonLabelSettings(a, b) &&
    a.labels.length === b.labels.length &&
    a.labels.every(
      (label, index) =>
        label.key === b.labels[index]?.key && label.displayName === b.labels[index]?.displayName,
    )
  );
}

/**
 * The normalised gold answer of a task, or null when it has none (see `normalizeLabelKeys`).
 * `goldLabel` is the single-choice spelling, `goldLabels` the multi-label one; not both.
 */
export function normalizeGoldLabels(
  schema: LabelSchemaLike,
  gold: { goldLabel?: string | null; goldLabels?: readonly string[] | null },
  field: string,
): string[] | null {
  const single = gold.goldLabel ?? null;
  const multiple = gold.goldLabels ?? null;
  if (single !== null && multiple !== null) {
    fail(field, 'give goldLabel or goldLabels, not both');
  }
  const keys = single !== null ? [single] : multiple;
  return keys === null ? null : normalizeLabelKeys(schema, keys, field);
}

/**
 * Label keys checked against `schema` and put in schema order (so equal answers compare equal):
 * single choice needs exactly one key, multi-label at least one, never repeated, all in the
 * schema. For gold answers and worker answers alike; `field` names the culprit in the
 * BAD_USER_INPUT error (`tasks[3].goldLabels`, `answer`).
 */
export function normalizeLabelKeys(
  schema: LabelSchemaLike,
  keys: readonly string[],
  field: string,
): string[] {
  if (keys.length === 0) fail(field, 'an answer needs at least one label');
  if (new Set(keys).size !== keys.length) fail(field, 'labels repeat a key');
  if (schema.kind === LabelSchemaKind.SINGLE_CHOICE && keys.length !== 1) {
    fail(field, 'a single-choice answer has exactly one label');
  }
  const order = new Map(schema.labels.map((label, index) => [label.key, index]));
  const unknown = keys.find(key => !order.has(key));
  if (unknown !== undefined) fail(field, `label ${unknown} is not in the project's label schema`);
  return [...keys].sort((a, b) => order.get(a)! - order.get(b)!);
}

function integerIn(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(field, `${field} must be an integer from ${min} to ${max}`);
  }
}

function fail(field: string, message: string): never {
  throw new BadUserInputError(message, { field });
}
