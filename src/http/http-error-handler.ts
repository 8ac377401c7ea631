import type { ErrorRequestHandler, Response } from 'express';
import { ErrorCode } from '../common/errors';
import type { Logger } from '../common/logger';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { isRetryableTransactionError } from '../db/pg-errors';
import {
  CONFLICT_RETRY_AFTER_SECONDS,
  DATABASE_RETRY_AFTER_SECONDS,
  TRANSACTION_CONFLICT_ERROR,
} from '../graphql/format-error';

/**
 * Failures before GraphQL runs (body parsing, the sign-in lookup behind a bearer token),
 * answered in the GraphQL error shape:
 * - body-parser's client errors keep their 4xx status: 413 PAYLOAD_TOO_LARGE, any other
 *   (malformed JSON, an unsupported charset or content-encoding, a body that is not what its
 *   content-encoding says, an aborted upload) BAD_USER_INPUT;
 * - an unreachable database is 503 SERVICE_UNAVAILABLE with `Retry-After`;
 * - a transaction aborted over concurrent ones is 503 TRANSACTION_CONFLICT with `Retry-After`;
 * - anything else is a bug: logged, 500 INTERNAL_SERVER_ERROR.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const { status, type } = error as { status?: unknown; type?: unknown };
    if (type === 'entity.too.large') {
      return send(res, 413, 'Request body too large', ErrorCode.PAYLOAD_TOO_LARGE);
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message =
        type === 'entity.parse.failed' ? 'Malformed JSON body' : 'Unreadable request body';
      return send(res, 400, message, ErrorCode.BAD_USER_INPUT);
    }
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error }, 'database unavailable');
      res.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return send(
        res,
        503,
        'The service is temporarily unavailable; retry later',
        ErrorCode.SERVICE_UNAVAILABLE,
        {
          retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
        },
      );
    }
    if (isRetryableTransactionError(error)) {
      logger.warn({ err: error }, 'transaction conflict');
      res.set('Retry-After', String(CONFLICT_RETRY_AFTER_SECONDS));
      res.status(503).json({ errors: [TRANSACTION_CONFLICT_ERROR] });
      return;
    }
    logger.error({ err: error }, 'unhandled HTTP error');
    send(res, 500, 'Internal server error', ErrorCode.INTERNAL_SERVER_ERROR);
  };
}

function send(
  res: Response,
  status: number,
  message: string,
  code: ErrorCode,
  details: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...details } }] });
}
