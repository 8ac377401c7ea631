import type { KindWidget } from './kind-widget';
import { boundingBoxes } from './bounding-boxes';
import { multiLabel } from './multi-label';
import { pairwise } from './pairwise';
import { rating } from './rating';
import { singleChoice } from './single-choice';
import { textSpans } from './text-spans';
import './kinds.css';

/** Every task kind the app can show, by `LabelSchemaKind`. */
const WIDGETS: Record<string, KindWidget<any>> = {
  SINGLE_CHOICE: singleChoice,
  MULTI_LABEL: multiLabel,
  TEXT_SPANS: textSpans,
  BOUNDING_BOXES: boundingBoxes,
  RATING: rating,
  PAIRWISE: pairwise,
};

/** The widget of a kind, or null when this app version does not know it. */
export function widgetFor(kind: string): KindWidget<unknown> | null {
  return WIDGETS[kind] ?? null;
}
