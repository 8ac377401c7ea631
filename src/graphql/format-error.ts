import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';

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

/**
 * The one place errors leave the server. Errors we threw on purpose (AppError and type-graphql's
 * coded errors) pass through with their `extensions.code`. Anything else is a bug: it is logged
 * with its stack and the client gets INTERNAL_SERVER_ERROR with no SQL text or stack trace.
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
    if (original instanceof GraphQLError && typeof code === 'string' && PASS_THROUGH.has(code)) {
      return formatted;
    }
    if (original instanceof GraphQLError && code === undefined && !original.originalError) {
      // graphql-js' own errors without a code (e.g. variable coercion) are user input errors.
      return { ...formatted, extensions: { code: ErrorCode.BAD_USER_INPUT } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in resolver');
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
