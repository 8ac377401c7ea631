import type { LabelSchemaKind } from '../projects/project.types';

/**
 * The part of a project's `LabelSchema` an answer is checked against. Structural, and the import
 * above is type-only, so this file stays free of GraphQL decorators (unit-testable, pure).
 */
export interface AnswerSchema {
  readonly kind: `${LabelSchemaKind}`;
  readonly labels: ReadonlyArray<{ readonly key: string }>;
}

/** Outcome of `validateAnswer`: the labels to store, or why the answer is refused. */
export type AnswerValidation =
  | { readonly ok: true; readonly labels: string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Checks an answer against a project's label schema. SINGLE_CHOICE: exactly one key of the
 * schema. MULTI_LABEL: at least one key, all of the schema, none repeated. Stored labels follow
 * the schema's order, so two answers with the same set store the same array. Keys are matched
 * exactly (no trimming or case folding: they are machine keys).
 */
export function validateAnswer(schema: AnswerSchema, labels: readonly string[]): AnswerValidation {
  const order = new Map(schema.labels.map((option, index) => [option.key, index]));
  const unknown = labels.filter(label => !order.has(label));
  if (unknown.length > 0) {
    return { ok: false, message: `Unknown label ${JSON.stringify(unknown[0])}` };
  }
  if (new Set(labels).size !== labels.length) {
    return { ok: false, message: 'An answer may not repeat a label' };
  }
  if (schema.kind === 'SINGLE_CHOICE' && labels.length !== 1) {
    return { ok: false, message: 'A single-choice answer has exactly one label' };
  }
  if (labels.length === 0) {
    return { ok: false, message: 'An answer has at least one label' };
  }
  return { ok: true, labels: [...labels].sort((a, b) => order.get(a)! - order.get(b)!) };
}

/** Whether two label sets are equal, in any order: a gold answer is correct when it matches. */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const left = new Set(a);
  return left.size === new Set(b).size && b.every(label => left.has(label));
}
