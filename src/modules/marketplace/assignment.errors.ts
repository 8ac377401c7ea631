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

/**
 * An assignment operation refused because of the assignment's status: the message names the
 * assignment and why, and extensions carry `assignmentId` and `status` for every such refusal.
 */
abstract class AssignmentStatusError extends AppError {
  protected constructor(
    assignmentId: string,
    status: AssignmentStatus,
    why: string,
    code: ErrorCode,
  ) {
    super(`Assignment ${assignmentId} ${why}`, code, { assignmentId, status });
  }
}

/** Submit or return on an assignment the worker gave back. */
export class AssignmentNotLeasedError extends AssignmentStatusError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(assignmentId, status, `is not leased (${status})`, ErrorCode.ASSIGNMENT_NOT_LEASED);
  }
}

/** A second submit: the first answer was recorded and stays (retries can treat it as success). */
export class AssignmentAlreadySubmittedError extends AssignmentStatusError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(assignmentId, status, 'was already submitted', ErrorCode.ASSIGNMENT_ALREADY_SUBMITTED);
  }
}

/** Review of an assignment that has no answer to review. */
export class AssignmentNotSubmittedError extends AssignmentStatusError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      assignmentId,
      status,
      `has no submitted answer (${status})`,
      ErrorCode.ASSIGNMENT_NOT_SUBMITTED,
    );
  }
}

/** Approve or reject twice; a rejection is undone with `reverseRejection` instead. */
export class AssignmentAlreadyReviewedError extends AssignmentStatusError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(
      assignmentId,
      status,
      `was already reviewed (${status})`,
      ErrorCode.ASSIGNMENT_ALREADY_REVIEWED,
    );
  }
}

/** `reverseRejection` on an assignment that is not REJECTED. */
export class AssignmentNotRejectedError extends AssignmentStatusError {
  constructor(assignmentId: string, status: AssignmentStatus) {
    super(assignmentId, status, `is not rejected (${status})`, ErrorCode.ASSIGNMENT_NOT_REJECTED);
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
