import type { RequestContext } from '../../common/request-context';
import type { SqlPiece } from '../../db/statement-batch';
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
 * answer. The steps are listed, in order, in `marketplace.wiring.ts`.
 */
export type SubmissionHook = (
  tx: RequestContext,
  submitted: SubmittedAnswer,
  prefetched?: unknown,
) => Promise<SubmissionDecision | void> | SubmissionDecision | void;

/**
 * An answer left the count (rejection, exclusion) or re-entered it (reversed rejection,
 * inclusion).
 */
export interface CountChange {
  readonly assignmentId: string;
  /** Locked by the transaction; counters already updated. */
  readonly task: Task;
  readonly project: Project;
  readonly counted: boolean;
  readonly cause: 'REJECTED' | 'REJECTION_REVERSED' | 'EXCLUDED' | 'INCLUDED';
}

/**
 * Runs inside the transaction whenever an answer's `counted` flips, so a posterior kept on the
 * task can drop or re-add the answer atomically. Register with `TaskSlots.onCountChanged`; every
 * counter change goes through `task-slots.ts`, so no path skips it.
 */
export type CountChangeHook = (tx: RequestContext, change: CountChange) => Promise<void> | void;

/**
 * An ordinary task that has just completed, inside the completing transaction: `task` is locked
 * by it, its status COMPLETE already written.
 */
export type CompletedTask = Pick<SubmittedAnswer, 'task' | 'project'>;

/**
 * Runs inside the transaction that completes an ordinary task (a submit, or a recount reaching
 * `max_overlap`); a failure rolls the completion back. Register with `TaskSlots.onTaskCompleted`.
 * The model loop counts completions here (prelabel/model-loop.ts).
 */
export type TaskCompletedHook = (
  tx: RequestContext,
  completed: CompletedTask,
) => Promise<void> | void;

/**
 * One named step of the submit transaction. The steps run in list order; each sees what the
 * steps before it wrote (the quality rules read the `consensus_labels` the online posterior step
 * has just stored), so the list's order is part of the behaviour.
 */
export interface SubmissionStep {
  /** Shown in logs and errors: which step ran. */
  readonly name: string;
  /**
   * The step's reads as one SELECT of one value (usually a JSON object), sent together with the
   * other steps' in a single statement after the answer is counted and before anything is
   * written: what they read does not include this answer yet, so the step adds it itself. The
   * value reaches `run` as `prefetched`. Null (or no prefetch): `run` reads for itself.
   */
  readonly prefetch?: (tx: RequestContext, submitted: SubmittedAnswer) => SqlPiece | null;
  readonly run: SubmissionHook;
}
