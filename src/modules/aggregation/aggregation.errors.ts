import { AppError, BadUserInputError, ErrorCode } from '../../common/errors';

/** A method name that is not in the registry (algorithms/index.ts); `allowed` lists the names. */
export class UnknownAggregationMethodError extends BadUserInputError {
  constructor(method: string, allowed: readonly string[], field = 'method') {
    super(`Unknown aggregation method "${method}"; choose one of ${allowed.join(', ')}`, {
      field,
      method,
      allowed: [...allowed],
    });
  }
}

/** An export of more tasks than one GraphQL answer may carry; page through resultsPage. */
export class ResultsExportTooLargeError extends AppError {
  constructor(projectId: string, size: number, limit: number) {
    super(
      `The project has ${size} tasks; exportResults returns at most ${limit}: page through resultsPage (or quorum results export)`,
      ErrorCode.BATCH_TOO_LARGE,
      { projectId, size, limit },
    );
  }
}
