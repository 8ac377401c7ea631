const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in its canonical text form. Check ids from clients with it before
 * querying a uuid column: PostgreSQL answers a malformed one with an error (22P02), and a
 * malformed id must get the same NOT_FOUND as an unknown one.
 */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
