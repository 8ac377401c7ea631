import { DomainEvent } from '../../events/event-bus';

/**
 * Facts about assignments, published after the transaction that made them commits. Every event
 * names the assignment, its task, project and worker, so subscribers rarely need to read back.
 * Internal only: events may carry `isGold`, which never reaches a worker.
 */
export interface AssignmentRef {
  readonly assignmentId: string;
  readonly taskId: string;
  readonly projectId: string;
  readonly workerId: string;
}

/** A worker leased a task (`nextAssignment`). */
export class AssignmentLeasedEvent extends DomainEvent {
  readonly type = 'assignment.leased';

  constructor(
    readonly ref: AssignmentRef,
    readonly isGold: boolean,
    readonly expiresAt: Date,
  ) {
    super();
  }
}

/**
 * An answer was recorded and counted. Work that must be atomic with the answer (the quality
 * issue's posterior update) uses an in-transaction submission step (`marketplace.wiring.ts`) instead;
 * this event is for reactions that may lag (a background refit, notifications).
 */
export class AssignmentSubmittedEvent extends DomainEvent {
  readonly type = 'assignment.submitted';

  constructor(
    readonly ref: AssignmentRef,
    readonly labels: readonly string[],
    readonly isGold: boolean,
    /** Whether a gold answer matched the known labels; null for ordinary tasks. */
    readonly goldCorrect: boolean | null,
    readonly serverDurationMs: number,
    readonly clientDurationMs: number | null,
    /** The task reached its overlap with this answer. */
    readonly taskCompleted: boolean,
  ) {
    super();
  }
}

/** The worker gave the lease back; the slot is free again. */
export class AssignmentReturnedEvent extends DomainEvent {
  readonly type = 'assignment.returned';

  constructor(readonly ref: AssignmentRef) {
    super();
  }
}

/** The lease ran out unanswered (sweep or lazy expiry at selection); the slot is free again. */
export class AssignmentExpiredEvent extends DomainEvent {
  readonly type = 'assignment.expired';

  constructor(readonly ref: AssignmentRef) {
    super();
  }
}

/**
 * The answer is accepted and its reward is owed: payments move `rewardAmount` from the
 * project's escrow to the worker. Published for every transition to APPROVED — by the requester,
 * by the auto-approval sweep (`reviewerId` null) and by a reversed rejection (`viaReversal`) —
 * so it is the one event payments needs. Pay idempotently on `assignmentId`.
 */
export class AssignmentApprovedEvent extends DomainEvent {
  readonly type = 'assignment.approved';

  constructor(
    readonly ref: AssignmentRef,
    readonly rewardAmount: number,
    readonly currency: string,
    readonly reviewerId: string | null,
    readonly viaReversal: boolean,
    readonly approvedAt: Date,
  ) {
    super();
  }
}

/** The requester rejected the answer: unpaid, no longer counted; the slot is free again. */
export class AssignmentRejectedEvent extends DomainEvent {
  readonly type = 'assignment.rejected';

  constructor(
    readonly ref: AssignmentRef,
    readonly reason: string,
    readonly reviewerId: string,
    /** Whether the answer was counted before (it no longer is). */
    readonly wasCounted: boolean,
  ) {
    super();
  }
}

/**
 * A rejection was reversed within the window: the assignment is APPROVED (an
 * `AssignmentApprovedEvent` with `viaReversal` follows) and counted again only if its task had a
 * free slot (`recounted`).
 */
export class AssignmentRejectionReversedEvent extends DomainEvent {
  readonly type = 'assignment.rejection-reversed';

  constructor(
    readonly ref: AssignmentRef,
    readonly reviewerId: string,
    readonly recounted: boolean,
  ) {
    super();
  }
}
