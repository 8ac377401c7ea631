/**
 * Featurizer specs: the JSON-serialisable description of how a task payload becomes one row of
 * model input. A spec is stored with every model (in the ONNX metadata and next to the model
 * version), so a model is always fed exactly the features it was trained on. Specs are complete:
 * `parseFeaturizerSpec` fills every default, and a stored spec never depends on today's defaults.
 */

/**
 * A fixed-length numeric array read from the payload as is, e.g. `{ "features": [0.1, 2, ...] }`
 * with `field: 'features'`, or `{ "a": { "b": [...] } }` with `field: 'a.b'`.
 */
export interface NumericVectorFeaturizerSpec {
  readonly kind: 'numeric-vector';
  /** Dot path into the payload; numeric segments index arrays (`items.0.vector`). */
  readonly field: string;
  /** Exact array length required; also the model's input width. */
  readonly dimension: number;
}

/**
 * Hashed word and character n-grams of a text field (the hashing trick), described in full in
 * hashed-text-featurizer.ts. Defaults: words 1–2, characters 3–5, log-tf, L2.
 */
export interface HashedTextFeaturizerSpec {
  readonly kind: 'hashed-text';
  /** Version of the tokenisation and hashing rules; only 1 exists. A change would add 2. */
  readonly version: 1;
  /** Dot path of the text field. */
  readonly field: string;
  /** Number of hash buckets, the model's input width. A power of two is usual, not required. */
  readonly dimension: number;
  /** Inclusive range of word n-gram lengths, or null for no word features. */
  readonly wordNgrams: readonly [number, number] | null;
  /** Inclusive range of character n-gram lengths (within padded words), or null for none. */
  readonly charNgrams: readonly [number, number] | null;
  /** 'tf': signed counts per bucket; 'log-tf': sign(x)·ln(1 + |x|) per bucket. */
  readonly weighting: 'tf' | 'log-tf';
  /** 'l2': each row scaled to unit Euclidean norm (all-zero rows stay zero); 'none': raw. */
  readonly normalization: 'l2' | 'none';
}

/** Every built-in featurizer. */
export type FeaturizerSpec = NumericVectorFeaturizerSpec | HashedTextFeaturizerSpec;

/** A spec as callers write it: hashed-text options may be left out to take the defaults. */
export type FeaturizerSpecInput =
  | NumericVectorFeaturizerSpec
  | (Pick<HashedTextFeaturizerSpec, 'kind' | 'field' | 'dimension'> &
      Partial<Omit<HashedTextFeaturizerSpec, 'kind' | 'field' | 'dimension'>>);

/** Largest accepted input width: 2²⁴ buckets (64 MiB per float32 row is already absurd). */
export const MAX_FEATURIZER_DIMENSION = 1 << 24;
/** Longest word n-gram accepted. */
export const MAX_WORD_NGRAM = 5;
/** Longest character n-gram accepted. */
export const MAX_CHAR_NGRAM = 10;

/** Defaults `parseFeaturizerSpec` fills into a hashed-text spec. */
export const HASHED_TEXT_DEFAULTS = {
  version: 1,
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  weighting: 'log-tf',
  normalization: 'l2',
} as const satisfies Omit<HashedTextFeaturizerSpec, 'kind' | 'field' | 'dimension'>;

/**
 * Validates a spec from user input or model metadata and returns a complete, frozen copy with
 * defaults filled in. Throws a `RangeError` naming the offending key; the service turns it into
 * BAD_USER_INPUT.
 *
 * @example parseFeaturizerSpec({ kind: 'hashed-text', field: 'text', dimension: 4096 })
 */
export function parseFeaturizerSpec(input: unknown): FeaturizerSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RangeError('featurizer spec must be an object');
  }
  const spec = input as Record<string, unknown>;
  const field = parseField(spec.field);
  const dimension = parseDimension(spec.dimension);
  if (spec.kind === 'numeric-vector') {
    rejectUnknownKeys(spec, ['kind', 'field', 'dimension']);
    return Object.freeze({ kind: 'numeric-vector', field, dimension });
  }
  if (spec.kind === 'hashed-text') {
    rejectUnknownKeys(spec, [
      'kind',
      'version',
      'field',
      'dimension',
      'wordNgrams',
      'charNgrams',
      'weighting',
      'normalization',
    ]);
    const version = spec.version ?? HASHED_TEXT_DEFAULTS.version;
    if (version !== 1) throw new RangeError(`hashed-text version ${String(version)} is unknown`);
    const wordNgrams = parseRange(
      'wordNgrams',
      spec,
      HASHED_TEXT_DEFAULTS.wordNgrams,
      MAX_WORD_NGRAM,
    );
    const charNgrams = parseRange(
      'charNgrams',
      spec,
      HASHED_TEXT_DEFAULTS.charNgrams,
      MAX_CHAR_NGRAM,
    );
    if (wordNgrams === null && charNgrams === null) {
      throw new RangeError('hashed-text needs wordNgrams or charNgrams');
    }
    const weighting = spec.weighting ?? HASHED_TEXT_DEFAULTS.weighting;
    if (weighting !== 'tf' && weighting !== 'log-tf') {
      throw new RangeError(`weighting must be 'tf' or 'log-tf', got ${JSON.stringify(weighting)}`);
    }
    const normalization = spec.normalization ?? HASHED_TEXT_DEFAULTS.normalization;
    if (normalization !== 'l2' && normalization !== 'none') {
      throw new RangeError(
        `normalization must be 'l2' or 'none', got ${JSON.stringify(normalization)}`,
      );
    }
    return Object.freeze({
      kind: 'hashed-text',
      version: 1,
      field,
      dimension,
      wordNgrams,
      charNgrams,
      weighting,
      normalization,
    });
  }
  throw new RangeError(
    `featurizer kind must be 'numeric-vector' or 'hashed-text', got ${JSON.stringify(spec.kind)}`,
  );
}

/**
 * Splits a dot path into segments (`'a.b.0'` → `['a', 'b', '0']`). Throws a `RangeError` on an
 * empty path or an empty segment.
 */
export function parseFieldPath(field: string): readonly string[] {
  const segments = field.split('.');
  if (field.length === 0 || segments.some(segment => segment.length === 0)) {
    throw new RangeError(`field path ${JSON.stringify(field)} has an empty segment`);
  }
  return segments;
}

/**
 * The value at `path` in `payload`, or undefined when any step is missing or not an object.
 * Only own properties are followed, so `constructor` or `__proto__` never resolve to anything.
 */
export function readFieldPath(payload: unknown, path: readonly string[]): unknown {
  let value = payload;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    if (!Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function parseField(field: unknown): string {
  if (typeof field !== 'string') throw new RangeError('featurizer field must be a string path');
  parseFieldPath(field);
  return field;
}

function parseDimension(dimension: unknown): number {
  if (
    typeof dimension !== 'number' ||
    !Number.isInteger(dimension) ||
    dimension < 1 ||
    dimension > MAX_FEATURIZER_DIMENSION
  ) {
    throw new RangeError(
      `featurizer dimension must be an integer in [1, ${MAX_FEATURIZER_DIMENSION}], got ${String(dimension)}`,
    );
  }
  return dimension;
}

function parseRange(
  key: string,
  spec: Record<string, unknown>,
  fallback: readonly [number, number],
  max: number,
): readonly [number, number] | null {
  const value = spec[key] === undefined ? fallback : spec[key];
  if (value === null) return null;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !Number.isInteger(value[0]) ||
    !Number.isInteger(value[1]) ||
    value[0] < 1 ||
    value[1] < value[0] ||
    value[1] > max
  ) {
    throw new RangeError(
      `${key} must be null or [min, max] with 1 ≤ min ≤ max ≤ ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return Object.freeze([value[0] as number, value[1] as number] as const);
}

function rejectUnknownKeys(spec: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key))
      throw new RangeError(`unknown featurizer key ${JSON.stringify(key)}`);
  }
}
