/** A UTF-16 surrogate without its partner: not valid Unicode, so not valid UTF-8 either. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store `text` in a text column: it refuses the NUL character (SQLSTATE
 * 22021). Check client strings with it, so the refusal is BAD_USER_INPUT and not a masked
 * INTERNAL_SERVER_ERROR.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000');
}

/** Whether `text` is well-formed Unicode: no lone surrogate (UTF-8 cannot encode one). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Whether PostgreSQL can store `value` as jsonb: no string or key may hold NUL (`\u0000` is
 * refused by jsonb, SQLSTATE 22P05) or a lone surrogate (JSON.stringify writes it as an escape
 * jsonb cannot decode).
 */
export function isStorableJson(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value) && !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(isStorableJson);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).every(
      ([key, item]) => isStorableJson(key) && isStorableJson(item),
    );
  }
  return true;
}
