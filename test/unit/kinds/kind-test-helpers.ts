import type { Checked, KindIssue, TaskKind } from '../../../src/modules/kinds/task-kind';

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
