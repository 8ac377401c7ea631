/**
 * Light backgrounds for entity types and box classes, each with dark text above 4.5:1 contrast;
 * a type's name is always shown beside its colour, so colour is never the only cue.
 */
const COLOURS = [
  '#fde68a',
  '#bfdbfe',
  '#bbf7d0',
  '#fbcfe8',
  '#ddd6fe',
  '#fed7aa',
  '#a5f3fc',
  '#e5e7eb',
  '#d9f99d',
  '#fecaca',
];

/** Strong strokes for box outlines on a photo, in the same order as `colourOf`. */
const STROKES = [
  '#b45309',
  '#1d4ed8',
  '#15803d',
  '#be185d',
  '#6d28d9',
  '#c2410c',
  '#0e7490',
  '#374151',
  '#4d7c0f',
  '#b91c1c',
];

/** The background colour of the label at `index`. */
export const colourOf = (index: number): string => COLOURS[index % COLOURS.length]!;

/** The outline colour of the label at `index`. */
export const strokeOf = (index: number): string => STROKES[index % STROKES.length]!;
