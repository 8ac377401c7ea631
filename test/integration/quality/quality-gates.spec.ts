import { Assignment } from '../../../src/modules/marketplace/assignment.entity';
import { Role } from '../../../src/modules/auth/role';
import { AuditLogEntry } from '../../../src/modules/quality/audit-log.entity';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { WorkerBlock } from '../../../src/modules/workers/worker-block.entity';
import { makeProject, makeTasks } from '../../helpers/factories';
import { type MarketplaceEnv, useMarketplaceEnv } from '../../helpers/marketplace-env';
import { extensionsOf } from '../../helpers/errors';

/** Gold accuracy below 50% after 3 gold answers: block on the project, re-collect everything. */
const FAILS_GOLD_RULE = {
  name: 'fails gold',
  collector: { kind: 'GOLD_ACCURACY', window: { lastN: 10 }, minCount: 3 },
  conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
  action: [
    { kind: 'BLOCK', scope: 'PROJECT' },
    { kind: 'REOPEN_TASKS', scope: 'PROJECT', answers: 'ALL' },
  ],
};

describe('Quality gates on PostgreSQL', () => {
  const { db, env } = useMarketplaceEnv({ poolSize: 8, isolateProjects: true });

  const ds = () => db.current.dataSource;
  const setGoldRate = (projectId: string, rate: number) =>
    ds().query(`UPDATE projects SET gold_rate = $2 WHERE id = $1`, [projectId, rate]);

  async function answer(
    ctx: Parameters<MarketplaceEnv['services']['leasing']['nextAssignment']>[0],
    projectId: string,
    label: string,
  ) {
    const lease = await env.services.leasing.nextAssignment(ctx, projectId);
    if (!lease) return null;
    env.clock.advance(20_000);
    await env.services.submission.submitAssignment(ctx, {
      assignmentId: lease.id,
      answer: { labels: [label] },
    });
    return lease;
  }

  it('blocks a worker who fails gold and re-collects their tasks from another worker', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const admin = await env.user([Role.ADMIN]);
    const project = await makeProject(ds(), requester.user.id, { minOverlap: 1, maxOverlap: 1 });
    const ordinary = await makeTasks(ds(), project.id, 2);
    await makeTasks(ds(), project.id, 3, { gold: true, goldLabels: ['cat'] });
    const rule = await env.services.qualityRules.createRule(
      requester.ctx,
      project.id,
      FAILS_GOLD_RULE,
    );

    const cheat = await env.user([Role.WORKER]);
    const honest = await env.user([Role.WORKER]);

    // The cheater answers both ordinary tasks first: each completes (overlap 1).
    expect(await answer(cheat.ctx, project.id, 'dog')).not.toBeNull();
    expect(await answer(cheat.ctx, project.id, 'dog')).not.toBeNull();
    for (const task of ordinary) {
      const row = await ds().getRepository(Task).findOneByOrFail({ id: task.id });
      expect(row).toMatchObject({ status: TaskStatus.COMPLETE, countedAnswers: 1 });
    }

    // Then gold only, all wrong; two wrong golds are not enough evidence (minCount 3). Gold is
    // never served alone: a spare ordinary task keeps it available (cancelled before the
    // re-collection below).
    const [spare] = await makeTasks(ds(), project.id, 1);
    await setGoldRate(project.id, 1);
    await answer(cheat.ctx, project.id, 'dog');
    await answer(cheat.ctx, project.id, 'dog');
    expect(await ds().getRepository(WorkerBlock).countBy({ workerId: cheat.user.id })).toBe(0);
    await answer(cheat.ctx, project.id, 'dog');

    // Blocked on the project by the rule …
    const blocks = await ds().getRepository(WorkerBlock).findBy({ workerId: cheat.user.id });
    expect(blocks).toEqual([
      expect.objectContaining({
        projectId: project.id,
        ruleId: rule.id,
        endsAt: null,
        liftedAt: null,
      }),
    ]);
    expect(blocks[0].reason).toContain('gold accuracy 0.0% (0 of 3');
    expect(await env.services.leasing.nextAssignment(cheat.ctx, project.id)).toBeNull();

    // … their answers excluded but kept, and the ordinary tasks back in the queue.
    const cheatAnswers = await ds().getRepository(Assignment).findBy({ workerId: cheat.user.id });
    expect(cheatAnswers).toHaveLength(5);
    for (const a of cheatAnswers) {
      expect(a.excludedAt).not.toBeNull();
      expect(a.counted).toBe(false);
      expect(a.answerLabels).toEqual(['dog']);
    }
    for (const task of ordinary) {
      const row = await ds().getRepository(Task).findOneByOrFail({ id: task.id });
      expect(row).toMatchObject({ status: TaskStatus.OPEN, countedAnswers: 0, liveAssignments: 0 });
    }

    // Every action is in the audit log, by the rule, with the evidence figures.
    const log = await ds().getRepository(AuditLogEntry).findBy({ workerId: cheat.user.id });
    expect(log.map(e => e.action).sort()).toEqual(['BLOCK', 'REOPEN_TASKS']);
    for (const entry of log) {
      expect(entry).toMatchObject({ actorKind: 'RULE', ruleId: rule.id, projectId: project.id });
      expect(entry.evidence).toMatchObject({ kind: 'GOLD_ACCURACY', count: 3, successes: 0 });
    }
    expect(log.find(e => e.action === 'REOPEN_TASKS')!.evidence).toMatchObject({
      answersExcluded: 5,
      tasksReopened: 2,
    });

    // The re-opened tasks are served to another worker and complete again with their answers.
    await setGoldRate(project.id, 0);
    await ds().query(`UPDATE tasks SET status = 'CANCELLED' WHERE id = $1`, [spare.id]);
    const served = [
      await answer(honest.ctx, project.id, 'cat'),
      await answer(honest.ctx, project.id, 'cat'),
    ];
    const servedTasks = await ds().getRepository(Assignment).findBy({ workerId: honest.user.id });
    expect(served.every(s => s !== null)).toBe(true);
    expect(servedTasks.map(a => a.taskId).sort()).toEqual(ordinary.map(t => t.id).sort());
    for (const task of ordinary) {
      const row = await ds().getRepository(Task).findOneByOrFail({ id: task.id });
      expect(row).toMatchObject({ status: TaskStatus.COMPLETE, countedAnswers: 1 });
    }

    // An admin includes the cheater's answers again: stored all along, they come back, but the
    // ordinary tasks' slots went to the honest worker, so only the gold answers count again.
    const included = await env.services.exclusions.includeWorkerAnswers(
      admin.ctx,
      cheat.user.id,
      project.id,
      'appeal accepted',
    );
    expect(included).toMatchObject({ answers: 5, answersCounted: 3 });
    const after = await ds().getRepository(Assignment).findBy({ workerId: cheat.user.id });
    expect(after.every(a => a.excludedAt === null)).toBe(true);
    expect(after.filter(a => a.counted).every(a => a.isGold)).toBe(true);
    for (const task of ordinary) {
      const row = await ds().getRepository(Task).findOneByOrFail({ id: task.id });
      expect(row.countedAnswers).toBe(1);
    }
  });

  it('excludes a worker’s answers with one admin mutation, and the tasks go back to the queue', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const admin = await env.user([Role.ADMIN]);
    const project = await makeProject(ds(), requester.user.id, { minOverlap: 1, maxOverlap: 1 });
    const [task] = await makeTasks(ds(), project.id, 1);
    const worker = await env.user([Role.WORKER]);
    await answer(worker.ctx, project.id, 'cat');

    expect(
      await extensionsOf(
        env.services.exclusions.excludeWorkerAnswers(admin.ctx, worker.user.id, project.id, '  '),
      ),
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });

    const result = await env.services.exclusions.excludeWorkerAnswers(
      admin.ctx,
      worker.user.id,
      project.id,
      'cheating',
    );
    expect(result).toMatchObject({ answers: 1, tasksReopened: 1, taskIds: [task.id] });
    expect(await ds().getRepository(Task).findOneByOrFail({ id: task.id })).toMatchObject({
      status: TaskStatus.OPEN,
      countedAnswers: 0,
    });
    const [entry] = await ds().getRepository(AuditLogEntry).findBy({ workerId: worker.user.id });
    expect(entry).toMatchObject({
      action: 'EXCLUDE_ANSWERS',
      actorKind: 'USER',
      userId: admin.user.id,
      reason: 'cheating',
    });
  });

  it('rejects bad rules with the field at fault, and GLOBAL actions from requesters', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(ds(), requester.user.id);
    const rules = env.services.qualityRules;

    const unknownCollector = await extensionsOf(
      rules.createRule(requester.ctx, project.id, {
        ...FAILS_GOLD_RULE,
        collector: { kind: 'TYPING_SPEED', minCount: 3 },
      }),
    );
    expect(unknownCollector).toMatchObject({ code: 'BAD_USER_INPUT', field: '$.collector.kind' });
    expect(unknownCollector.issues).toEqual([
      expect.objectContaining({ path: '$.collector.kind' }),
    ]);

    const impossible = await extensionsOf(
      rules.createRule(requester.ctx, project.id, {
        ...FAILS_GOLD_RULE,
        conditions: [{ metric: 'accuracy', op: '<', value: 1.5 }],
      }),
    );
    expect(impossible).toMatchObject({ field: '$.conditions[0].value' });

    const { action: _dropped, ...withoutAction } = FAILS_GOLD_RULE;
    expect(
      await extensionsOf(rules.createRule(requester.ctx, project.id, withoutAction)),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: '$.action',
    });

    const global = await extensionsOf(
      rules.createRule(requester.ctx, project.id, {
        ...FAILS_GOLD_RULE,
        action: { kind: 'BLOCK', scope: 'GLOBAL' },
      }),
    );
    expect(global).toMatchObject({ code: 'BAD_USER_INPUT', field: '$.action.scope' });
    expect(await rules.listRules(requester.ctx, project.id)).toEqual([]);

    // Someone else's project does not exist for them.
    const stranger = await env.user([Role.REQUESTER]);
    expect(
      await extensionsOf(rules.createRule(stranger.ctx, project.id, FAILS_GOLD_RULE)),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('dry-runs a rule over the history without acting, and disabling a rule stops it', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(ds(), requester.user.id, {
      minOverlap: 1,
      maxOverlap: 1,
      goldRate: 1,
    });
    await makeTasks(ds(), project.id, 4, { gold: true, goldLabels: ['cat'] });
    await makeTasks(ds(), project.id, 1); // gold is never served alone
    const bad = await env.user([Role.WORKER]);
    const good = await env.user([Role.WORKER]);
    for (let i = 0; i < 4; i++) {
      await answer(bad.ctx, project.id, 'dog');
      await answer(good.ctx, project.id, 'cat');
    }

    const report = await env.services.qualityRules.dryRun(
      requester.ctx,
      project.id,
      FAILS_GOLD_RULE,
    );
    expect(report).toMatchObject({ answers: 8, workersTouched: 1, answersPrevented: 1 });
    expect(report.workers).toEqual([
      expect.objectContaining({ workerId: bad.user.id, firings: 1, blockedAtEnd: true }),
    ]);
    expect(report.firings[0]).toMatchObject({ workerId: bad.user.id, answersToExclude: 3 });
    expect(report.firings[0].actions).toEqual(['BLOCK', 'REOPEN_TASKS']);
    // Nothing was done.
    expect(await ds().getRepository(WorkerBlock).countBy({ workerId: bad.user.id })).toBe(0);
    expect(await ds().getRepository(AuditLogEntry).countBy({ workerId: bad.user.id })).toBe(0);

    // A disabled rule is kept but never evaluated.
    const rule = await env.services.qualityRules.createRule(
      requester.ctx,
      project.id,
      FAILS_GOLD_RULE,
    );
    const disabled = await env.services.qualityRules.deleteRule(requester.ctx, rule.id);
    expect(disabled.enabled).toBe(false);
    await makeTasks(ds(), project.id, 1, { gold: true, goldLabels: ['cat'] });
    await answer(bad.ctx, project.id, 'dog');
    expect(await ds().getRepository(WorkerBlock).countBy({ workerId: bad.user.id })).toBe(0);
  });

  it('keeps the audit log append-only: UPDATE and DELETE are refused by the database', async () => {
    const requester = await env.user([Role.REQUESTER]);
    const project = await makeProject(ds(), requester.user.id);
    await env.services.qualityRules.createRule(requester.ctx, project.id, FAILS_GOLD_RULE);
    const before = await ds().query(`SELECT count(*)::int AS n FROM quality_audit_log`);
    expect(before[0].n).toBeGreaterThan(0);
    await expect(ds().query(`UPDATE quality_audit_log SET reason = 'rewritten'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds().query(`DELETE FROM quality_audit_log`)).rejects.toThrow(/append-only/);
    const after = await ds().query(`SELECT count(*)::int AS n FROM quality_audit_log`);
    expect(after[0].n).toBe(before[0].n);
  });
});
