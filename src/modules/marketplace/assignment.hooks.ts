import type { RequestContext } from '../../common/request-context';
import type { Project } from '../projects/project.entity';
import type { Task } from './task.entity';
import type { Assignment } from './assignment.entity';

/**
 * An answer just recorded, as seen inside the submit transaction. `task` is locked
 * (`FOR UPDATE`) by that transaction and already carries this answer in `countedAnswers`.
 */
export interface SubmittedAnswer {
  readonly assignment: Assignment;
  readonly task: Task;
  readonly project: Project;
}

/** What a submission hook may ask for. */
export interface SubmissionDecision {
  /**
   * Close the task now (dynamic overlap: the posterior reached `confidenceTarget` after at least
   * `minOverlap` answers). Ignored for gold tasks, which never complete. Without any hook asking,
   * a task completes when `countedAnswers` reaches `maxOverlap`.
   */
  readonly completeTask?: boolean;
}

/**
 * Runs inside the submit transaction, after the answer is counted and before the task's
 * completion is decided, in registration order. A hook that throws rolls the submission back
 * (the worker gets the error and may retry), so hooks do only database work on `tx`: the quality
 * issue updates the task's posterior and the worker's gold accuracy here, atomically with the
 * answer. Register with `AssignmentService.onSubmitted`.
 */
export type SubmissionHook = (
  tx: RequestContext,
  submitted: SubmittedAnswer,
) => Promise<SubmissionDecision | void> | SubmissionDecision | void;

/** An answer left the count (rejection) or re-entered it (reversed rejection). */
export interface CountChange {
  readonly assignment: Assignment;
  /** Locked by the transaction; counters already updated. */
  readonly task: Task;
  readonly project: Project;
  readonly counted: boolean;
  readonly cause: 'REJECTED' | 'REJECTION_REVERSED';
}

/**
 * Runs inside the review transaction whenever an answer's `counted` flips, so a posterior kept
 * on the task can drop or re-add the answer atomically. Register with
 * `AssignmentService.onCountChanged`.
 */
export type CountChangeHook = (tx: RequestContext, change: CountChange) => Promise<void> | void;
