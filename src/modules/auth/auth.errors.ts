import { AppError, ErrorCode } from '../../common/errors';

/** Wrong password or unknown email: one answer for both, so accounts cannot be enumerated. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super('Email or password is incorrect', ErrorCode.INVALID_CREDENTIALS);
  }
}

/** A JWT past its expiry: the client should log in again. */
export class TokenExpiredError extends AppError {
  constructor() {
    super('The token has expired; log in again', ErrorCode.TOKEN_EXPIRED);
  }
}
