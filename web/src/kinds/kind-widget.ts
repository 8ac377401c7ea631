import type { ReactNode } from 'react';
import type { MessageKey, Translate } from '../i18n/i18n';

/** One label a worker may pick. */
export interface LabelOption {
  readonly key: string;
  readonly displayName: string;
}

/**
 * What a widget knows of the task: its label schema with the kind's parsed settings (entity
 * types, box classes, the rating scale, the item fields…), the payload, and for TEXT_SPANS the
 * tokens exactly as the server counts them.
 */
export interface WidgetTask {
  readonly labelSchema: {
    readonly kind: string;
    readonly labels: readonly LabelOption[];
    readonly settings?: Readonly<Record<string, unknown>> | null;
  };
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly tokens?: readonly string[] | null;
}

/** What the API records (`AnswerInput`): label keys for the choice kinds, else a kind's value. */
export type ApiAnswer = { readonly labels: string[] } | { readonly value: Record<string, unknown> };

/** One shortcut of a widget: the key, what it says on screen, and what it does to the answer. */
export interface WidgetKey<A> {
  /** `event.key`, prefixed `Shift+` for a named key held with Shift (`Shift+ArrowLeft`). */
  readonly key: string;
  readonly description: string;
  apply(answer: A): A;
}

/** What `render` gets: the task, the answer so far and how to change it. */
export interface WidgetProps<A> {
  readonly task: WidgetTask;
  readonly answer: A;
  readonly onChange: (answer: A) => void;
  readonly t: Translate;
}

/**
 * One task kind's answer widget: the task screen knows nothing else about kinds, so a new kind
 * is a new file registered in kinds/index.ts. A widget's answer may carry its own editing state
 * (a cursor, the selected box): `toAnswer` keeps only what the API records.
 */
export interface KindWidget<A> {
  /** The answer before the worker did anything. */
  empty(task: WidgetTask): A;
  /**
   * The widget's answer for a value the API recorded (`AnswerInput.value`'s shape), so a reviewer
   * edits the crowd's consensus instead of starting over; what does not fit the task is dropped.
   * Only the kinds recorded as a value have it.
   */
  fromValue?(value: Readonly<Record<string, unknown>>, task: WidgetTask): A;
  render(props: WidgetProps<A>): ReactNode;
  /** The widget's own keys (the screen adds Enter and Escape). */
  keymap(task: WidgetTask, t: Translate): readonly WidgetKey<A>[];
  /** Why the answer cannot be submitted yet, or null when it can. */
  validate(answer: A, task: WidgetTask): MessageKey | null;
  /** The answer as `AnswerInput` carries it. */
  toAnswer(answer: A, task: WidgetTask): ApiAnswer;
  /** Payload fields the widget shows itself, which the screen's payload view leaves out. */
  shownFields?(task: WidgetTask): readonly string[];
}

/** The key that picks option `index`: 1–9, then a–z. */
export function optionKey(index: number): string {
  return index < 9 ? String(index + 1) : String.fromCharCode(97 + index - 9);
}

/** A string setting of the task's label schema, or `fallback`. */
export function stringSetting(task: WidgetTask, name: string, fallback: string): string {
  const value = task.labelSchema.settings?.[name];
  return typeof value === 'string' ? value : fallback;
}

/** A list-of-keys setting (`entityTypes`, `classes`), or the schema's label keys. */
export function keyListSetting(task: WidgetTask, name: string): string[] {
  const value = task.labelSchema.settings?.[name];
  if (Array.isArray(value)) {
    return value
      .map(item => (typeof item === 'string' ? item : (item as { key?: unknown } | null)?.key))
      .filter((key): key is string => typeof key === 'string');
  }
  return task.labelSchema.labels.map(label => label.key);
}

/** The display name of a label key (the schema's label when it has one, else the key). */
export function displayNameOf(task: WidgetTask, key: string): string {
  return task.labelSchema.labels.find(label => label.key === key)?.displayName ?? key;
}
