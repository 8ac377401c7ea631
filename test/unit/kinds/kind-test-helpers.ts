import type {
  Checked,
  KindIssue,
  TaskKind,
  TaskPayload,
} from '../../../src/modules/kinds/task-kind';

/** The parsed settings, failing the test with the issues when they are refused. */
export function settingsOf<S>(kind: TaskKind<S, unknown, unknown>, raw: unknown): S {
  const checked = kind.parseSettings(raw);
  if (!checked.ok) throw new Error(`settings refused: ${JSON.stringify(checked.issues)}`);
  return checked.value;
}

/** The accepted value, failing the test with the issues when it is refused. */
export function valueOf<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new Error(`refused: ${JSON.stringify(checked.issues)}`);
  return checked.value;
}

/** The issues of a refusal as [code, field] pairs ([] when accepted). */
export function issuesOf(checked: Checked<unknown>): Array<[string, string]> {
  return checked.ok ? [] : checked.issues.map((issue: KindIssue) => [issue.code, issue.field]);
}

/**
 * Every kind's confidence check: none before any answer (`empty`: 0, or 0.5 for a pair), and
 * three workers giving `answer` count for more than the answers of `split` (workers a, b, c, …),
 * without leaving [0, 1]. Returns both figures for the kind's own further checks.
 */
export function expectAgreementOutweighsSplit<S, A>(
  kind: TaskKind<S, A, unknown>,
  settings: S,
  payload: TaskPayload,
  answer: A,
  split: readonly A[],
  empty = 0,
): { agree: number; split: number } {
  const confidenceOf = (answers: readonly A[]): number =>
    kind.taskConfidence(
      settings,
      payload,
      answers.map((one, i) => ({ worker: String.fromCharCode(97 + i), answer: one })),
    );
  expect(confidenceOf([])).toBe(empty);
  const agree = confidenceOf([answer, answer, answer]);
  const apart = confidenceOf(split);
  expect(agree).toBeGreaterThan(apart);
  expect(agree).toBeLessThanOrEqual(1);
  return { agree, split: apart };
}
