/**
 * The console's knowledge of the six task kinds, pure (no DOM, no network): the wizard's
 * settings form → `LabelSchemaInput.settings`, the parsed settings a preview widget reads, a
 * sample item per kind, example import lines, the export formats, and the client-side checks of
 * an imported item.
 *
 * The checks mirror the server's kind code (src/modules/kinds/*-kind.ts, docs/kinds.md), which
 * the web app cannot import (it pulls the aggregators in): same predicates, same issue codes,
 * same field paths, so a line refused here is one the server would refuse. The unit test
 * test/unit/web/kind-form.spec.ts runs both on the same cases to keep them equal.
 */

/** Every kind a project may have, in the wizard's order. */
export const KIND_NAMES = [
  'SINGLE_CHOICE',
  'MULTI_LABEL',
  'TEXT_SPANS',
  'BOUNDING_BOXES',
  'RATING',
  'PAIRWISE',
] as const;
export type KindName = (typeof KIND_NAMES)[number];

/** Whether `kind` answers with label keys (the others with a structured `value`). */
export const isChoiceKind = (kind: string): boolean =>
  kind === 'SINGLE_CHOICE' || kind === 'MULTI_LABEL';

/** What the schema's `labels` name per kind (null: the kind has none, PAIRWISE). */
export const LABELS_MEAN: Readonly<
  Record<KindName, 'labels' | 'entityTypes' | 'classes' | 'grades' | null>
> = {
  SINGLE_CHOICE: 'labels',
  MULTI_LABEL: 'labels',
  TEXT_SPANS: 'entityTypes',
  BOUNDING_BOXES: 'classes',
  RATING: 'grades',
  PAIRWISE: null,
};

/** The fewest labels the wizard lets a kind keep (RATING's grade names are optional). */
export const MIN_LABELS: Readonly<Record<KindName, number>> = {
  SINGLE_CHOICE: 2,
  MULTI_LABEL: 2,
  TEXT_SPANS: 1,
  BOUNDING_BOXES: 1,
  RATING: 0,
  PAIRWISE: 0,
};

/** The export formats of each kind, default first (`exportFormats` of the server's kinds). */
export const EXPORT_FORMATS: Readonly<Record<KindName, readonly ExportFormat[]>> = {
  SINGLE_CHOICE: ['CSV', 'JSONL'],
  MULTI_LABEL: ['CSV', 'JSONL'],
  TEXT_SPANS: ['JSONL', 'CONLL', 'SPACY'],
  BOUNDING_BOXES: ['COCO', 'YOLO'],
  RATING: ['CSV', 'JSONL'],
  PAIRWISE: ['CSV', 'JSONL'],
};
export type ExportFormat = 'CSV' | 'JSONL' | 'CONLL' | 'SPACY' | 'COCO' | 'YOLO';

/** The file extension a format is saved under (YOLO's several files come as one JSON map). */
export const EXPORT_EXTENSION: Readonly<Record<ExportFormat, string>> = {
  CSV: 'csv',
  JSONL: 'jsonl',
  CONLL: 'conll',
  SPACY: 'spacy.json',
  COCO: 'coco.json',
  YOLO: 'yolo.json',
};

export type Tokenization = 'WHITESPACE' | 'CHARACTER' | 'PAYLOAD';
export const TOKENIZATIONS: readonly Tokenization[] = ['WHITESPACE', 'CHARACTER', 'PAYLOAD'];

/** The wizard's settings fields, as typed (strings, the inputs' values). */
export interface KindForm {
  readonly tokenization: Tokenization;
  readonly textField: string;
  readonly tokensField: string;
  readonly allowOverlap: boolean;
  readonly imageField: string;
  readonly widthField: string;
  readonly heightField: string;
  readonly min: string;
  readonly max: string;
  readonly tolerance: string;
  readonly leftField: string;
  readonly rightField: string;
}

/** The server's defaults (docs/kinds.md), and a 1–5 scale. */
export const DEFAULT_FORM: KindForm = {
  tokenization: 'WHITESPACE',
  textField: 'text',
  tokensField: 'tokens',
  allowOverlap: false,
  imageField: 'image',
  widthField: 'width',
  heightField: 'height',
  min: '1',
  max: '5',
  tolerance: '0',
  leftField: 'left',
  rightField: 'right',
};

/** Labels a new schema of the kind starts with (what a requester of that kind usually has). */
export function defaultLabels(kind: KindName): Array<{ key: string; displayName: string }> {
  switch (kind) {
    case 'TEXT_SPANS':
      return [
        { key: 'PER', displayName: 'Person' },
        { key: 'ORG', displayName: 'Organisation' },
        { key: 'LOC', displayName: 'Location' },
      ];
    case 'BOUNDING_BOXES':
      return [
        { key: 'person', displayName: 'Person' },
        { key: 'car', displayName: 'Car' },
      ];
    case 'RATING':
    case 'PAIRWISE':
      return [];
    default:
      return [
        { key: 'pos', displayName: 'Positive' },
        { key: 'neg', displayName: 'Negative' },
      ];
  }
}

/** A number input's value as the API takes it: an integer, or the text itself (refused there). */
const integer = (value: string): number | string =>
  /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** `LabelSchemaInput.settings` of the form (null for the choice kinds, which have none). */
export function settingsInput(kind: KindName, form: KindForm): Record<string, unknown> | null {
  switch (kind) {
    case 'TEXT_SPANS':
      return {
        tokenization: form.tokenization,
        ...(form.tokenization === 'PAYLOAD'
          ? { tokensField: form.tokensField }
          : { textField: form.textField }),
        allowOverlap: form.allowOverlap,
      };
    case 'BOUNDING_BOXES':
      return {
        imageField: form.imageField,
        widthField: form.widthField,
        heightField: form.heightField,
      };
    case 'RATING':
      return { min: integer(form.min), max: integer(form.max), tolerance: integer(form.tolerance) };
    case 'PAIRWISE':
      return { leftField: form.leftField, rightField: form.rightField };
    default:
      return null;
  }
}

/**
 * The parsed settings the server would store for this form (defaults filled, the labels under
 * the kind's list), which the worker widgets read: what the preview shows.
 */
export function parsedSettings(
  kind: KindName,
  keys: readonly string[],
  form: KindForm,
): Record<string, unknown> {
  const input = settingsInput(kind, form) ?? {};
  switch (kind) {
    case 'TEXT_SPANS':
      return {
        entityTypes: keys,
        tokenization: form.tokenization,
        textField: form.tokenization === 'PAYLOAD' ? DEFAULT_FORM.textField : form.textField,
        tokensField: form.tokenization === 'PAYLOAD' ? form.tokensField : DEFAULT_FORM.tokensField,
        allowOverlap: form.allowOverlap,
      };
    case 'BOUNDING_BOXES':
      return { classes: keys, ...input };
    case 'RATING':
      return { ...input, labels: keys };
    case 'PAIRWISE':
      return input;
    default:
      return { labels: keys };
  }
}

/** A settings object's string field, or the server's default. */
function field(settings: Readonly<Record<string, unknown>>, name: string, fallback: string) {
  const value = settings[name];
  return typeof value === 'string' && value !== '' ? value : fallback;
}

/** A list-of-keys setting (`entityTypes`, `classes`). */
function keys(settings: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = settings[name];
  return Array.isArray(value) ? value.filter((key): key is string => typeof key === 'string') : [];
}

type Payload = Readonly<Record<string, unknown>>;

/** The task's tokens by the settings' tokenization (the server's `tokensOf`), or null. */
export function tokensOf(
  settings: Readonly<Record<string, unknown>>,
  payload: Payload,
): string[] | null {
  const tokenization = field(settings, 'tokenization', 'WHITESPACE');
  if (tokenization === 'PAYLOAD') {
    const tokens = payload[field(settings, 'tokensField', 'tokens')];
    return Array.isArray(tokens) && tokens.every(t => typeof t === 'string') ? tokens : null;
  }
  const text = payload[field(settings, 'textField', 'text')];
  if (typeof text !== 'string') return null;
  if (tokenization === 'WHITESPACE') return text.split(/\s+/u).filter(t => t.length > 0);
  return Array.from(text).filter(c => !/\s/u.test(c));
}

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The image size a box task's payload gives (the server's `imageSize`), or null. */
export function imageSizeOf(
  settings: Readonly<Record<string, unknown>>,
  payload: Payload,
): { width: number; height: number } | null {
  const width = payload[field(settings, 'widthField', 'width')];
  const height = payload[field(settings, 'heightField', 'height')];
  return isFiniteNumber(width) && isFiniteNumber(height) && width > 0 && height > 0
    ? { width, height }
    : null;
}

/** A pairwise item's id: a string or number field, or an object's `id` (the server's `itemId`). */
function itemId(payload: Payload, name: string): string | null {
  const value = payload[name];
  const own = isRecord(value) ? value.id : value;
  if (typeof own === 'string') return own;
  return isFiniteNumber(own) ? String(own) : null;
}

/** The two item ids of a pairwise task, or null when either is missing or they are equal. */
export function itemsOf(settings: Readonly<Record<string, unknown>>, payload: Payload) {
  const left = itemId(payload, field(settings, 'leftField', 'left'));
  const right = itemId(payload, field(settings, 'rightField', 'right'));
  return left !== null && right !== null && left !== right ? ([left, right] as const) : null;
}

/** A refused item: the server's issue code, the field path and a sentence. */
export interface KindIssue {
  readonly code: string;
  readonly field: string;
  readonly reason: string;
}

/**
 * Why the server could not serve or score this item, or null: a payload without what the kind
 * reads (INVALID_PAYLOAD), or a gold answer the kind's answer validation refuses (its first
 * issue, as `importTasks` reports it). Choice kinds: null (parse-import checks their labels).
 */
export function checkKindItem(
  kind: string,
  settings: Readonly<Record<string, unknown>>,
  payload: Payload,
  gold?: unknown,
): KindIssue | null {
  const refuse = (code: string, where: string, reason: string) => ({ code, field: where, reason });
  /** The server's `fromPayload` refusal: the payload lacks the field setting `name` points at. */
  const noPayload = (name: string, fallback: string, reason: string) =>
    refuse('INVALID_PAYLOAD', `payload.${field(settings, name, fallback)}`, reason);
  switch (kind) {
    case 'TEXT_SPANS': {
      const tokens = tokensOf(settings, payload);
      if (tokens === null) {
        return field(settings, 'tokenization', '') === 'PAYLOAD'
          ? noPayload('tokensField', 'tokens', 'the task has no tokens')
          : noPayload('textField', 'text', 'the task has no tokens');
      }
      return gold === undefined ? null : checkSpans(settings, tokens.length, gold);
    }
    case 'BOUNDING_BOXES': {
      const size = imageSizeOf(settings, payload);
      if (size === null) {
        return noPayload('widthField', 'width', 'the task has no positive image width and height');
      }
      return gold === undefined ? null : checkBoxes(settings, size, gold);
    }
    case 'RATING': {
      if (gold === undefined) return null;
      const rating = answerField(gold, 'rating', isNumber, 'a rating is a number');
      if (typeof rating !== 'number') return rating;
      const min = Number(settings.min);
      const max = Number(settings.max);
      if (!isIndex(rating) || rating < min || rating > max) {
        return refuse(
          'RATING_OFF_SCALE',
          'answer.rating',
          `a rating is an integer from ${min} to ${max}`,
        );
      }
      return null;
    }
    case 'PAIRWISE': {
      const items = itemsOf(settings, payload);
      if (items === null) {
        return noPayload('leftField', 'left', 'the task has two distinct items to compare');
      }
      if (gold === undefined) return null;
      const preferred = answerField(gold, 'preferred', isString, 'the preferred item id, a string');
      if (typeof preferred !== 'string') return preferred;
      if (!items.includes(preferred)) {
        return refuse(
          'NOT_AN_ITEM',
          'answer.preferred',
          'the preferred item is one of the two items of the task',
        );
      }
      return null;
    }
    default:
      return null;
  }
}

/** Most spans or boxes one answer may hold (the server's MAX_SPANS, MAX_BOXES). */
const MAX_ITEMS = 10_000;

const isNumber = (value: unknown): value is number => typeof value === 'number';
const isString = (value: unknown): value is string => typeof value === 'string';

/**
 * The answer's field `name` when `is` accepts it, or the server's refusal (its `answerField`):
 * MALFORMED_ANSWER on `answer` (not an object) or on `answer.<name>`.
 */
function answerField<T>(
  raw: unknown,
  name: string,
  is: (value: unknown) => value is T,
  reason: string,
): T | KindIssue {
  if (!isRecord(raw))
    return { code: 'MALFORMED_ANSWER', field: 'answer', reason: 'an answer is a JSON object' };
  const value = raw[name];
  return is(value) ? value : { code: 'MALFORMED_ANSWER', field: `answer.${name}`, reason };
}

/** The answer's list `name`, or the server's refusal of it. */
function answerList(raw: unknown, name: string): unknown[] | KindIssue {
  const isShortList = (value: unknown): value is unknown[] =>
    Array.isArray(value) && value.length <= MAX_ITEMS;
  return answerField(raw, name, isShortList, `a list of at most ${MAX_ITEMS} ${name}`);
}

function checkSpans(settings: Readonly<Record<string, unknown>>, length: number, raw: unknown) {
  const list = answerList(raw, 'spans');
  if (!Array.isArray(list)) return list;
  const types = keys(settings, 'entityTypes');
  const spans: Array<{ start: number; end: number; label: string }> = [];
  for (const [i, span] of list.entries()) {
    const where = `answer.spans[${i}]`;
    const { start, end, label } = (isRecord(span) ? span : {}) as Record<string, unknown>;
    if (!isIndex(start) || !isIndex(end)) {
      return {
        code: 'MALFORMED_ANSWER',
        field: where,
        reason: 'start and end are integer token indexes',
      };
    }
    if (start < 0 || end <= start || end > length) {
      return {
        code: 'SPAN_OUT_OF_RANGE',
        field: where,
        reason: `a span covers tokens [start, end) with 0 ≤ start < end ≤ ${length}`,
      };
    }
    if (typeof label !== 'string' || !types.includes(label)) {
      return {
        code: 'UNKNOWN_LABEL',
        field: `${where}.label`,
        reason: 'not an entity type of the schema',
      };
    }
    spans.push({ start, end, label });
  }
  if (settings.allowOverlap === true) return null;
  // Repeats of one span (same tokens and type) are merged by the server, not refused.
  const sorted = spans.sort(
    (a, b) =>
      a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  let reach = 0;
  for (const [i, span] of sorted.entries()) {
    const previous = sorted[i - 1];
    if (
      previous &&
      previous.start === span.start &&
      previous.end === span.end &&
      previous.label === span.label
    )
      continue;
    if (span.start < reach) {
      return {
        code: 'SPAN_OVERLAP',
        field: 'answer.spans',
        reason: `the span at tokens [${span.start}, ${span.end}) overlaps another; the schema forbids overlaps`,
      };
    }
    reach = Math.max(reach, span.end);
  }
  return null;
}

function checkBoxes(
  settings: Readonly<Record<string, unknown>>,
  size: { width: number; height: number },
  raw: unknown,
) {
  const list = answerList(raw, 'boxes');
  if (!Array.isArray(list)) return list;
  const classes = keys(settings, 'classes');
  for (const [i, box] of list.entries()) {
    const where = `answer.boxes[${i}]`;
    const { x, y, w, h, label } = (isRecord(box) ? box : {}) as Record<string, unknown>;
    if (![x, y, w, h].every(isFiniteNumber)) {
      return {
        code: 'MALFORMED_ANSWER',
        field: where,
        reason: 'x, y, w and h are finite numbers (pixels)',
      };
    }
    const [left, top, width, height] = [x, y, w, h] as number[];
    if (width! <= 0 || height! <= 0) {
      return { code: 'BOX_EMPTY', field: where, reason: 'a box has a positive width and height' };
    }
    if (left! < 0 || top! < 0 || left! + width! > size.width || top! + height! > size.height) {
      return {
        code: 'BOX_OUTSIDE_IMAGE',
        field: where,
        reason: `a box lies inside the ${size.width} × ${size.height} image`,
      };
    }
    if (typeof label !== 'string' || !classes.includes(label)) {
      return {
        code: 'UNKNOWN_LABEL',
        field: `${where}.label`,
        reason: 'not a class of the schema',
      };
    }
  }
  return null;
}

/** A 400 × 300 picture, inline (the app's CSP allows data: images; no network needed). */
export const SAMPLE_IMAGE = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#9bb"/><rect x="60" y="90" width="70" height="160" fill="#455"/><rect x="220" y="180" width="140" height="70" fill="#744"/></svg>',
)}`;

/**
 * A sample item of the kind, shaped by the settings (the fields they name), for the wizard's
 * preview and the import panel's example lines. `text` is the sample sentence (translated).
 */
export function samplePayload(
  kind: string,
  settings: Readonly<Record<string, unknown>>,
  text: string,
): Record<string, unknown> {
  switch (kind) {
    case 'TEXT_SPANS': {
      const tokenization = field(settings, 'tokenization', 'WHITESPACE');
      if (tokenization === 'PAYLOAD') {
        return {
          [field(settings, 'tokensField', 'tokens')]: ['Ada', 'Lovelace', 'visited', 'London', '.'],
        };
      }
      const sentence =
        tokenization === 'CHARACTER' ? '李明在北京工作。' : 'Ada Lovelace visited London.';
      return { [field(settings, 'textField', 'text')]: sentence };
    }
    case 'BOUNDING_BOXES':
      return {
        [field(settings, 'imageField', 'image')]: SAMPLE_IMAGE,
        [field(settings, 'widthField', 'width')]: 400,
        [field(settings, 'heightField', 'height')]: 300,
      };
    case 'PAIRWISE':
      return {
        [field(settings, 'leftField', 'left')]: { id: 'a1', text: 'A short, clear answer.' },
        [field(settings, 'rightField', 'right')]: { id: 'b7', text: 'A long answer that wanders.' },
      };
    default:
      return { text };
  }
}

/** A gold answer that passes the kind's checks on `samplePayload`, for the example lines. */
export function sampleGold(kind: string, settings: Readonly<Record<string, unknown>>): unknown {
  switch (kind) {
    case 'TEXT_SPANS': {
      const [type = 'PER'] = keys(settings, 'entityTypes');
      return { spans: [{ start: 0, end: 2, label: type }] };
    }
    case 'BOUNDING_BOXES': {
      const [type = 'person'] = keys(settings, 'classes');
      return { boxes: [{ x: 60, y: 90, w: 70, h: 160, label: type }] };
    }
    case 'RATING':
      return { rating: Number(settings.max) };
    case 'PAIRWISE':
      return { preferred: 'a1' };
    default:
      return undefined;
  }
}

const EXAMPLE_IMAGE = 'https://images.example.com/street-1.jpg';

/** Two example JSONL lines of the kind: an ordinary task and a gold one. */
export function exampleJsonl(
  kind: string,
  settings: Readonly<Record<string, unknown>>,
  text: string,
) {
  const payload = samplePayload(kind, settings, text);
  // A file names its images by URL: the preview's inline picture would fill the example.
  if (kind === 'BOUNDING_BOXES') payload[field(settings, 'imageField', 'image')] = EXAMPLE_IMAGE;
  const gold = isChoiceKind(kind)
    ? { goldLabels: keys(settings, 'labels').slice(0, 1) }
    : { goldAnswer: sampleGold(kind, settings) };
  return [
    JSON.stringify({ externalId: 'item-1', payload }),
    JSON.stringify({ externalId: 'gold-1', payload, ...gold }),
  ].join('\n');
}
