import { mulberry32 } from '../../../src/modules/aggregation/algorithms/rng';
import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import {
  AssignmentExpiredEvent,
  AssignmentLeasedEvent,
  AssignmentReturnedEvent,
  AssignmentSubmittedEvent,
} from '../../../src/modules/marketplace/assignment.events';
import { findInvariantViolations } from '../../../src/modules/marketplace/assignment-invariants';
import { LeasingService } from '../../../src/modules/marketplace/leasing.service';
import { SubmissionService } from '../../../src/modules/marketplace/submission.service';
import { AssignmentStatus, ReturnReason } from '../../../src/modules/marketplace/assignment.types';
import { Role } from '../../../src/modules/auth/role';
import { ProjectStatus } from '../../../src/modules/projects/project.types';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { makeProject, makeTasks } from '../../helpers/factories';
import { useMarketplaceEnv } from '../../helpers/marketplace-env';
import { extensionsOf } from '../../helpers/errors';
import { multiLabel } from '../../helpers/label-schemas';

describe('LeasingService and SubmissionService: leasing and answering', () => {
  // Each test owns its projects; earlier tests' projects stop serving work.
  const { db, env, task, assignment } = useMarketplaceEnv({ poolSize: 8, isolateProjects: true });
  const expiredEventsFor = (assignmentId: string) =>
    env.events.filter(
      e => e instanceof AssignmentExpiredEvent && e.ref.assignmentId === assignmentId,
    );
  /** A leasing service whose gold/ordinary draws come from `rng`, over the env's task slots. */
  const leasingWith = (rng: () => number) =>
    new LeasingService(env.services.db, env.services.events, env.services.taskSlots, { rng });

  async function setUp(
    options: { tasks?: number; overlap?: number; gold?: number; goldRate?: number } = {},
  ) {
    const requester = await env.user([Role.REQUESTER], 'Acme Labs');
    const project = await makeProject(db.current.dataSource, requester.user.id, {
      minOverlap: options.overlap ?? 3,
      maxOverlap: options.overlap ?? 3,
      goldRate: options.goldRate ?? 0,
    });
    const tasks = await makeTasks(db.current.dataSource, project.id, options.tasks ?? 1);
    const gold = await makeTasks(db.current.dataSource, project.id, options.gold ?? 0, {
      gold: true,
      goldLabels: ['dog'],
    });
    return { requester, project, tasks, gold };
  }

  it('leases a task with the worker view, the lease end and the reward, and takes a slot', async () => {
    const { project, tasks } = await setUp({ overlap: 3 });
    const { user, ctx } = await env.user([Role.WORKER]);

    const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;

    expect(lease).toMatchObject({
      status: AssignmentStatus.LEASED,
      leasedAt: env.clock.now(),
      expiresAt: new Date(env.clock.now().getTime() + 600_000),
      rewardAmount: 5,
      currency: 'usd',
      submittedAt: null,
      answerLabels: null,
      taskId: tasks[0].id,
    });
    expect(lease.preloadedTask).toEqual({
      id: tasks[0].id,
      projectId: project.id,
      projectName: project.name,
      requesterDisplayName: 'Acme Labs',
      instructions: project.instructions,
      // The kind's parsed settings: the label keys for a choice kind (docs/kinds.md).
      labelSchema: { ...project.labelSchema, settings: { labels: ['cat', 'dog'] } },
      schemaVersion: 1,
      payload: { n: 0 },
      tokens: null,
    });
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 1, countedAnswers: 0 });
    expect(await assignment(lease.id)).toMatchObject({ workerId: user.id, isGold: false });
    expect(env.events).toEqual([expect.any(AssignmentLeasedEvent)]);
  });

  it('never leases a task twice to one worker, whatever its assignment became', async () => {
    const { project, tasks } = await setUp({ tasks: 2, overlap: 3 });
    const { ctx } = await env.user([Role.WORKER]);

    const first = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const second = (await env.services.leasing.nextAssignment(ctx, project.id))!; // holds the first one still
    expect(new Set([first.taskId, second.taskId])).toEqual(new Set(tasks.map(t => t.id)));
    await env.services.submission.submitAssignment(ctx, {
      assignmentId: first.id,
      answer: { labels: ['cat'] },
    });
    await env.services.leasing.returnAssignment(ctx, second.id);

    expect(await env.services.leasing.nextAssignment(ctx, project.id)).toBeNull();
  });

  it('records why a worker gave a task back, when they say', async () => {
    const { project } = await setUp({ tasks: 2, overlap: 1 });
    const { ctx } = await env.user([Role.WORKER]);
    const said = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const silent = (await env.services.leasing.nextAssignment(ctx, project.id))!;

    const returned = await env.services.leasing.returnAssignment(
      ctx,
      said.id,
      ReturnReason.BROKEN_CONTENT,
    );
    await env.services.leasing.returnAssignment(ctx, silent.id);

    expect(returned).toMatchObject({ status: 'RETURNED', returnReason: 'BROKEN_CONTENT' });
    expect(await assignment(said.id)).toMatchObject({ returnReason: 'BROKEN_CONTENT' });
    expect(await assignment(silent.id)).toMatchObject({ status: 'RETURNED', returnReason: null });
  });

  it('serves an ordinary task to at most maxOverlap live-or-counted assignments', async () => {
    const { project, tasks } = await setUp({ overlap: 2 });
    const workers = await Promise.all([1, 2, 3].map(() => env.user([Role.WORKER])));

    const a = await env.services.leasing.nextAssignment(workers[0].ctx, project.id);
    const b = await env.services.leasing.nextAssignment(workers[1].ctx, project.id);
    expect([a?.taskId, b?.taskId]).toEqual([tasks[0].id, tasks[0].id]);
    expect(await env.services.leasing.nextAssignment(workers[2].ctx, project.id)).toBeNull();

    await env.services.submission.submitAssignment(workers[0].ctx, {
      assignmentId: a!.id,
      answer: { labels: ['cat'] },
    });
    expect(await env.services.leasing.nextAssignment(workers[2].ctx, project.id)).toBeNull();
    expect(await task(tasks[0].id)).toMatchObject({
      liveAssignments: 2,
      countedAnswers: 1,
      status: TaskStatus.OPEN,
    });
  });

  it('never serves a requester their own project, with or without a project id', async () => {
    const owner = await env.user([Role.REQUESTER, Role.WORKER]);
    const project = await makeProject(db.current.dataSource, owner.user.id);
    await makeTasks(db.current.dataSource, project.id, 3);

    expect(await env.services.leasing.nextAssignment(owner.ctx)).toBeNull();
    expect(await env.services.leasing.nextAssignment(owner.ctx, project.id)).toBeNull();
    const stranger = await env.user([Role.WORKER]);
    expect(
      (await env.services.leasing.nextAssignment(stranger.ctx))?.preloadedTask?.projectId,
    ).toBe(project.id);
  });

  it('serves only ACTIVE projects; unknown, malformed or DRAFT project ids are NOT_FOUND', async () => {
    const { project } = await setUp();
    const { ctx } = await env.user([Role.WORKER]);
    const projects = db.current.dataSource.getRepository('Project');

    await projects.update(project.id, { status: ProjectStatus.PAUSED });
    expect(await env.services.leasing.nextAssignment(ctx, project.id)).toBeNull();
    expect(await env.services.leasing.nextAssignment(ctx)).toBeNull();
    await projects.update(project.id, { status: ProjectStatus.DRAFT });
    expect(await extensionsOf(env.services.leasing.nextAssignment(ctx, project.id))).toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect(await extensionsOf(env.services.leasing.nextAssignment(ctx, id))).toMatchObject({
        code: 'NOT_FOUND',
      });
    }
  });

  it('gives a blocked worker nothing: blocks everywhere or per project, until lifted or ended', async () => {
    const { project } = await setUp({ tasks: 5 });
    const other = await setUpOther();
    const admin = await env.user([Role.ADMIN]);
    const { user, ctx } = await env.user([Role.WORKER]);
    const blocks = env.services.workerStanding;

    const everywhere = await blocks.blockWorker(admin.ctx, { workerId: user.id, reason: 'spam' });
    expect(await env.services.leasing.nextAssignment(ctx, project.id)).toBeNull();
    expect(await env.services.leasing.nextAssignment(ctx)).toBeNull();
    await blocks.unblockWorker(admin.ctx, everywhere.id);

    await blocks.blockWorker(admin.ctx, {
      workerId: user.id,
      projectId: project.id,
      reason: 'low accuracy',
      endsAt: new Date(env.clock.now().getTime() + 3600_000),
    });
    expect(await env.services.leasing.nextAssignment(ctx, project.id)).toBeNull();
    expect((await env.services.leasing.nextAssignment(ctx))?.preloadedTask?.projectId).toBe(
      other.id,
    );

    env.clock.advance(3600_000); // the block ends
    expect(
      (await env.services.leasing.nextAssignment(ctx, project.id))?.preloadedTask?.projectId,
    ).toBe(project.id);

    async function setUpOther() {
      const requester = await env.user([Role.REQUESTER]);
      const p = await makeProject(db.current.dataSource, requester.user.id);
      await makeTasks(db.current.dataSource, p.id, 1);
      return p;
    }
  });

  it('records an answer: server time, client time, counted, auto-approval due, event', async () => {
    const { project, tasks } = await setUp({ overlap: 3 });
    const { ctx } = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    env.clock.advance(12_345);

    const submitted = await env.services.submission.submitAssignment(ctx, {
      assignmentId: lease.id,
      answer: { labels: ['dog'] },
      clientDurationMs: 12_000,
    });

    expect(submitted).toMatchObject({
      status: AssignmentStatus.SUBMITTED,
      answerLabels: ['dog'],
      serverDurationMs: 12_345,
      clientDurationMs: 12_000,
      submittedAt: env.clock.now(),
    });
    expect(submitted.preloadedTask?.payload).toEqual({ n: 0 });
    expect(await assignment(lease.id)).toMatchObject({
      counted: true,
      goldCorrect: null,
      autoApproveAt: new Date(env.clock.now().getTime() + project.autoApprovalDelaySeconds * 1000),
    });
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 1, countedAnswers: 1 });
    const event = env.events.find(e => e instanceof AssignmentSubmittedEvent);
    expect(event).toMatchObject({ labels: ['dog'], isGold: false, taskCompleted: false });
  });

  it('completes a task when its overlap is reached, and then serves it to no one', async () => {
    const { project, tasks } = await setUp({ overlap: 2 });
    for (const label of ['cat', 'dog']) {
      const { ctx } = await env.user([Role.WORKER]);
      const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;
      await env.services.submission.submitAssignment(ctx, {
        assignmentId: lease.id,
        answer: { labels: [label] },
      });
    }
    expect(await task(tasks[0].id)).toMatchObject({
      status: TaskStatus.COMPLETE,
      completedAt: env.clock.now(),
      countedAnswers: 2,
    });
    const late = await env.user([Role.WORKER]);
    expect(await env.services.leasing.nextAssignment(late.ctx, project.id)).toBeNull();
  });

  it('validates answers against the schema and writes nothing when it refuses', async () => {
    const { project } = await setUp();
    const multi = await makeProject(
      db.current.dataSource,
      (await env.user([Role.REQUESTER])).user.id,
      { labelSchema: multiLabel(['red', 'Red'], ['green', 'Green'], ['blue', 'Blue']) },
    );
    await makeTasks(db.current.dataSource, multi.id, 1);
    const { ctx } = await env.user([Role.WORKER]);
    const single = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const several = (await env.services.leasing.nextAssignment(ctx, multi.id))!;

    const refused: Array<[string, string[], number | null]> = [
      [single.id, [], null],
      [single.id, ['cat', 'dog'], null],
      [single.id, ['horse'], null],
      [single.id, ['Cat'], null],
      [several.id, [], null],
      [several.id, ['red', 'red'], null],
      [several.id, ['red', 'purple'], null],
      [single.id, ['cat'], -1],
      [single.id, ['cat'], 8 * 24 * 3600 * 1000],
    ];
    const before = await env.snapshot();
    for (const [assignmentId, labels, clientDurationMs] of refused) {
      const extensions = await extensionsOf(
        env.services.submission.submitAssignment(ctx, {
          assignmentId,
          answer: { labels },
          clientDurationMs,
        }),
      );
      expect(extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: clientDurationMs === null ? 'answer.labels' : 'clientDurationMs',
      });
    }
    expect(await env.snapshot()).toEqual(before);

    const accepted = await env.services.submission.submitAssignment(ctx, {
      assignmentId: several.id,
      answer: { labels: ['blue', 'red'] },
    });
    expect(accepted.answerLabels).toEqual(['red', 'blue']); // schema order
  });

  it("answers NOT_FOUND for another worker's assignment, and writes nothing", async () => {
    const { project } = await setUp();
    const holder = await env.user([Role.WORKER]);
    const other = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(holder.ctx, project.id))!;
    const before = await env.snapshot();

    for (const call of [
      env.services.submission.submitAssignment(other.ctx, {
        assignmentId: lease.id,
        answer: { labels: ['cat'] },
      }),
      env.services.leasing.returnAssignment(other.ctx, lease.id),
      env.services.leasing.myAssignment(other.ctx, lease.id),
      env.services.leasing.myTask(other.ctx, lease.taskId),
    ]) {
      expect(await extensionsOf(call)).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await env.snapshot()).toEqual(before);
  });

  it('refuses a submit after the lease ended (LEASE_EXPIRED); the sweep frees the slot once', async () => {
    const { project, tasks } = await setUp({ overlap: 1 });
    const { ctx } = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    env.clock.set(lease.expiresAt);

    const before = await env.snapshot();
    const answer = { assignmentId: lease.id, answer: { labels: ['cat'] } };
    expect(await extensionsOf(env.services.submission.submitAssignment(ctx, answer))).toMatchObject(
      {
        code: 'LEASE_EXPIRED',
        assignmentId: lease.id,
      },
    );
    expect(await env.snapshot()).toEqual(before);

    await env.drainJobs();
    expect(await assignment(lease.id)).toMatchObject({ status: AssignmentStatus.EXPIRED });
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 0 });
    expect(expiredEventsFor(lease.id)).toHaveLength(1);

    env.clock.advance(3600_000);
    await env.drainJobs(); // runs the sweep again: nothing left to expire
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 0 });
    expect(expiredEventsFor(lease.id)).toHaveLength(1);
    expect(await extensionsOf(env.services.submission.submitAssignment(ctx, answer))).toMatchObject(
      {
        code: 'LEASE_EXPIRED',
      },
    );
    expect(await extensionsOf(env.services.leasing.returnAssignment(ctx, lease.id))).toMatchObject({
      code: 'LEASE_EXPIRED',
    });
    const next = await env.user([Role.WORKER]);
    expect((await env.services.leasing.nextAssignment(next.ctx, project.id))?.taskId).toBe(
      tasks[0].id,
    );
  });

  it('expires stale leases lazily when selecting, without the sweep', async () => {
    const { project, tasks } = await setUp({ overlap: 1 });
    const first = await env.user([Role.WORKER]);
    const second = await env.user([Role.WORKER]);
    const stale = (await env.services.leasing.nextAssignment(first.ctx, project.id))!;
    expect(await env.services.leasing.nextAssignment(second.ctx, project.id)).toBeNull();

    env.clock.advance(600_000);
    const fresh = await env.services.leasing.nextAssignment(second.ctx, project.id);

    expect(fresh?.taskId).toBe(tasks[0].id);
    expect(await assignment(stale.id)).toMatchObject({ status: AssignmentStatus.EXPIRED });
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 1 });
  });

  it('frees the slot on return; a returned lease cannot be submitted or returned again', async () => {
    const { project, tasks } = await setUp({ overlap: 1 });
    const first = await env.user([Role.WORKER]);
    const second = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(first.ctx, project.id))!;

    const returned = await env.services.leasing.returnAssignment(first.ctx, lease.id);
    expect(returned).toMatchObject({ status: AssignmentStatus.RETURNED });
    expect(returned.preloadedTask).toBeUndefined();
    expect(await task(tasks[0].id)).toMatchObject({ liveAssignments: 0 });
    expect(
      env.events.filter(
        e => e instanceof AssignmentReturnedEvent && e.ref.assignmentId === lease.id,
      ),
    ).toHaveLength(1);

    const before = await env.snapshot();
    expect(
      await extensionsOf(
        env.services.submission.submitAssignment(first.ctx, {
          assignmentId: lease.id,
          answer: { labels: ['cat'] },
        }),
      ),
    ).toMatchObject({ code: 'ASSIGNMENT_NOT_LEASED' });
    expect(
      await extensionsOf(env.services.leasing.returnAssignment(first.ctx, lease.id)),
    ).toMatchObject({
      code: 'ASSIGNMENT_NOT_LEASED',
    });
    expect(await extensionsOf(env.services.leasing.myTask(first.ctx, tasks[0].id))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await env.snapshot()).toEqual(before);
    expect((await env.services.leasing.nextAssignment(second.ctx, project.id))?.taskId).toBe(
      tasks[0].id,
    );
    expect(await env.services.leasing.nextAssignment(first.ctx, project.id)).toBeNull();
  });

  it('refuses a second submit with ASSIGNMENT_ALREADY_SUBMITTED and keeps the first answer', async () => {
    const { project } = await setUp();
    const { ctx } = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    await env.services.submission.submitAssignment(ctx, {
      assignmentId: lease.id,
      answer: { labels: ['cat'] },
    });

    expect(
      await extensionsOf(
        env.services.submission.submitAssignment(ctx, {
          assignmentId: lease.id,
          answer: { labels: ['dog'] },
        }),
      ),
    ).toMatchObject({ code: 'ASSIGNMENT_ALREADY_SUBMITTED' });
    expect(await assignment(lease.id)).toMatchObject({ answerLabels: ['cat'] });
    expect(await extensionsOf(env.services.leasing.returnAssignment(ctx, lease.id))).toMatchObject({
      code: 'ASSIGNMENT_NOT_LEASED',
    });
  });

  it('takes exactly one of two concurrent submits of one lease, and one of a submit racing a return', async () => {
    const { project, tasks } = await setUp({ tasks: 2, overlap: 3 });
    const { ctx } = await env.user([Role.WORKER]);
    const first = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const submit = (labels: string[]) =>
      env.services.submission
        .submitAssignment(ctx, { assignmentId: first.id, answer: { labels } })
        .then(
          () => 'ok',
          (error: { extensions?: { code?: string } }) => error.extensions?.code ?? String(error),
        );
    const outcomes = await Promise.all([submit(['cat']), submit(['dog']), submit(['cat'])]);
    expect(outcomes.filter(outcome => outcome === 'ok')).toHaveLength(1);
    expect(outcomes.filter(outcome => outcome !== 'ok')).toEqual([
      'ASSIGNMENT_ALREADY_SUBMITTED',
      'ASSIGNMENT_ALREADY_SUBMITTED',
    ]);
    const counted = await task(first.taskId);
    expect(counted.countedAnswers).toBe(1);

    // A submit and a return of the same lease at once: one wins, the other gets a lease code,
    // and the slot is counted once either way.
    const second = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const raced = await Promise.all([
      env.services.submission
        .submitAssignment(ctx, { assignmentId: second.id, answer: { labels: ['cat'] } })
        .then(
          () => 'submitted',
          (error: { extensions?: { code?: string } }) => error.extensions?.code,
        ),
      env.services.leasing.returnAssignment(ctx, second.id).then(
        () => 'returned',
        (error: { extensions?: { code?: string } }) => error.extensions?.code,
      ),
    ]);
    expect(
      [
        ['submitted', 'ASSIGNMENT_NOT_LEASED'],
        ['ASSIGNMENT_NOT_LEASED', 'returned'],
      ].map(pair => JSON.stringify(pair)),
    ).toContain(JSON.stringify(raced));
    const after = await task(second.taskId);
    // The slot (live or counted) and the count hold the answer once, or nothing once returned.
    const kept = raced[0] === 'submitted' ? 1 : 0;
    expect([after.countedAnswers, after.liveAssignments]).toEqual([kept, kept]);
    expect(tasks.map(t => t.id)).toContain(second.taskId);
  });

  it('serves gold to many workers, scores it, and never completes it', async () => {
    // One ordinary task with free slots: gold is never served alone.
    const { project, gold } = await setUp({ tasks: 1, gold: 1, goldRate: 0.5, overlap: 3 });
    const leasing = leasingWith(() => 0);
    const answers = ['dog', 'cat', 'dog'];
    for (const label of answers) {
      const { ctx } = await env.user([Role.WORKER]);
      const lease = (await leasing.nextAssignment(ctx, project.id))!;
      expect(lease.taskId).toBe(gold[0].id);
      env.clock.advance(1000);
      await env.services.submission.submitAssignment(ctx, {
        assignmentId: lease.id,
        answer: { labels: [label] },
      });
    }
    const rows = await db.current.dataSource
      .getRepository(Assignment)
      .find({ where: { taskId: gold[0].id }, order: { submittedAt: 'ASC' } });
    expect(rows.map(row => [row.isGold, row.goldCorrect])).toEqual([
      [true, true],
      [true, false],
      [true, true],
    ]);
    expect(await task(gold[0].id)).toMatchObject({ status: TaskStatus.OPEN, countedAnswers: 3 });
  });

  it('mixes gold in at the project rate (seeded draws), falling back only from gold to ordinary', async () => {
    const { project } = await setUp({ tasks: 100, overlap: 10, gold: 60, goldRate: 0.2 });
    const seeded = leasingWith(mulberry32(20260301));
    // Workers in parallel, leases only: each call takes exactly one draw, so the gold count does
    // not depend on the interleaving.
    const workers = await Promise.all(Array.from({ length: 10 }, () => env.user([Role.WORKER])));
    await Promise.all(
      workers.map(async ({ ctx }) => {
        for (let i = 0; i < 100; i++)
          expect(await seeded.nextAssignment(ctx, project.id)).not.toBeNull();
      }),
    );
    const [{ served, gold }] = await db.current.dataSource.query(
      `SELECT count(*)::int AS served, count(*) FILTER (WHERE is_gold)::int AS gold
       FROM assignments WHERE project_id = $1`,
      [project.id],
    );
    // 1,000 draws at p = 0.2: the standard deviation of the share is 0.013.
    expect(served).toBe(1000);
    expect(Math.abs(gold / served - 0.2)).toBeLessThan(0.04);

    // A worker who has seen every gold task gets ordinary ones even when gold is drawn...
    const drawsGold = leasingWith(() => 0);
    const { ctx } = await env.user([Role.WORKER]);
    const seen = new Set<boolean>();
    for (let i = 0; i < 61; i++) {
      const lease = (await drawsGold.nextAssignment(ctx, project.id))!;
      seen.add((await assignment(lease.id)).isGold);
      await env.services.submission.submitAssignment(ctx, {
        assignmentId: lease.id,
        answer: { labels: ['cat'] },
      });
    }
    expect(seen).toEqual(new Set([true, false]));
    // ...but once the ordinary tasks are exhausted, nobody is served gold alone.
    await db.current.dataSource.query(
      `UPDATE tasks SET status = 'COMPLETE' WHERE project_id = $1 AND NOT is_gold`,
      [project.id],
    );
    const drawsOrdinary = leasingWith(() => 0.99);
    const fresh = await env.user([Role.WORKER]);
    expect(await drawsOrdinary.nextAssignment(fresh.ctx, project.id)).toBeNull();
    await db.current.dataSource.query(
      `UPDATE tasks SET status = 'OPEN' WHERE project_id = $1 AND NOT is_gold AND counted_answers < 10`,
      [project.id],
    );
  }, 120_000);

  it('shows a worker their own history with the task only while held or answered', async () => {
    const { project } = await setUp({ tasks: 3, overlap: 3 });
    const { ctx } = await env.user([Role.WORKER]);
    const other = await env.user([Role.WORKER]);
    const kept = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const answered = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const returned = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    await env.services.submission.submitAssignment(ctx, {
      assignmentId: answered.id,
      answer: { labels: ['dog'] },
    });
    await env.services.leasing.returnAssignment(ctx, returned.id);
    await env.services.leasing.nextAssignment(other.ctx, project.id);

    const page = await env.services.leasing.myAssignments(ctx, { first: 10 });
    expect(page.totalCount).toBe(3);
    expect(page.nodes.map(node => node.id).sort()).toEqual(
      [kept.id, answered.id, returned.id].sort(),
    );
    const submittedOnly = await env.services.leasing.myAssignments(ctx, {
      first: 10,
      status: AssignmentStatus.SUBMITTED,
    });
    expect(submittedOnly.nodes.map(node => [node.id, node.answerLabels])).toEqual([
      [answered.id, ['dog']],
    ]);
    expect((await env.services.leasing.myTask(ctx, answered.taskId)).payload).toEqual(
      answered.preloadedTask!.payload,
    );
    expect((await env.services.leasing.myTask(ctx, kept.taskId)).id).toBe(kept.taskId);
    expect(await extensionsOf(env.services.leasing.myTask(ctx, returned.taskId))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('runs the submission steps in the transaction: they may complete a task early or veto', async () => {
    const { project, tasks } = await setUp({ tasks: 2 });
    await db.current.dataSource.getRepository('Project').update(project.id, {
      minOverlap: 1,
      maxOverlap: 3,
      confidenceTarget: 0.9,
    });
    const seen: number[] = [];
    const submission = new SubmissionService(
      env.services.db,
      env.services.events,
      env.services.taskSlots,
      [
        {
          name: 'test step',
          run: (_tx, submitted) => {
            seen.push(submitted.task.countedAnswers);
            if (submitted.assignment.answerLabels![0] === 'cat') return { completeTask: true };
            if (submitted.assignment.answerLabels![0] === 'dog')
              throw new Error('posterior failed');
          },
        },
      ],
    );
    const { ctx } = await env.user([Role.WORKER]);
    const lease = (await env.services.leasing.nextAssignment(ctx, project.id))!;
    const before = await env.snapshot();
    await expect(
      submission.submitAssignment(ctx, { assignmentId: lease.id, answer: { labels: ['dog'] } }),
    ).rejects.toThrow('posterior failed');
    expect(await env.snapshot()).toEqual(before);

    await submission.submitAssignment(ctx, { assignmentId: lease.id, answer: { labels: ['cat'] } });
    expect(seen).toEqual([1, 1]);
    expect(await task(lease.taskId)).toMatchObject({
      status: TaskStatus.COMPLETE,
      countedAnswers: 1,
    });
    expect(tasks.map(t => t.id)).toContain(lease.taskId);
  });

  it('leaves every counter equal to a recount after all of the above', async () => {
    expect(await findInvariantViolations(db.current.dataSource.manager)).toEqual([]);
  });
});
