/**
 * Small shared pieces of the kinds: building `Checked` values, reading JSON safely (objects,
 * integers, key lists) and writing CSV / JSONL export files. Every kind reads its settings and
 * answers through these, so the same hostile input (NaN, a string for a number, NUL bytes in a
 * key) gets the same code everywhere.
 */
import { Interner } from '../aggregation/interner';
import { csvField } from '../aggregation/results-export';
import type {
  Checked,
  ExportFile,
  ExportFormat,
  KindIssue,
  KindIssueCode,
  TaskAnswers,
  TaskPayload,
} from './task-kind';

/** A passing check. */
export function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

/** A failing check with one issue. */
export function refuse<T>(code: KindIssueCode, field: string, reason: string): Checked<T> {
  return { ok: false, issues: [{ code, field, reason }] };
}

/** A failing check with the issues collected so far, or a passing one when there are none. */
export function okUnless<T>(issues: readonly KindIssue[], value: () => T): Checked<T> {
  return issues.length > 0 ? { ok: false, issues } : ok(value());
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a finite number (rejects NaN, ±Infinity and numeric strings). */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** True for a safe integer (rejects 1.5, NaN, 2⁵³ and numeric strings). */
export function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Longest key or field name accepted (a bound for hostile input). */
export const MAX_KEY_LENGTH = 200;

/** True for a usable key or field name: a non-empty string without NUL or other controls. */
export function isKey(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY_LENGTH)
    return false;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20) return false;
  return true;
}

/**
 * Reads `raw[name]` as a list of distinct keys: strings, or objects with a `key` (label options).
 * Pushes an INVALID_SETTINGS issue and returns [] when it is not one.
 */
export function readKeyList(
  raw: Readonly<Record<string, unknown>>,
  name: string,
  issues: KindIssue[],
): string[] {
  const list = raw[name];
  const field = `settings.${name}`;
  if (!Array.isArray(list) || list.length === 0) {
    issues.push({ code: 'INVALID_SETTINGS', field, reason: `${name} is a non-empty list` });
    return [];
  }
  const keys = list.map(item => (isRecord(item) ? item.key : item));
  const bad = keys.findIndex(key => !isKey(key));
  if (bad >= 0) {
    issues.push({
      code: 'INVALID_SETTINGS',
      field: `${field}[${bad}]`,
      reason: 'a key is a non-empty string without control characters',
    });
    return [];
  }
  if (new Set(keys).size !== keys.length) {
    issues.push({ code: 'INVALID_SETTINGS', field, reason: `${name} repeats a key` });
    return [];
  }
  return keys as string[];
}

/** Reads an optional field-name setting, pushing an issue when it is not a key. */
export function readFieldName(
  raw: Readonly<Record<string, unknown>>,
  name: string,
  fallback: string,
  issues: KindIssue[],
): string {
  const value = raw[name] ?? fallback;
  if (isKey(value)) return value;
  issues.push({
    code: 'INVALID_SETTINGS',
    field: `settings.${name}`,
    reason: 'a payload field name',
  });
  return fallback;
}

/** The settings object itself, or an issue. */
export function settingsObject(
  raw: unknown,
  issues: KindIssue[],
): Readonly<Record<string, unknown>> {
  if (isRecord(raw)) return raw;
  issues.push({
    code: 'INVALID_SETTINGS',
    field: 'settings',
    reason: 'settings are a JSON object',
  });
  return {};
}

/** The answer object itself, or a MALFORMED_ANSWER issue. */
export function answerObject(raw: unknown, issues: KindIssue[]): Readonly<Record<string, unknown>> {
  if (isRecord(raw)) return raw;
  issues.push({ code: 'MALFORMED_ANSWER', field: 'answer', reason: 'an answer is a JSON object' });
  return {};
}

/**
 * What a kind reads from a task's payload (its tokens, image size, two items), or, when the
 * reader found nothing (null), the INVALID_PAYLOAD refusal on the payload field the settings name.
 */
export function fromPayload<T>(value: T | null, field: string, reason: string): Checked<T> {
  return value === null ? refuse('INVALID_PAYLOAD', `payload.${field}`, reason) : ok(value);
}

/**
 * The value `answer[name]` when `is` accepts it, or the refusal: MALFORMED_ANSWER on `answer`
 * (not an object) or on `answer.<name>` (`reason` says what the value should be). The kind then
 * checks what the value means (on the scale, one of the items) under its own code.
 */
export function answerField<T>(
  raw: unknown,
  name: string,
  is: (value: unknown) => value is T,
  reason: string,
): Checked<T> {
  const issues: KindIssue[] = [];
  const value = answerObject(raw, issues)[name];
  if (issues.length > 0) return { ok: false, issues };
  return is(value) ? ok(value) : refuse('MALFORMED_ANSWER', `answer.${name}`, reason);
}

/** The list `answer[name]` of at most `max` items, or `answerField`'s refusal. */
export function answerList(raw: unknown, name: string, max: number): Checked<readonly unknown[]> {
  const isShortList = (value: unknown): value is readonly unknown[] =>
    Array.isArray(value) && value.length <= max;
  return answerField(raw, name, isShortList, `a list of at most ${max} ${name}`);
}

/**
 * Every answer of `tasks` as an annotation of the typed-array builders: task index, dense
 * worker index (from `workers`, in order of first appearance) and the converted answer.
 */
export function annotationsOf<A, T>(
  tasks: readonly TaskAnswers<A>[],
  workers: Interner,
  convert: (answer: A) => T,
): Array<{ task: number; worker: number } & T> {
  return tasks.flatMap((task, t) =>
    task.answers.map(({ worker, answer }) => ({
      task: t,
      worker: workers.of(worker),
      ...convert(answer),
    })),
  );
}

/** A string-valued payload field (an item id, a text, an image URL), or null when absent. */
export function payloadString(payload: TaskPayload, field: string): string | null {
  const value = payload[field];
  if (typeof value === 'string') return value;
  return isFiniteNumber(value) ? String(value) : null;
}

export { Interner };

/** One JSONL file: one JSON value per line. */
export function jsonlFile(name: string, lines: Iterable<unknown>): ExportFile {
  let content = '';
  for (const line of lines) content += `${JSON.stringify(line)}\n`;
  return { name, contentType: 'application/x-ndjson', content };
}

/** One CSV file (RFC 4180, header row, `\n` line ends); null and undefined cells are empty. */
export function csvFile(
  name: string,
  header: readonly string[],
  rows: Iterable<ReadonlyArray<string | number | boolean | null | undefined>>,
): ExportFile {
  const lines = [header.join(',')];
  for (const row of rows)
    lines.push(row.map(cell => csvField(cell == null ? '' : String(cell))).join(','));
  return { name, contentType: 'text/csv', content: `${lines.join('\n')}\n` };
}

/** The error for a format a kind does not list (a caller bug: formats come from `exportFormats`). */
export function unsupportedFormat(kind: string, format: ExportFormat): RangeError {
  return new RangeError(`${kind} has no ${format} export`);
}

/**
 * The CSV or JSONL export of flat records (`<baseName>.csv` with `header` as columns in that
 * order, or `<baseName>.jsonl` with each record as is): the two formats of the tabular kinds.
 */
export function tableExport(
  kind: string,
  format: ExportFormat,
  baseName: string,
  header: readonly string[],
  records: ReadonlyArray<Readonly<Record<string, string | number | boolean | null>>>,
): ExportFile[] {
  if (format === 'JSONL') return [jsonlFile(`${baseName}.jsonl`, records)];
  if (format === 'CSV') {
    return [
      csvFile(
        `${baseName}.csv`,
        header,
        records.map(record => header.map(h => record[h])),
      ),
    ];
  }
  throw unsupportedFormat(kind, format);
}
