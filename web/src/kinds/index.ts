import type { KindWidget } from './kind-widget';
import { multiLabel } from './multi-label';
import { singleChoice } from './single-choice';

/** Every task kind the app can show, by `LabelSchemaKind`. */
const WIDGETS: Record<string, KindWidget<any>> = {
  SINGLE_CHOICE: singleChoice,
  MULTI_LABEL: multiLabel,
};

/** The widget of a kind, or null when this app version does not know it. */
export function widgetFor(kind: string): KindWidget<unknown> | null {
  return WIDGETS[kind] ?? null;
}
