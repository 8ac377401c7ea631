import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Project } from '../projects/project.entity';
import { assertTransition } from './assignment-lifecycle';
import { Assignment } from './assignment.entity';
import { refOf } from './assignment-rows';
import { AssignmentSubmittedEvent } from './assignment.events';
import type { SubmissionDecision, SubmissionStep } from './assignment.hooks';
import { ASSIGNMENT_LIMITS, type SubmitAssignmentInput } from './assignment.inputs';
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

    return this.db.withTransaction(ctx, async tx => {
      const now = tx.now();
      const manager = this.db.manager(tx);
      // The assignment row is locked (lock order: assignment, then task) and read with its
      // project and the requester's display name in one round trip.
      const [row] = await queryRows<
        Record<string, unknown> & { project: Record<string, unknown>; requester_name: string }
      >(
        manager,
        `SELECT a.*, to_jsonb(p.*) AS project, u.display_name AS requester_name
         FROM assignments a
         JOIN projects p ON p.id = a.project_id
         JOIN users u ON u.id = p.owner_id
         WHERE a.id = $1
         FOR UPDATE OF a`,
        [input.assignmentId],
      );
      if (!row || row.worker_id !== workerId) {
        throw new NotFoundError('Assignment', input.assignmentId);
      }
      const assignment = hydrateRow(manager, Assignment, row);
      const project = hydrateRow(manager, Project, row.project);
      const submitted = assertTransition(assignment, 'submit', now);
      // Counting the answer locks the task row and returns it as it now is (with the payload a
      // structured kind checks its answer against; a refusal rolls the count back).
      const task = await this.slots.countSubmittedAnswer(tx, assignment.taskId);
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
      await this.db.repo(tx, Assignment).update(assignment.id, {
        status: assignment.status,
        submittedAt: assignment.submittedAt,
        answerLabels: assignment.answerLabels,
        // A JSON object: TypeORM's deep-partial type cannot tell it from a relation.
        answer: assignment.answer as object,
        clientDurationMs: assignment.clientDurationMs,
        serverDurationMs: assignment.serverDurationMs,
        counted: true,
        schemaVersion: assignment.schemaVersion,
        goldCorrect: assignment.goldCorrect,
        goldScore: assignment.goldScore,
        autoApproveAt: assignment.autoApproveAt,
      });

      const decisions: Array<SubmissionDecision | void> = [];
      for (const step of this.steps) {
        decisions.push(await step.run(tx, { assignment, task, project }));
      }
      const taskCompleted =
        !task.isGold &&
        task.status === TaskStatus.OPEN &&
        (task.countedAnswers >= project.maxOverlap || decisions.some(d => d?.completeTask));
      if (taskCompleted) await this.slots.completeTask(tx, task, now);

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
        toWorkerTask(task, project, { displayName: row.requester_name }),
      );
    });
  }
}
