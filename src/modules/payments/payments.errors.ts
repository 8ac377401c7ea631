import { AppError, ErrorCode } from '../../common/errors';

/** A payout to a worker who has no connected account able to receive transfers. */
export class PayoutAccountMissingError extends AppError {
  constructor(workerId: string) {
    super(
      `Worker ${workerId} has no connected Stripe account that can receive payouts`,
      ErrorCode.PAYOUT_ACCOUNT_MISSING,
      { workerId },
    );
  }
}

/** The operation needs Stripe and Quorum runs offline (no STRIPE_SECRET_KEY). */
export class PaymentsOfflineError extends AppError {
  constructor(what: string) {
    super(`${what} need Stripe; this server runs payments offline`, ErrorCode.PAYMENTS_OFFLINE);
  }
}

/** Stripe refused or failed a call made on the caller's behalf. */
export class PaymentProviderError extends AppError {
  constructor(message: string, details: { providerCode?: string | null; retryable: boolean }) {
    super(message, ErrorCode.PAYMENT_PROVIDER_ERROR, {
      providerCode: details.providerCode ?? null,
      retryable: details.retryable,
    });
  }
}
