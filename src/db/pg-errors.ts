import { QueryFailedError } from 'typeorm';

/** SQLSTATE codes we translate into domain errors or retry on. */
export const PgErrorCode = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  /** `lock_timeout` ran out, or a NOWAIT lock was taken. */
  LOCK_NOT_AVAILABLE: '55P03',
  RAISE_EXCEPTION: 'P0001',
} as const;

/** The SQLSTATE of a driver error, if it has one. */
export function pgErrorCode(error: unknown): string | undefined {
  const driverError =
    error instanceof QueryFailedError ? (error.driverError as { code?: unknown }) : error;
  const code = (driverError as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a violation names, to tell apart two unique keys on one table. */
export function pgConstraint(error: unknown): string | undefined {
  const driverError =
    error instanceof QueryFailedError ? (error.driverError as { constraint?: unknown }) : error;
  const constraint = (driverError as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    pgErrorCode(error) === PgErrorCode.UNIQUE_VIOLATION &&
    (constraint === undefined || pgConstraint(error) === constraint)
  );
}

const TRANSIENT_CONFLICTS = new Set<string>([
  PgErrorCode.SERIALIZATION_FAILURE,
  PgErrorCode.DEADLOCK_DETECTED,
  PgErrorCode.LOCK_NOT_AVAILABLE,
]);

/**
 * Transient failures a whole transaction may be retried on: PostgreSQL aborted it because of
 * what concurrent transactions held (deadlock, serialization failure, lock timeout), not because
 * of what it asked. Looks through graphql-js' `thrownValue` and `cause` as well, so the error
 * formatter recognises one that reached it.
 */
export function isRetryableTransactionError(error: unknown, depth = 0): boolean {
  const code = pgErrorCode(error);
  if (code !== undefined && TRANSIENT_CONFLICTS.has(code)) return true;
  if (depth >= 3 || error === null || typeof error !== 'object') return false;
  const { thrownValue, cause } = error as { thrownValue?: unknown; cause?: unknown };
  return [thrownValue, cause].some(
    inner => inner !== undefined && isRetryableTransactionError(inner, depth + 1),
  );
}

/**
 * For `.catch(...)`: a unique violation becomes the domain error `make()` returns; anything
 * else is rethrown as is. Concurrent inserts race past any "does it exist" check, so the
 * constraint is the real guard and this turns its failure into a clear code.
 */
export function rethrowUniqueViolationAs(make: () => Error, constraint?: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error, constraint)) throw make();
    throw error;
  };
}
