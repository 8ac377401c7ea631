import { GraphQLError } from 'graphql';
import { stringEnum, type EnumValue } from './string-enum';

/**
 * The closed list of `extensions.code` values clients may switch on. README's error table lists
 * the same codes; add a row there when adding one here. type-graphql's own validation and
 * `@Authorized` errors already use BAD_USER_INPUT, UNAUTHENTICATED and UNAUTHORIZED.
 */
export const ErrorCode = stringEnum([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'UNAUTHORIZED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'RATE_LIMITED',
  'NOT_FOUND',
  'CONFLICT',
  'IDEMPOTENCY_KEY_REUSED',
  /** A debit beyond an account's balance (launch, escrow top-up, bonus, payout); nothing moved. */
  'INSUFFICIENT_BALANCE',
  /** A movement that would take a balance beyond the money ceiling; `limit` in extensions. */
  'BALANCE_LIMIT_EXCEEDED',
  /** An amount in one currency where another is expected; `expected`/`given` in extensions. */
  'CURRENCY_MISMATCH',
  /** A payout to a worker without a connected Stripe account able to receive transfers. */
  'PAYOUT_ACCOUNT_MISSING',
  /** The operation needs Stripe, and Quorum runs offline (no STRIPE_SECRET_KEY). */
  'PAYMENTS_OFFLINE',
  /** Stripe refused or failed the call; `providerCode` in extensions when Stripe gave one. */
  'PAYMENT_PROVIDER_ERROR',
  'QUERY_TOO_COMPLEX',
  'PAYLOAD_TOO_LARGE',
  /** A lifecycle mutation not allowed from the current status; `from`/`to` in extensions. */
  'INVALID_STATE_TRANSITION',
  /** A project change its status forbids (a locked field after launch, a closed project). */
  'PROJECT_NOT_EDITABLE',
  /** A launch whose preconditions are unmet (no tasks to label, no gold for a gold rate). */
  'PROJECT_NOT_READY',
  /** More items in one batch than allowed; `limit` and `size` in extensions. */
  'BATCH_TOO_LARGE',
  /** Submit or return after the lease's `expiresAt` (or once the sweep expired it). */
  'LEASE_EXPIRED',
  /** Submit or return on an assignment the worker already returned. */
  'ASSIGNMENT_NOT_LEASED',
  /** A second submit of the same assignment (the first one was recorded). */
  'ASSIGNMENT_ALREADY_SUBMITTED',
  /** Approve or reject an assignment that has no answer (leased, expired, returned). */
  'ASSIGNMENT_NOT_SUBMITTED',
  /** Approve or reject an assignment that is already approved or rejected. */
  'ASSIGNMENT_ALREADY_REVIEWED',
  /** Reverse a rejection on an assignment that is not rejected. */
  'ASSIGNMENT_NOT_REJECTED',
  /** Reverse a rejection after the project's reversal window; `closedAt` in extensions. */
  'REVERSAL_WINDOW_CLOSED',
  /** Pre-label model bytes that are not a loadable ONNX model (or not valid base64). */
  'MODEL_CORRUPT',
  /** A pre-label model larger than the limit; `sizeBytes`/`limitBytes` in extensions. */
  'MODEL_TOO_LARGE',
  /** The model input is not float32 [N, D] with D = the featurizer dimension. */
  'MODEL_INPUT_MISMATCH',
  /** The model output is not float32 [N, C] with C = the number of label keys given. */
  'MODEL_OUTPUT_MISMATCH',
  /** The model ran but its output rows are not probabilities (negative, NaN, sum ≠ 1). */
  'MODEL_OUTPUT_INVALID',
  /** The model failed to run on a row of the declared shape (on registration: on a task). */
  'MODEL_RUN_FAILED',
  /** A webhook URL that is not https, or resolves to a private or loopback address. */
  'WEBHOOK_URL_REFUSED',
  /**
   * The mutation collided with concurrent ones (deadlock, serialization failure, lock timeout)
   * on every attempt and was rolled back: nothing was written; retry it (`retryable: true`,
   * `retryAfterSeconds`).
   */
  'TRANSACTION_CONFLICT',
  /** The database is unreachable for now: retry after `retryAfterSeconds` (HTTP 503). */
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
]);
export type ErrorCode = EnumValue<typeof ErrorCode>;

/** Base for every error we throw on purpose. `details` end up next to `code` in `extensions`. */
export class AppError extends GraphQLError {
  constructor(
    message: string,
    readonly code: ErrorCode | string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { code, ...details } });
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
  }
}

/** Invalid input that validation could not catch earlier; `field` names the culprit. */
export class BadUserInputError extends AppError {
  constructor(message: string, details: { field?: string } & Record<string, unknown> = {}) {
    super(message, ErrorCode.BAD_USER_INPUT, details);
  }
}

/** No caller identity where one is needed. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Authentication required', details: Record<string, unknown> = {}) {
    super(message, ErrorCode.UNAUTHENTICATED, details);
  }
}

/** An identity without the role an operation needs. */
export class UnauthorizedError extends AppError {
  constructor(message = 'Access denied') {
    super(message, ErrorCode.UNAUTHORIZED);
  }
}

/**
 * A missing resource, or one the caller may not see: the same answer for both, so the existence
 * of another user's resource never leaks.
 */
export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super(`${entity} ${id} was not found`, ErrorCode.NOT_FOUND, { entity, id });
  }
}

/** A write that collides with existing state (unique keys, wrong status). */
export class ConflictError extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, ErrorCode.CONFLICT, details);
  }
}

/** Too many attempts; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('Too many attempts, try again later', ErrorCode.RATE_LIMITED, { retryAfterSeconds });
  }
}

/** An idempotency key reused with different parameters. */
export class IdempotencyKeyReusedError extends AppError {
  constructor(key: string) {
    super(
      `Idempotency key ${key} was already used with different parameters`,
      ErrorCode.IDEMPOTENCY_KEY_REUSED,
      { idempotencyKey: key },
    );
  }
}

/**
 * A lifecycle change the entity's current status does not allow (a project launched twice from
 * COMPLETED, an assignment submitted after it expired). `from` and `to` are statuses.
 */
export class InvalidStateTransitionError extends AppError {
  constructor(entity: string, id: string, from: string, to: string) {
    super(`${entity} ${id} cannot go from ${from} to ${to}`, ErrorCode.INVALID_STATE_TRANSITION, {
      entity,
      id,
      from,
      to,
    });
  }
}
