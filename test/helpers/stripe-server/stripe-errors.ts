/**
 * Stripe's error envelope and the HTTP statuses that make stripe-node raise its typed errors.
 *
 * stripe-node (v23, `generateV1Error`) picks the error class from the status alone, except that a
 * 400 or 404 whose `type` is `idempotency_error` becomes `StripeIdempotencyError`:
 *
 *   400, 404 → StripeInvalidRequestError (or StripeIdempotencyError)
 *   401 → StripeAuthenticationError     402 → StripeCardError     403 → StripePermissionError
 *   429 → StripeRateLimitError          anything else (409, 5xx) → StripeAPIError
 */

/** The `error` object of a Stripe v1 error response. */
export interface StripeErrorBody {
  type:
    | 'api_error'
    | 'card_error'
    | 'idempotency_error'
    | 'invalid_request_error'
    | 'rate_limit_error'
    | 'authentication_error';
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  request_log_url?: string;
}

/**
 * An error response the fake API returns. `savedForIdempotency` follows Stripe's rule that a
 * result is kept for the idempotency key only once the endpoint started executing: parameter
 * validation failures (400/404) are not kept, so a corrected retry with the same key runs; card
 * declines (402) and server errors (5xx) are kept and replayed.
 */
export class StripeApiError extends Error {
  readonly savedForIdempotency: boolean;

  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'StripeApiError';
    this.savedForIdempotency = status === 402 || status >= 500;
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

/** 400 `parameter_missing`, worded as Stripe does. */
export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_missing',
    param,
    message: `Missing required param: ${param}.`,
    doc_url: `${DOCS}/parameter-missing`,
  });
}

/** 400 `parameter_unknown`: Stripe rejects parameters it does not know, which catches typos. */
export function unknownParam(param: string): StripeApiError {
  return new StripeApiError(400, {
    type: 'invalid_request_error',
    code: 'parameter_unknown',
    param,
    message: `Received unknown parameter: ${param}`,
    doc_url: `${DOCS}/parameter-unknown`,
  });
}

/** 400 `parameter_invalid_*` or any other invalid-request error about one parameter. */
export function invalidParam(param: string, message: string, code = 'parameter_invalid_string') {
  return new StripeApiError(400, { type: 'invalid_request_error', code, param, message });
}

/** 400 for a request Stripe would refuse outright, with no parameter to blame. */
export function invalidRequest(message: string, code?: string): StripeApiError {
  return new StripeApiError(400, { type: 'invalid_request_error', message, ...(code && { code }) });
}

/**
 * `resource_missing`. Stripe answers 404 when the id is in the URL and 400 when it is a body
 * parameter (`destination`, `account`, `starting_after`).
 */
export function resourceMissing(kind: string, id: string, param?: string): StripeApiError {
  return new StripeApiError(param ? 400 : 404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    message: `No such ${kind}: '${id}'`,
    ...(param ? { param } : { param: 'id' }),
    doc_url: `${DOCS}/resource-missing`,
  });
}

/** 401 with Stripe's wording; `key` is masked the way the dashboard masks it. */
export function authenticationError(key: string | null): StripeApiError {
  const message =
    key === null
      ? 'You did not provide an API key. You need to provide your API key in the Authorization ' +
        "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
      : `Invalid API Key provided: ${maskKey(key)}`;
  return new StripeApiError(401, { type: 'invalid_request_error', message });
}

/** 500 `api_error`, the body Stripe sends when something broke on its side. */
export function apiError(message = 'An unknown error occurred'): StripeApiError {
  return new StripeApiError(500, { type: 'api_error', message });
}

function maskKey(key: string): string {
  if (key.length <= 12) return key.replace(/.(?=.{4})/g, '*');
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}
