import { pgErrorCode } from './pg-errors';

/** Socket-level failures of reaching the database server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away or not accepting work yet: class 08 (connection
 * exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many
 * connections).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** What node-postgres and its pool say, without a code, when a connection dies or never comes. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|not queryable|Connection closed/i;

/**
 * Whether `error` (or what it wraps: TypeORM's `driverError`, `cause`, an AggregateError's
 * errors, graphql-js' `thrownValue`) says the database could not be reached, as opposed to refusing a statement. Such a
 * failure is transient: the pool reconnects by itself once the server is back, so clients are
 * told to retry (SERVICE_UNAVAILABLE) instead of seeing an internal error.
 */
export function isDatabaseUnavailable(error: unknown, seen = new Set<unknown>()): boolean {
  if (error === null || typeof error !== 'object' || seen.has(error)) return false;
  seen.add(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const sqlState = pgErrorCode(error);
  if (sqlState && UNAVAILABLE_SQLSTATE.test(sqlState)) return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  const inner = error as {
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
    thrownValue?: unknown;
  };
  // graphql-js wraps a thrown non-Error (an error object from another realm) in `thrownValue`.
  const wrapped = [
    inner.thrownValue,
    inner.driverError,
    inner.cause,
    ...(Array.isArray(inner.errors) ? inner.errors : []),
  ];
  return wrapped.some(item => isDatabaseUnavailable(item, seen));
}

/**
 * Whether `error` is PostgreSQL refusing a value as data (SQLSTATE class 22: invalid text
 * representation, NUL in text, numeric out of range, ...) or as too big for where it goes
 * (54000 program_limit_exceeded: an index entry over the B-tree's 2,704 bytes, an array over
 * its limit). Input guards catch these first; this is the backstop that keeps a value they
 * missed a BAD_USER_INPUT (the transaction rolled back, so nothing was written).
 */
export function isDataException(error: unknown): boolean {
  const sqlState = pgErrorCode(error);
  return sqlState !== undefined && (sqlState.startsWith('22') || sqlState === '54000');
}
