import { BadUserInputError } from '../../common/errors';
import { kindOf } from '../kinds/kinds';
import { checkedOrThrow, isStructuredKind, kindSettingsOf } from '../projects/kind-settings';
import type { LabelSchemaLike } from '../projects/validate-project-settings';
import { sameLabels, validateAnswer } from './validate-answer';

/**
 * Answers through the task kinds (docs/kinds.md), for the submission service and the task
 * import: the choice kinds keep their label keys (`answer_labels`, `gold_labels`, checked as
 * before), the structured kinds a JSON value checked by their kind (`answer`, `gold_answer`).
 * Every refusal is BAD_USER_INPUT; a kind's refusal carries its issue code in `reason`.
 */

/** A checked answer: label keys (choice kinds) or the kind's value (structured kinds). */
export interface KindAnswer {
  readonly labels: string[] | null;
  readonly value: Record<string, unknown> | null;
}

/** What a worker (or an import's gold) sent: `AnswerInput`. */
export interface AnswerSent {
  readonly labels?: readonly string[] | null;
  readonly value?: Record<string, unknown> | null;
}

/**
 * Checks an answer to a task of `schema` with payload `payload`. `field` prefixes the culprit
 * (`answer`, `tasks[3].goldAnswer`).
 */
export function checkKindAnswer(
  schema: LabelSchemaLike,
  payload: Readonly<Record<string, unknown>>,
  sent: AnswerSent | null | undefined,
  field = 'answer',
): KindAnswer {
  if (!isStructuredKind(schema.kind)) {
    const checked = validateAnswer(schema, sent?.labels ?? []);
    if (!checked.ok) throw new BadUserInputError(checked.message, { field: `${field}.labels` });
    return { labels: checked.labels, value: null };
  }
  if (sent?.value == null) {
    throw new BadUserInputError(`A ${schema.kind} answer is a value, not labels`, {
      field: `${field}.value`,
      reason: 'MALFORMED_ANSWER',
    });
  }
  const checked = kindOf(schema.kind).validateAnswer(kindSettingsOf(schema), payload, sent.value);
  // The kind's paths start with `answer`; a gold answer names its import item instead.
  const renamed = checked.ok
    ? checked
    : {
        ok: false as const,
        issues: checked.issues.map(issue => ({
          ...issue,
          field: issue.field.replace(/^answer/, field),
        })),
      };
  return { labels: null, value: checkedOrThrow(renamed, '') as Record<string, unknown> };
}

/**
 * Scores an answer against the task's gold answer (`scoreGold`: 1 or 0 for the choice kinds, F1
 * for spans and boxes, distance for ratings), passing at the project's threshold or the kind's
 * default. Run for every answer, gold or not (the same work either way, DESIGN.md promise 8);
 * a task without a gold answer scores 0.
 */
export function scoreKindGold(
  schema: LabelSchemaLike,
  goldThreshold: number | null,
  task: {
    readonly payload: Readonly<Record<string, unknown>>;
    readonly goldLabels: readonly string[] | null;
    readonly goldAnswer: Record<string, unknown> | null;
  },
  answer: KindAnswer,
): { correct: boolean; score: number } {
  const kind = kindOf(schema.kind);
  const threshold = goldThreshold ?? kind.goldThreshold;
  if (!isStructuredKind(schema.kind)) {
    // The choice kinds as before: the same set of labels.
    const score = sameLabels(answer.labels ?? [], task.goldLabels ?? []) ? 1 : 0;
    return { correct: score >= threshold, score };
  }
  if (task.goldAnswer === null || answer.value === null) return { correct: false, score: 0 };
  const { score, pass } = kind.scoreGold(
    kindSettingsOf(schema),
    task.payload,
    answer.value,
    task.goldAnswer,
    threshold,
  );
  return { correct: pass, score };
}
