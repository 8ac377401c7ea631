import { AppError, ErrorCode } from '../../common/errors';
import type { LedgerAccountKind } from './ledger.types';

/**
 * A debit larger than what the account holds: funding a launch, topping up escrow, a bonus, or
 * a payout. Nothing was written. `shortfall` is how much more the account needs.
 */
export class InsufficientBalanceError extends AppError {
  constructor(details: {
    accountKind: LedgerAccountKind;
    currency: string;
    available: number;
    required: number;
  }) {
    super(
      `Insufficient balance: ${details.accountKind} holds ${details.available} ${details.currency}, ${details.required} needed`,
      ErrorCode.INSUFFICIENT_BALANCE,
      { ...details, shortfall: details.required - details.available },
    );
  }
}

/** Money in one currency offered where another is expected (a bonus in eur on a usd project). */
export class CurrencyMismatchError extends AppError {
  constructor(expected: string, given: string) {
    super(`Currency ${given} does not match ${expected}`, ErrorCode.CURRENCY_MISMATCH, {
      expected,
      given,
    });
  }
}

/**
 * A movement that would take an account's balance beyond MAX_MINOR_AMOUNT either way. Nothing
 * was written: a larger balance could no longer be added up exactly.
 */
export class BalanceLimitExceededError extends AppError {
  constructor(details: { accountKind: LedgerAccountKind; currency: string; limit: number }) {
    super(
      `The ${details.accountKind} balance in ${details.currency} would exceed ${details.limit} minor units`,
      ErrorCode.BALANCE_LIMIT_EXCEEDED,
      details,
    );
  }
}
