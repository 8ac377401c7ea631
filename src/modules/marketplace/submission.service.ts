import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Project } from '../projects/project.entity';
import { assertTransition } from './assignment-lifecycle';
import { Assignment } from './assignment.entity';
import { refOf } from './assignment-rows';
import { AssignmentSubmittedEvent } from './assignment.events';
import type { SubmissionDecision, SubmissionStep } from './assignment.hooks';
import { ASSIGNMENT_LIMITS, type SubmitAssignmentInput } from './assignment.inputs';
import { Task } from './task.entity';
import type { TaskSlots } from './task-slots';
import { TaskStatus } from './task.types';
import { checkKindAnswer, scoreKindGold } from './kind-answers';
import { toWorkerAssignment, type WorkerAssignment } from './worker-assignment.type';
import { toWorkerTask } from './worker-task.type';

/**
 * Submission (DESIGN.md promise 4): records a worker's answer and, in the same transaction, runs
 * the submission steps in the order `marketplace.wiring.ts` lists them (online posterior and
 * dynamic overlap, quality rules, qualification), then decides the task's completion. The answer
 * enters the count through `TaskSlots`.
 */
export class SubmissionService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly slots: TaskSlots,
    /** Run in this order inside every submit transaction; a step that throws rolls it back. */
    private readonly steps: readonly SubmissionStep[],
  ) {}

  /**
   * Records the holder's answer. Checks, in order: the assignment is the caller's (else
   * NOT_FOUND), the lease is live (LEASE_EXPIRED / ASSIGNMENT_NOT_LEASED /
   * ASSIGNMENT_ALREADY_SUBMITTED), the answer fits the project's schema (BAD_USER_INPUT, field
   * `answer.labels`). Then: SUBMITTED, counted, server-measured duration, gold scored, the task's
   * `counted_answers` + 1, the submission steps in order, the task completed at `maxOverlap` (or when a hook
   * asks), auto-approval scheduled. Any refusal writes nothing.
   */
  async submitAssignment(
    ctx: RequestContext,
    input: SubmitAssignmentInput,
  ): Promise<WorkerAssignment> {
    const workerId = ctx.requireUserId();
    const labels = input.answer?.labels ?? [];
    if (labels.length > ASSIGNMENT_LIMITS.maxAnswerLabels) {
      throw new BadUserInputError(
        `An answer has at most ${ASSIGNMENT_LIMITS.maxAnswerLabels} labels`,
        { field: 'answer.labels' },
      );
    }
    const clientDurationMs = input.clientDurationMs ?? null;
    if (
      clientDurationMs !== null &&
      (!Number.isInteger(clientDurationMs) ||
        clientDurationMs < 0 ||
        clientDurationMs > ASSIGNMENT_LIMITS.maxClientDurationMs)
    ) {
      throw new BadUserInputError('clientDurationMs must be between 0 and 7 days in ms', {
        field: 'clientDurationMs',
      });
    }
    if (!isUuid(input.assignmentId)) throw new NotFoundError('Assignment', input.assignmentId);

    // Three statements between BEGIN and COMMIT (docs/scaling.md, "Round trips"): the lock and
    // count (with the project), every step's reads, and every write, held back
    // (`TransactionalConnection.defer`) until COMMIT sends them as one statement.
    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const manager = this.db.manager(tx);
      // The assignment row is locked, then (when it is the caller's) its task's row by counting
      // the answer (lock order: assignment, then task), with the project and the requester's
      // display name, in one round trip. A refusal below rolls the count back.
      const locked = await this.slots.lockAndCountSubmission(tx, input.assignmentId, workerId);
      if (!locked?.task) {
        throw new NotFoundError('Assignment', input.assignmentId);
      }
      const assignment = hydrateRow(manager, Assignment, locked.assignment);
      const project = hydrateRow(manager, Project, locked.project);
      const submitted = assertTransition(assignment, 'submit', now);
      // The task row as counting the answer left it (with the payload a structured kind checks
      // its answer against; a refusal rolls the count back).
      const task = hydrateRow(manager, Task, locked.task);
      const answer = checkKindAnswer(project.labelSchema, task.payload, input.answer);
      // Scored for every answer and kept for gold only: the same work either way (promise 8).
      const gold = scoreKindGold(project.labelSchema, project.goldThreshold, task, answer);

      Object.assign(assignment, {
        status: submitted,
        submittedAt: now,
        answerLabels: answer.labels,
        answer: answer.value,
        clientDurationMs,
        serverDurationMs: Math.max(0, now.getTime() - assignment.leasedAt.getTime()),
        counted: true,
        schemaVersion: project.schemaVersion,
        goldCorrect: assignment.isGold ? gold.correct : null,
        goldScore: assignment.isGold ? gold.score : null,
        autoApproveAt: new Date(now.getTime() + project.autoApprovalDelaySeconds * 1000),
      } satisfies Partial<Assignment>);
      const submission = { assignment, task, project };
      // Every step's reads in one statement, sent before the answer's write is (held) queued:
      // the steps add this answer to what they read themselves.
      const prefetches = this.steps.map(step => step.prefetch?.(tx, submission) ?? null);
      const read = await this.db.readTogether(
        tx,
        prefetches.filter(piece => piece !== null),
      );
      await this.db.defer(tx, {
        sql: `UPDATE assignments SET status = $2, submitted_at = $3, answer_labels = $4::text[],
                answer = $5::jsonb, client_duration_ms = $6, server_duration_ms = $7,
                counted = true, schema_version = $8, gold_correct = $9, gold_score = $10,
                auto_approve_at = $11, updated_at = now()
              WHERE id = $1`,
        params: [
          assignment.id,
          assignment.status,
          assignment.submittedAt,
          assignment.answerLabels,
          assignment.answer === null || assignment.answer === undefined
            ? null
            : JSON.stringify(assignment.answer),
          assignment.clientDurationMs,
          assignment.serverDurationMs,
          assignment.schemaVersion,
          assignment.goldCorrect,
          assignment.goldScore,
          assignment.autoApproveAt,
        ],
      });

      const decisions: Array<SubmissionDecision | void> = [];
      let nextRead = 0;
      for (const [i, step] of this.steps.entries()) {
        decisions.push(await step.run(tx, submission, prefetches[i] ? read[nextRead++] : undefined));
      }
      const taskCompleted =
        !task.isGold &&
        task.status === TaskStatus.OPEN &&
        (task.countedAnswers >= project.maxOverlap || decisions.some(d => d?.completeTask));
      if (taskCompleted) Object.assign(task, { status: TaskStatus.COMPLETE, completedAt: now });
      await this.slots.storeSubmittedTask(tx, task);
      if (taskCompleted) await this.slots.runCompletedHooks(tx, task, project);

      await this.events.publish(
        tx,
        new AssignmentSubmittedEvent(
          refOf(assignment),
          answer.labels ?? [],
          assignment.isGold,
          assignment.goldCorrect,
          assignment.serverDurationMs!,
          clientDurationMs,
          taskCompleted,
        ),
      );
      return toWorkerAssignment(
        assignment,
        toWorkerTask(task, project, { displayName: locked.requesterName }),
      );
    });
  }
}
