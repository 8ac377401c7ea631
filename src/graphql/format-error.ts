import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { isDataException, isDatabaseUnavailable } from '../db/database-unavailable';
import { isRetryableTransactionError } from '../db/pg-errors';

/** Codes produced by Apollo, graphql-js or type-graphql that are safe to pass through. */
const PASS_THROUGH = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  ...Object.values(ErrorCode),
]);

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Seconds a client should wait before retrying a mutation that lost to concurrent ones. */
export const CONFLICT_RETRY_AFTER_SECONDS = 1;

/** What a client gets for a transaction PostgreSQL aborted over concurrent ones. */
export const TRANSACTION_CONFLICT_ERROR = {
  message: 'The operation collided with concurrent changes and was not applied; retry it',
  extensions: {
    code: ErrorCode.TRANSACTION_CONFLICT,
    retryable: true,
    retryAfterSeconds: CONFLICT_RETRY_AFTER_SECONDS,
  },
} as const;

/**
 * The one place errors leave the server. Errors we threw on purpose (AppError and type-graphql's
 * coded errors) pass through with their `extensions.code`. A database that cannot be reached is
 * SERVICE_UNAVAILABLE (retryable); a transaction aborted over concurrent ones (deadlock,
 * serialization failure, lock timeout), still failing after `withTransaction`'s retries, is
 * TRANSACTION_CONFLICT (retryable); a value PostgreSQL refused as data is BAD_USER_INPUT.
 * Anything else is a bug: it is logged with its stack and the client gets INTERNAL_SERVER_ERROR
 * with no SQL text or stack trace.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    // Apollo re-codes every validation error as GRAPHQL_VALIDATION_FAILED; our query-limit rules
    // carry a more useful code on the error it wraps.
    const wrappedCode =
      original instanceof GraphQLError && original.originalError instanceof GraphQLError
        ? original.originalError.extensions?.code
        : undefined;
    if (wrappedCode === ErrorCode.QUERY_TOO_COMPLEX) {
      return { ...formatted, extensions: { ...formatted.extensions, code: wrappedCode } };
    }
    if (original instanceof GraphQLError && Array.isArray(original.extensions?.validationErrors)) {
      return withoutEchoedInput(formatted, original.extensions.validationErrors);
    }
    if (original instanceof GraphQLError && typeof code === 'string' && PASS_THROUGH.has(code)) {
      return formatted;
    }
    if (original instanceof GraphQLError && code === undefined && !original.originalError) {
      // graphql-js' own errors without a code (e.g. variable coercion) are user input errors.
      return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    const bare = { locations: formatted.locations, path: formatted.path };
    if (isDatabaseUnavailable(original)) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable');
      return {
        ...bare,
        message: 'The service is temporarily unavailable; retry later',
        extensions: {
          code: ErrorCode.SERVICE_UNAVAILABLE,
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        },
      };
    }
    if (isRetryableTransactionError(original)) {
      logger.warn({ err: original, path: formatted.path }, 'transaction conflict after retries');
      return { ...bare, ...TRANSACTION_CONFLICT_ERROR };
    }
    if (isDataException(original)) {
      return {
        ...bare,
        message: 'A value in the request cannot be stored',
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in resolver');
    return {
      ...bare,
      message: 'Internal server error',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** class-validator's findings, as type-graphql attaches them (target and value included). */
interface ValidationFinding {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFinding[];
}

/**
 * A validation error without the input it judged: class-validator attaches the whole input
 * object (`target`, password included) and each rejected `value`. Clients get each failing
 * field's dotted path and constraint messages, and `extensions.field` names the first.
 */
function withoutEchoedInput(
  formatted: GraphQLFormattedError,
  findings: ValidationFinding[],
): GraphQLFormattedError {
  const validationErrors: Array<{ field: string; constraints: Record<string, string> }> = [];
  const collect = (items: ValidationFinding[], prefix: string) => {
    for (const item of items) {
      const field = prefix ? `${prefix}.${item.property}` : item.property;
      if (item.constraints) validationErrors.push({ field, constraints: item.constraints });
      if (item.children?.length) collect(item.children, field);
    }
  };
  collect(findings, '');
  const { stacktrace } = formatted.extensions ?? {};
  return {
    ...formatted,
    extensions: {
      code: ErrorCode.BAD_USER_INPUT,
      field: validationErrors[0]?.field,
      validationErrors,
      ...(stacktrace ? { stacktrace } : {}),
    },
  };
}
