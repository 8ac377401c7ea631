import type { DataSource } from 'typeorm';
import { ManualClock } from '../../../src/common/clock';
import { createLogger } from '../../../src/common/logger';
import type { RequestContext } from '../../../src/common/request-context';
import { buildContainer, type Services } from '../../../src/container';
import { closeDataSource } from '../../../src/db/data-source';
import { Role } from '../../../src/modules/auth/role';
import { DEFAULT_REFIT_EVERY_ANSWERS } from '../../../src/modules/aggregation/online/online-aggregation.service';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { TaskStatus } from '../../../src/modules/marketplace/task.types';
import { contextFor, makeProject, makeTasks, makeUser } from '../../helpers/factories';
import { createCountedDataSource, QueryCounter } from '../../helpers/query-counter';
import { testConfig } from '../../helpers/test-config';
import { useTestDatabase } from '../../helpers/test-db';
import { insertFillerAnswers } from '../../helpers/answer-fixtures';

/**
 * A submit in at most three statements between BEGIN and COMMIT (issue 16), with the online
 * posterior, dynamic overlap, a quality rule and the webhook outbox in it: the lock and count,
 * every step's reads, every write. The rules each process caches are checked against their
 * version in that read statement, so a rule changed by another process acts on the next submit.
 */
describe('submit round trips', () => {
  const database = useTestDatabase({ poolSize: 2 });
  const counter = new QueryCounter();
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  /** This process (statements counted) and a second one (its own caches), on one database. */
  let [ds, other] = [] as DataSource[];
  let [services, otherServices] = [] as Services[];
  let draw = 0.99;

  beforeAll(async () => {
    const url = database.current.url;
    [ds, other] = [
      await createCountedDataSource(url, counter),
      await createCountedDataSource(url, new QueryCounter()),
    ];
    [services, otherServices] = [ds, other].map(
      source =>
        buildContainer(testConfig(), source, createLogger('silent'), clock, () => draw).services,
    );
  });

  afterAll(async () => {
    await closeDataSource(ds);
    await closeDataSource(other);
  });

  async function setUp() {
    const owner = await makeUser(ds, [Role.REQUESTER]);
    const project = await makeProject(ds, owner.id, {
      minOverlap: 2,
      maxOverlap: 3,
      confidenceTarget: 0.99,
      goldRate: 0.5,
    });
    // One ordinary task, so that the serving order (fewest answers first) sends every worker to
    // it and the third answer completes it.
    await makeTasks(ds, project.id, 1);
    await makeTasks(ds, project.id, 4, { gold: true, goldLabels: ['cat'] });
    const ownerCtx = contextFor(ds, owner, clock);
    const rule = await services.qualityRules.createRule(ownerCtx, project.id, {
      name: 'gold below half',
      collector: { kind: 'GOLD_ACCURACY', window: { lastN: 10 }, minCount: 5 },
      conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
      action: [{ kind: 'FLAG' }],
    });
    return { project, ownerCtx, rule };
  }

  async function worker(): Promise<RequestContext> {
    return contextFor(ds, await makeUser(ds, [Role.WORKER]), clock);
  }

  /** Leases on `project` with the gold draw `gold` and answers `label`; the statements sent. */
  async function leaseAndAnswer(
    ctx: RequestContext,
    projectId: string,
    gold: boolean,
    label: string,
  ) {
    draw = gold ? 0 : 0.99;
    const next = await services.leasing.nextAssignment(ctx, projectId);
    expect(next).not.toBeNull();
    const statements = await counter.during(() =>
      services.submission.submitAssignment(ctx, {
        assignmentId: next!.id,
        answer: { labels: [label] },
      }),
    );
    return { statements };
  }

  function flags(projectId: string): Promise<Array<{ n: number }>> {
    return ds.query(
      `SELECT count(*)::int AS n FROM quality_audit_log WHERE project_id = $1 AND action = 'FLAG'`,
      [projectId],
    );
  }

  it('sends BEGIN, three statements and COMMIT per submit, completion included', async () => {
    const { project } = await setUp();
    const first = await worker();
    // The first submit of the project in this process loads its rules (a cache miss).
    await leaseAndAnswer(first, project.id, false, 'cat');
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = await worker();
      const submit = await leaseAndAnswer(ctx, project.id, false, 'cat');
      expect(submit.statements[0]).toMatch(/^(START TRANSACTION|BEGIN)/);
      expect(submit.statements.at(-1)).toBe('COMMIT');
      counts.push(submit.statements.length);
    }
    expect(counts).toEqual([5, 5]);
    // The posterior and the dynamic-overlap completion were stored by those statements.
    const tasks = await ds.getRepository(Task).findBy({ projectId: project.id, isGold: false });
    expect(tasks.some(task => task.status === TaskStatus.COMPLETE)).toBe(true);
    expect(tasks.filter(task => task.countedAnswers > 0).every(t => t.posterior !== null)).toBe(
      true,
    );
  });

  it('keeps three statements while a refit is due: it queues the refit with its writes, then reads it pending', async () => {
    const owner = await makeUser(ds, [Role.REQUESTER]);
    const project = await makeProject(ds, owner.id);
    // Two answers short of the refit threshold (no fit yet), from one filler worker on tasks of
    // their own, inserted directly: only their count matters.
    const answered = await makeTasks(ds, project.id, DEFAULT_REFIT_EVERY_ANSWERS - 2);
    const filler = await makeUser(ds, [Role.WORKER]);
    await insertFillerAnswers(
      ds,
      project.id,
      filler.id,
      answered.map(t => t.id),
      clock.now(),
    );
    await makeTasks(ds, project.id, 3);
    const refits = () =>
      ds.query(`SELECT status FROM jobs WHERE unique_key = $1`, [`online-refit:${project.id}`]);

    // The first submit of the project in this process loads its rules (a cache miss); with it
    // the project has one answer short of the threshold.
    await leaseAndAnswer(await worker(), project.id, false, 'cat');
    expect(await refits()).toEqual([]);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { statements } = await leaseAndAnswer(await worker(), project.id, false, 'cat');
      counts.push(statements.length);
      // The first due submit queued it (held with its writes); the later ones read it pending.
      expect(await refits()).toEqual([{ status: 'PENDING' }]);
    }
    expect(counts).toEqual([5, 5, 5]);
  });

  it('applies a rule changed by another process on the very next submit', async () => {
    const { project, rule } = await setUp();
    const ctx = await worker();
    // Wrong gold answers, cached rule: minCount 5 is not reached, nothing fires.
    await leaseAndAnswer(ctx, project.id, true, 'dog');
    await leaseAndAnswer(ctx, project.id, true, 'dog');
    expect(await flags(project.id)).toEqual([{ n: 0 }]);

    // The other process lowers minCount to 1; this process's cache is stale.
    const admin = contextFor(other, await makeUser(other, [Role.ADMIN]), clock);
    await otherServices.qualityRules.updateRule(
      admin,
      rule.id,
      {
        name: 'gold below half',
        collector: { kind: 'GOLD_ACCURACY', window: { lastN: 10 }, minCount: 1 },
        conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
        action: [{ kind: 'FLAG' }],
      },
      null,
    );
    await leaseAndAnswer(ctx, project.id, true, 'dog');
    expect(await flags(project.id)).toEqual([{ n: 1 }]);

    // Disabled by the other process: this one stops evaluating it at once.
    await otherServices.qualityRules.updateRule(admin, rule.id, null, false);
    const again = await worker();
    await leaseAndAnswer(again, project.id, true, 'dog');
    expect(await flags(project.id)).toEqual([{ n: 1 }]);
  });
});
