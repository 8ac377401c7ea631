/**
 * The registry of task kinds: `kindOf(project.kind)` is the one place code picks an
 * implementation, so nothing else switches on the kind (DESIGN.md "Task kinds", docs/kinds.md).
 */
import { boxesKind } from './boxes-kind';
import { multiLabelKind, singleChoiceKind } from './choice-kinds';
import { pairwiseKind } from './pairwise-kind';
import { ratingKind } from './rating-kind';
import { spansKind } from './spans-kind';
import type { KindName, TaskKind } from './task-kind';

/** A kind whose settings, answer and encoding types the caller does not know statically. */
export type AnyTaskKind = TaskKind<unknown, unknown, unknown>;

/** Every kind, by name. */
export const TASK_KINDS: Readonly<Record<KindName, AnyTaskKind>> = {
  SINGLE_CHOICE: singleChoiceKind as AnyTaskKind,
  MULTI_LABEL: multiLabelKind as AnyTaskKind,
  TEXT_SPANS: spansKind as AnyTaskKind,
  BOUNDING_BOXES: boxesKind as AnyTaskKind,
  RATING: ratingKind as AnyTaskKind,
  PAIRWISE: pairwiseKind as AnyTaskKind,
};

/** The names of every kind. */
export const KIND_NAMES = Object.keys(TASK_KINDS) as KindName[];

/** True when `name` is a kind's name. */
export function isKindName(name: string): name is KindName {
  return Object.prototype.hasOwnProperty.call(TASK_KINDS, name);
}

/** The implementation of a kind; RangeError for an unknown name (callers validate it first). */
export function kindOf(name: string): AnyTaskKind {
  if (!isKindName(name)) throw new RangeError(`unknown task kind ${JSON.stringify(name)}`);
  return TASK_KINDS[name];
}
