import { createHash } from 'node:crypto';

/**
 * One JSON text per value, whatever the key order it was built with: object keys sorted by UTF-16
 * code unit (as `Array.prototype.sort` does), no whitespace, `Date`s as ISO strings (their
 * `toJSON`). Object properties that are `undefined` or `null` are left out, because for our
 * GraphQL inputs an omitted optional field and an explicit `null` mean the same thing, and a
 * client retrying a request must not get IDEMPOTENCY_KEY_REUSED for spelling "nothing"
 * differently. In arrays, `undefined` becomes `null`, as in `JSON.stringify`.
 *
 * In the spirit of RFC 8785 (JSON Canonicalization Scheme) without its number formatting rules:
 * numbers use JavaScript's shortest round-trip form, which is stable within one runtime.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'object':
      if (Array.isArray(value)) return `[${value.map(item => canonicalJson(item)).join(',')}]`;
      return `{${Object.keys(value)
        .filter(key => {
          const property = (value as Record<string, unknown>)[key];
          return property !== undefined && property !== null;
        })
        .sort()
        .map(
          key => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
        )
        .join(',')}}`;
    default:
      // Functions and symbols have no JSON form; JSON.stringify drops them too.
      return 'null';
  }
}

/** SHA-256 (hex) of the canonical JSON of `params`: what an idempotency record remembers. */
export function requestHash(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}
