import type { Assignment } from './assignment.entity';
import {
  AssignmentAlreadyReviewedError,
  AssignmentAlreadySubmittedError,
  AssignmentNotLeasedError,
  AssignmentNotRejectedError,
  AssignmentNotSubmittedError,
  LeaseExpiredError,
  ReversalWindowClosedError,
} from './assignment.errors';
import { AssignmentStatus } from './assignment.types';

/** What can happen to an assignment, each with one target status. */
export type AssignmentAction =
  'submit' | 'return' | 'expire' | 'approve' | 'autoApprove' | 'reject' | 'reverseRejection';

/**
 * The assignment state machine (a lease is born LEASED by `LeasingService.nextAssignment`):
 *
 *   submit            LEASED → SUBMITTED        the worker answers before `expiresAt`
 *   return            LEASED → RETURNED         the worker gives the task back
 *   expire            LEASED → EXPIRED          the sweep (or a lazy expiry) after `expiresAt`
 *   approve           SUBMITTED → APPROVED      the owner or an admin; paid after commit
 *   autoApprove       SUBMITTED → APPROVED      the sweep at `autoApproveAt` (no reviewer)
 *   reject            SUBMITTED → REJECTED      unpaid; the answer leaves the count
 *   reverseRejection  REJECTED → APPROVED       within the project's reversal window
 *
 * The sweeps (`expire`, `autoApprove`) apply the same table in SQL (`WHERE status = …`); every
 * other action goes through `assertTransition`, so each refusal has its one error code.
 * Counters (`live_assignments`, `counted_answers`) follow in `task-slots.ts`, never here.
 */
export const ASSIGNMENT_TRANSITIONS: Readonly<
  Record<AssignmentAction, { from: AssignmentStatus; to: AssignmentStatus }>
> = {
  submit: { from: AssignmentStatus.LEASED, to: AssignmentStatus.SUBMITTED },
  return: { from: AssignmentStatus.LEASED, to: AssignmentStatus.RETURNED },
  expire: { from: AssignmentStatus.LEASED, to: AssignmentStatus.EXPIRED },
  approve: { from: AssignmentStatus.SUBMITTED, to: AssignmentStatus.APPROVED },
  autoApprove: { from: AssignmentStatus.SUBMITTED, to: AssignmentStatus.APPROVED },
  reject: { from: AssignmentStatus.SUBMITTED, to: AssignmentStatus.REJECTED },
  reverseRejection: { from: AssignmentStatus.REJECTED, to: AssignmentStatus.APPROVED },
};

/**
 * Refuses `action` on `assignment` unless the table allows it, with the clearest code:
 * a submit or return needs a live lease (LEASE_EXPIRED once `expiresAt` passed, even before the
 * sweep; ASSIGNMENT_NOT_LEASED after a return; ASSIGNMENT_ALREADY_SUBMITTED for a second submit);
 * a review needs a SUBMITTED answer (ASSIGNMENT_ALREADY_REVIEWED / ASSIGNMENT_NOT_SUBMITTED);
 * a reversal needs a REJECTED one inside the window that closes at `reversalClosesAt`
 * (ASSIGNMENT_NOT_REJECTED / REVERSAL_WINDOW_CLOSED). Returns the target status.
 */
export function assertTransition(
  assignment: Assignment,
  action: Exclude<AssignmentAction, 'expire' | 'autoApprove'>,
  now: Date,
  reversalClosesAt?: Date,
): AssignmentStatus {
  const { to } = ASSIGNMENT_TRANSITIONS[action];
  switch (action) {
    case 'submit':
    case 'return':
      assertLeaseUsable(assignment, now, action);
      return to;
    case 'approve':
    case 'reject':
      assertSubmitted(assignment);
      return to;
    case 'reverseRejection':
      if (assignment.status !== AssignmentStatus.REJECTED) {
        throw new AssignmentNotRejectedError(assignment.id, assignment.status);
      }
      if (reversalClosesAt && now.getTime() >= reversalClosesAt.getTime()) {
        throw new ReversalWindowClosedError(assignment.id, reversalClosesAt);
      }
      return to;
  }
}

/** Refuses a submit or return on anything but a live lease, with the clearest code. */
function assertLeaseUsable(
  assignment: Assignment,
  now: Date,
  operation: 'submit' | 'return',
): void {
  switch (assignment.status) {
    case AssignmentStatus.LEASED:
      if (assignment.expiresAt.getTime() <= now.getTime()) {
        throw new LeaseExpiredError(assignment.id, assignment.expiresAt);
      }
      return;
    case AssignmentStatus.EXPIRED:
      throw new LeaseExpiredError(assignment.id, assignment.expiresAt);
    case AssignmentStatus.RETURNED:
      throw new AssignmentNotLeasedError(assignment.id, assignment.status);
    default:
      if (operation === 'submit') {
        throw new AssignmentAlreadySubmittedError(assignment.id, assignment.status);
      }
      throw new AssignmentNotLeasedError(assignment.id, assignment.status);
  }
}

function assertSubmitted(assignment: Assignment): void {
  if (assignment.status === AssignmentStatus.SUBMITTED) return;
  if (
    assignment.status === AssignmentStatus.APPROVED ||
    assignment.status === AssignmentStatus.REJECTED
  ) {
    throw new AssignmentAlreadyReviewedError(assignment.id, assignment.status);
  }
  throw new AssignmentNotSubmittedError(assignment.id, assignment.status);
}
