import type { ReactNode } from 'react';
import type { MessageKey, Translate } from '../i18n/i18n';

/** One label a worker may pick. */
export interface LabelOption {
  readonly key: string;
  readonly displayName: string;
}

/** What a widget knows of the task: its label schema (the payload is shown by the screen). */
export interface WidgetTask {
  readonly labelSchema: { readonly kind: string; readonly labels: readonly LabelOption[] };
}

/** One shortcut of a widget: the key, what it says on screen, and what it does to the answer. */
export interface WidgetKey<A> {
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
 * (spans, boxes, ratings, pairwise) is a new file registered in kinds/index.ts.
 */
export interface KindWidget<A> {
  /** The answer before the worker did anything. */
  empty(task: WidgetTask): A;
  render(props: WidgetProps<A>): ReactNode;
  /** The widget's own keys (the screen adds Enter and Escape). */
  keymap(task: WidgetTask, t: Translate): readonly WidgetKey<A>[];
  /** Why the answer cannot be submitted yet, or null when it can. */
  validate(answer: A, task: WidgetTask): MessageKey | null;
  /** The label keys the API records. */
  toLabels(answer: A): string[];
}

/** The key that picks option `index`: 1–9, then a–z. */
export function optionKey(index: number): string {
  return index < 9 ? String(index + 1) : String.fromCharCode(97 + index - 9);
}
