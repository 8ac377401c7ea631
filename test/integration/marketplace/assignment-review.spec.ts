import {
  AssignmentApprovedEvent,
  AssignmentRejectedEvent,
  AssignmentRejectionReversedEvent,
} from '../../../src/modules/marketplace/assignment.events';
import { findInvariantViolations } from '../../../src/modules/marketplace/assignment-invariants';
import { AssignmentStatus } from '../../../src/modules/marketplace/assignment.types';
import { Role } from '../../../src/modules/auth/role';
import type { Project } from '../../../src/modules/projects/project.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { makeProject, makeTasks } from '../../helpers/factories';
import { useMarketplaceEnv } from '../../helpers/marketplace-env';
import { extensionsOf } from '../../helpers/errors';

describe('ReviewService: review', () => {
  const { db, env, task, assignment } = useMarketplaceEnv({ poolSize: 8, isolateProjects: true });

  /** A project with one task and `answers` submitted assignments on it (overlap = answers). */
  async function answered(answers: number, overrides: Partial<Project> = {}) {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, requester.user.id, {
      minOverlap: answers,
      maxOverlap: answers,
      ...overrides,
    });
    const [onlyTask] = await makeTasks(db.current.dataSource, project.id, 1);
    const submitted: string[] = [];
    for (let i = 0; i < answers; i++) {
      submitted.push((await env.answer(project.id, 'cat'))!.assignmentId);
    }
    return { requester, project, task: onlyTask, submitted };
  }

  it('approves a submitted assignment once; a second approval is ASSIGNMENT_ALREADY_REVIEWED', async () => {
    const { requester, submitted } = await answered(1);

    const approved = await env.services.review.approveAssignment(requester.ctx, submitted[0]);
    expect(approved).toMatchObject({
      status: AssignmentStatus.APPROVED,
      reviewedBy: requester.user.id,
      reviewedAt: env.clock.now(),
    });
    expect(env.events.filter(e => e instanceof AssignmentApprovedEvent)).toEqual([
      expect.objectContaining({ rewardAmount: 5, currency: 'usd', viaReversal: false }),
    ]);

    const before = await env.snapshot();
    for (const call of [
      env.services.review.approveAssignment(requester.ctx, submitted[0]),
      env.services.review.rejectAssignment(requester.ctx, submitted[0], 'changed my mind'),
    ]) {
      expect(await extensionsOf(call)).toMatchObject({
        code: 'ASSIGNMENT_ALREADY_REVIEWED',
        status: 'APPROVED',
      });
    }
    expect(await env.snapshot()).toEqual(before);
    expect(env.events.filter(e => e instanceof AssignmentApprovedEvent)).toHaveLength(1);
  });

  it('refuses to review an unanswered assignment (ASSIGNMENT_NOT_SUBMITTED)', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(db.current.dataSource, requester.user.id);
    await makeTasks(db.current.dataSource, project.id, 1);
    const worker = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(worker.ctx, project.id))!;

    expect(
      await extensionsOf(env.services.review.approveAssignment(requester.ctx, lease.id)),
    ).toMatchObject({ code: 'ASSIGNMENT_NOT_SUBMITTED', status: 'LEASED' });
  });

  it('lets only the project owner or an admin review; others get NOT_FOUND', async () => {
    const { submitted } = await answered(2);
    const stranger = await env.user([Role.REQUESTER]);
    const worker = await env.user([Role.WORKER]);
    const admin = await env.user([Role.ADMIN]);
    const before = await env.snapshot();

    for (const ctx of [stranger.ctx, worker.ctx]) {
      for (const call of [
        env.services.review.approveAssignment(ctx, submitted[0]),
        env.services.review.rejectAssignment(ctx, submitted[0], 'no'),
        env.services.review.reverseRejection(ctx, submitted[0]),
        env.services.review.approveAssignments(ctx, submitted),
      ]) {
        expect(await extensionsOf(call)).toMatchObject({ code: 'NOT_FOUND', id: submitted[0] });
      }
    }
    expect(await env.snapshot()).toEqual(before);
    expect((await env.services.review.approveAssignment(admin.ctx, submitted[0])).reviewedBy).toBe(
      admin.user.id,
    );
  });

  it('requires a rejection reason and writes nothing without one', async () => {
    const { requester, submitted } = await answered(1);
    const before = await env.snapshot();
    for (const reason of ['', '   ', 'x'.repeat(2001)]) {
      expect(
        await extensionsOf(
          env.services.review.rejectAssignment(requester.ctx, submitted[0], reason),
        ),
      ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    }
    expect(await env.snapshot()).toEqual(before);
  });

  it('frees the slot on rejection: uncounted, counters down, COMPLETE task reopened and re-served', async () => {
    const { requester, project, task: onlyTask, submitted } = await answered(2);
    expect(await task(onlyTask.id)).toMatchObject({
      status: TaskStatus.COMPLETE,
      countedAnswers: 2,
    });

    const rejected = await env.services.review.rejectAssignment(
      requester.ctx,
      submitted[0],
      '  Answered at random  ',
    );

    expect(rejected).toMatchObject({
      status: AssignmentStatus.REJECTED,
      rejectionReason: 'Answered at random',
      counted: false,
    });
    expect(await task(onlyTask.id)).toMatchObject({
      status: TaskStatus.OPEN,
      completedAt: null,
      countedAnswers: 1,
      liveAssignments: 1,
    });
    expect(env.events.find(e => e instanceof AssignmentRejectedEvent)).toMatchObject({
      reason: 'Answered at random',
      wasCounted: true,
    });
    const replacement = await env.user([Role.WORKER]);
    expect((await env.services.leasing.nextAssignment(replacement.ctx, project.id))?.taskId).toBe(
      onlyTask.id,
    );
  });

  it('reverses a rejection within the window: approved, paid, counted again if a slot is free', async () => {
    const {
      requester,
      task: onlyTask,
      submitted,
    } = await answered(2, {
      rejectionReversalWindowSeconds: 3600,
    });
    await env.services.review.rejectAssignment(requester.ctx, submitted[0], 'wrong');
    env.clock.advance(3599_999);

    const reversed = await env.services.review.reverseRejection(requester.ctx, submitted[0]);

    expect(reversed).toMatchObject({
      status: AssignmentStatus.APPROVED,
      counted: true,
      rejectionReason: null,
    });
    expect(await task(onlyTask.id)).toMatchObject({
      status: TaskStatus.COMPLETE,
      countedAnswers: 2,
      liveAssignments: 2,
    });
    expect(env.events.find(e => e instanceof AssignmentRejectionReversedEvent)).toMatchObject({
      recounted: true,
    });
    expect(
      env.events.filter(e => e instanceof AssignmentApprovedEvent && e.viaReversal),
    ).toHaveLength(1);
    expect(
      await extensionsOf(env.services.review.reverseRejection(requester.ctx, submitted[0])),
    ).toMatchObject({ code: 'ASSIGNMENT_NOT_REJECTED', status: 'APPROVED' });
  });

  it('keeps a reversed answer uncounted but paid when its slot went to someone else', async () => {
    const { requester, project, task: onlyTask, submitted } = await answered(1);
    await env.services.review.rejectAssignment(requester.ctx, submitted[0], 'wrong');
    const replacement = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(replacement.ctx, project.id))!;
    await env.services.submission.submitAssignment(replacement.ctx, {
      assignmentId: lease.id,
      answer: { labels: ['dog'] },
    });

    const reversed = await env.services.review.reverseRejection(requester.ctx, submitted[0]);

    expect(reversed).toMatchObject({ status: AssignmentStatus.APPROVED, counted: false });
    expect(await task(onlyTask.id)).toMatchObject({ countedAnswers: 1, liveAssignments: 1 });
    expect(env.events.find(e => e instanceof AssignmentRejectionReversedEvent)).toMatchObject({
      recounted: false,
    });
  });

  it('refuses a reversal once the window closed (REVERSAL_WINDOW_CLOSED), writing nothing', async () => {
    const { requester, submitted } = await answered(1, { rejectionReversalWindowSeconds: 60 });
    await env.services.review.rejectAssignment(requester.ctx, submitted[0], 'wrong');
    env.clock.advance(60_000);
    const before = await env.snapshot();

    expect(
      await extensionsOf(env.services.review.reverseRejection(requester.ctx, submitted[0])),
    ).toMatchObject({ code: 'REVERSAL_WINDOW_CLOSED' });
    expect(await env.snapshot()).toEqual(before);
  });

  it('reviews in bulk all or nothing: one bad id refuses the whole call', async () => {
    const first = await answered(3);
    await env.services.review.approveAssignment(first.requester.ctx, first.submitted[2]);
    const before = await env.snapshot();

    expect(
      await extensionsOf(
        env.services.review.approveAssignments(first.requester.ctx, first.submitted),
      ),
    ).toMatchObject({ code: 'ASSIGNMENT_ALREADY_REVIEWED', assignmentId: first.submitted[2] });
    expect(
      await extensionsOf(
        env.services.review.rejectAssignments(
          first.requester.ctx,
          [first.submitted[0], 'not-an-id'],
          'bad',
        ),
      ),
    ).toMatchObject({ code: 'NOT_FOUND', id: 'not-an-id' });
    expect(
      await extensionsOf(env.services.review.approveAssignments(first.requester.ctx, [])),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'ids',
    });
    expect(await env.snapshot()).toEqual(before);

    const rejected = await env.services.review.rejectAssignments(
      first.requester.ctx,
      [first.submitted[1], first.submitted[0], first.submitted[1]],
      'spam',
    );
    expect(rejected.map(row => [row.id, row.status])).toEqual([
      [first.submitted[1], AssignmentStatus.REJECTED],
      [first.submitted[0], AssignmentStatus.REJECTED],
    ]);
    expect(await task(first.task.id)).toMatchObject({
      status: TaskStatus.OPEN,
      countedAnswers: 1,
      liveAssignments: 1,
    });
  });

  it('approves automatically once autoApproveAt passes, and not before', async () => {
    const { submitted } = await answered(2, { autoApprovalDelaySeconds: 3600 });
    env.clock.advance(3599_999);
    await env.drainJobs();
    expect((await assignment(submitted[0])).status).toBe(AssignmentStatus.SUBMITTED);

    env.clock.advance(60_000);
    await env.drainJobs();
    for (const id of submitted) {
      expect(await assignment(id)).toMatchObject({
        status: AssignmentStatus.APPROVED,
        reviewedBy: null,
        reviewedAt: env.clock.now(),
      });
    }
    const approvals = env.events.filter(
      (e): e is AssignmentApprovedEvent =>
        e instanceof AssignmentApprovedEvent && submitted.includes(e.ref.assignmentId),
    );
    expect(approvals.map(e => e.reviewerId)).toEqual([null, null]);
  });

  it('leaves every counter equal to a recount after all of the above', async () => {
    expect(await findInvariantViolations(db.current.dataSource.manager)).toEqual([]);
  });
});
