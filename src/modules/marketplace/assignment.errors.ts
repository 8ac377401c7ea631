import { AppError, ErrorCode } from '../../common/errors';
import type { AssignmentStatus } from './assignment.types';

/**
 * Submit or return after the lease ended: `expiresAt` passed by the clock, whether or not the
 * sweep has marked it EXPIRED yet. The slot went (or goes) to another worker.
 */
export class LeaseExpiredError extends AppError {
  constructor(assignmentId: string, expiresAt: Date) {
    super(`The lease on assignment ${assignmentId} has expired`, ErrorCode.LEASE_EXPIRED, {
      assignmentId,
      expiresAt: expiresAt.toISOString(),
    });
  }
}

/** Submit or return on an assignment the worker gave back. */
export class AssignmentNotLeasedError extends AppError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(`Assignment ${assignmentId} is not leased (${status})`, ErrorCode.ASSIGNMENT_NOT_LEASED, {
      assignmentId,
      status,
    });
  }
}

/** A second submit: the first answer was recorded and stays (retries can treat it as success). */
export class AssignmentAlreadySubmittedError extends AppError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      `Assignment ${assignmentId} was already submitted`,
      ErrorCode.ASSIGNMENT_ALREADY_SUBMITTED,
      { assignmentId, status },
    );
  }
}

/** Review of an assignment that has no answer to review. */
export class AssignmentNotSubmittedError extends AppError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      `Assignment ${assignmentId} has no submitted answer (${status})`,
      ErrorCode.ASSIGNMENT_NOT_SUBMITTED,
      { assignmentId, status },
    );
  }
}

/** Approve or reject twice; a rejection is undone with `reverseRejection` instead. */
export class AssignmentAlreadyReviewedError extends AppError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      `Assignment ${assignmentId} was already reviewed (${status})`,
      ErrorCode.ASSIGNMENT_ALREADY_REVIEWED,
      { assignmentId, status },
    );
  }
}

/** `reverseRejection` on an assignment that is not REJECTED. */
export class AssignmentNotRejectedError extends AppError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      `Assignment ${assignmentId} is not rejected (${status})`,
      ErrorCode.ASSIGNMENT_NOT_REJECTED,
      {
        assignmentId,
        status,
      },
    );
  }
}

/** `reverseRejection` after `reviewedAt + project.rejectionReversalWindowSeconds`. */
export class ReversalWindowClosedError extends AppError {
  constructor(assignmentId: string, closedAt: Date) {
    super(
      `The rejection of assignment ${assignmentId} can no longer be reversed`,
      ErrorCode.REVERSAL_WINDOW_CLOSED,
      { assignmentId, closedAt: closedAt.toISOString() },
    );
  }
}
