import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Services } from '../../../src/container';
import {
  type OverlapPolicy,
  overlapDecision,
  evaluateTask,
  posteriorMargin,
  shrinkReliabilities,
} from '../../../src/modules/aggregation/online/algorithms/dynamic-overlap';
import { Role } from '../../../src/modules/auth/role';
import type { User } from '../../../src/modules/auth/user.entity';
import { findInvariantViolations } from '../../../src/modules/marketplace/assignment-invariants';
import type { Project } from '../../../src/modules/projects/project.entity';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import { useCountedServices } from '../../helpers/counted-services';
import {
  contextFor,
  makeProject,
  makeTasks,
  makeUser,
  makeWorkers,
  systemContext,
} from '../../helpers/factories';
import { registerAndPrelabel, thresholdModel } from '../../helpers/prelabel-fixtures';

/** Items of the RTE fixture the concurrency test labels (first appearance order). */
const ITEMS = 120;
/** Dynamic overlap the concurrency test runs: three workers can give at most three answers. */
const POLICY: OverlapPolicy = { minOverlap: 2, maxOverlap: 3, confidenceTarget: 0.85 };

/** The RTE fixture's answers per item, in file order (real crowd answers, binary). */
function rteAnswers(items: number): Array<{ item: string; labels: string[] }> {
  const csv = readFileSync(join(__dirname, '../../fixtures/datasets/rte/labels.csv'), 'utf8');
  const byItem = new Map<string, string[]>();
  for (const line of csv.trim().split('\n').slice(1)) {
    const [, item, label] = line.split(',');
    if (!byItem.has(item)) {
      if (byItem.size === items) continue;
      byItem.set(item, []);
    }
    byItem.get(item)!.push(label.trim());
  }
  return [...byItem].map(([item, labels]) => ({ item, labels }));
}

/**
 * Answers the policy (dynamic-overlap.ts, the product's own functions) buys when a task gets its
 * answers one at a time in the given order: the first count at which it stops. Reliabilities as
 * the product has them before any fit and without gold: every worker on the same prior.
 */
function sequentialAnswers(labels: readonly number[], policy: OverlapPolicy): number {
  const reliabilities = shrinkReliabilities([], [0, 0]);
  for (let n = 1; n <= labels.length; n++) {
    const verdict = evaluateTask(
      reliabilities,
      policy,
      labels.slice(0, n).map(() => 0),
      labels.slice(0, n),
    );
    if (overlapDecision(policy, n, verdict.confidence) !== 'CONTINUE') return n;
  }
  return labels.length;
}

/**
 * The lease policy (issue 15, docs/leasing.md) and the one-statement lease (issue 16), on
 * PostgreSQL: dynamic overlap buys answers past the minimum one at a time however many workers
 * answer at once, the least decided task is served first, and a lease is one SQL statement.
 */
describe('lease policy and serving order (PostgreSQL)', () => {
  const suite = useCountedServices({ poolSize: 8, draw: 0.99 });
  const { counter, clock } = suite;
  let ds: DataSource, services: Services;
  beforeAll(() => void ({ ds, services } = suite));

  /**
   * Three workers lease and answer at once until every task is complete; the k-th lease of a
   * task is answered with the fixture's k-th answer for its item. Returns answers per task.
   */
  async function runConcurrently(
    project: Project,
    workers: readonly User[],
    answersOf: ReadonlyMap<string, readonly string[]>,
  ): Promise<Map<string, number>> {
    const leasesOf = new Map<string, number>();
    const open = async () =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM tasks WHERE project_id = $1 AND status = 'OPEN'`,
          [project.id],
        )
      )[0].n as number;
    const work = async (worker: User) => {
      const ctx = contextFor(ds, worker, clock);
      for (;;) {
        const lease = await services.leasing.nextAssignment(ctx, project.id);
        if (!lease) {
          // Held back by the policy (answers in flight elsewhere) or done.
          if ((await open()) === 0) return;
          continue;
        }
        const k = leasesOf.get(lease.taskId) ?? 0;
        leasesOf.set(lease.taskId, k + 1);
        const label = answersOf.get(lease.taskId)![k];
        await services.submission.submitAssignment(ctx, {
          assignmentId: lease.id,
          answer: { labels: [label] },
          clientDurationMs: 1000,
        });
      }
    };
    await Promise.all(workers.map(work));
    expect(await findInvariantViolations(ds.manager)).toEqual([]);
    const rows: Array<{ id: string; n: number }> = await ds.query(
      `SELECT task_id AS id, count(*)::int AS n FROM assignments
       WHERE project_id = $1 AND counted GROUP BY task_id`,
      [project.id],
    );
    return new Map(rows.map(row => [row.id, row.n]));
  }

  async function rteProject(
    requester: User,
  ): Promise<{ project: Project; answersOf: Map<string, string[]>; sequential: number }> {
    const items = rteAnswers(ITEMS);
    const project = await makeProject(ds, requester.id, {
      labelSchema: {
        kind: LabelSchemaKind.SINGLE_CHOICE,
        labels: [
          { key: '0', displayName: 'No' },
          { key: '1', displayName: 'Yes' },
        ],
      },
      ...POLICY,
    });
    const tasks = await makeTasks(ds, project.id, items.length, {
      payload: n => ({ item: items[n].item }),
    });
    const answersOf = new Map(tasks.map((task, n) => [task.id, items[n].labels]));
    let sequential = 0;
    for (const { labels } of items) sequential += sequentialAnswers(labels.map(Number), POLICY);
    return { project, answersOf, sequential };
  }

  it(
    'three workers answering at once on dynamic overlap 2..3 @ 0.85 use the answers the ' +
      'sequential policy uses on the same answers (within 5%)',
    async () => {
      const requester = await makeUser(ds, [Role.REQUESTER]);
      const workers = await makeWorkers(ds, 3);

      const { project, answersOf, sequential } = await rteProject(requester);
      const perTask = await runConcurrently(project, workers, answersOf);
      const concurrent = [...perTask.values()].reduce((sum, n) => sum + n, 0);
      expect(perTask.size).toBe(ITEMS);
      // The fixture's disagreements make the policy stop at 2 on some tasks and go to 3 on others.
      expect(sequential).toBeGreaterThan(2 * ITEMS);
      expect(sequential).toBeLessThan(3 * ITEMS);
      expect(Math.abs(concurrent - sequential) / sequential).toBeLessThanOrEqual(0.05);
    },
    180_000,
  );

  it('serves tasks short of their minimum first, then the least decided before the confident', async () => {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const [w1, w2, w3] = await makeWorkers(ds, 3);
    // 0.95: two agreeing newcomers (0.9) stay open for a third answer, like a split task.
    const project = await makeProject(ds, requester.id, {
      minOverlap: 2,
      maxOverlap: 5,
      confidenceTarget: 0.95,
    });
    const tasks = await makeTasks(ds, project.id, 4);
    // w1 answers cat everywhere, w2 cat on even n, dog on odd n: n = 1 and 3 are split (margin
    // 0), n = 0 and 2 agree (margin 0.8). Insertion order puts a confident task first.
    for (const [worker, labelOf] of [
      [w1, () => 'cat'],
      [w2, (n: number) => (n % 2 === 0 ? 'cat' : 'dog')],
    ] as const) {
      const ctx = contextFor(ds, worker, clock);
      for (let i = 0; i < tasks.length; i++) {
        const lease = await services.leasing.nextAssignment(ctx, project.id);
        const n = (lease!.preloadedTask!.payload as { n: number }).n;
        await services.submission.submitAssignment(ctx, {
          assignmentId: lease!.id,
          answer: { labels: [labelOf(n)] },
          clientDurationMs: 1000,
        });
      }
    }
    const priorities: Array<{ n: number; counted: number; priority: number; status: string }> =
      await ds.query(
        `SELECT (payload->>'n')::int AS n, counted_answers AS counted,
                serve_priority AS priority, status
         FROM tasks WHERE project_id = $1 ORDER BY n`,
        [project.id],
      );
    expect(priorities.map(t => [t.n, t.counted, t.status])).toEqual([
      [0, 2, 'OPEN'],
      [1, 2, 'OPEN'],
      [2, 2, 'OPEN'],
      [3, 2, 'OPEN'],
    ]);
    expect(priorities[1].priority).toBeCloseTo(0, 9);
    expect(priorities[0].priority).toBeCloseTo(0.8, 9);

    // A task imported now, with no answer yet, still needs its minimum: it comes first.
    const [fresh] = await makeTasks(ds, project.id, 1, { payload: () => ({ n: 9 }) });
    const ctx = contextFor(ds, w3, clock);
    const served: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lease = await services.leasing.nextAssignment(ctx, project.id);
      served.push((lease!.preloadedTask!.payload as { n: number }).n);
    }
    expect(fresh.id).toBeDefined();
    expect(served[0]).toBe(9);
    expect(served.slice(1, 3).sort()).toEqual([1, 3]);
    expect(served.slice(3).sort()).toEqual([0, 2]);
  });

  /**
   * A cat/dog project (fixed overlap 3) of ordinary tasks at `xs` (payload features [x, 0]) and
   * two gold tasks whose priority is set to a sentinel, so "untouched" is visible.
   */
  async function modelProject(xs: readonly number[]) {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const project = await makeProject(ds, requester.id);
    const tasks = await makeTasks(ds, project.id, xs.length, {
      payload: n => ({ features: [xs[n], 0] }),
    });
    const gold = await makeTasks(ds, project.id, 2, {
      gold: true,
      payload: n => ({ features: [n === 0 ? -0.02 : 0.03, 0] }),
    });
    await ds.query('UPDATE tasks SET serve_priority = 0.37 WHERE id = ANY($1::uuid[])', [
      gold.map(task => task.id),
    ]);
    return { requester, owner: contextFor(ds, requester, clock), project, tasks, gold };
  }

  /** x → stored priority (and counted answers) of the project's tasks; gold under 'gold'. */
  async function priorities(projectId: string) {
    const rows: Array<{ x: number; gold: boolean; priority: number; counted: number }> =
      await ds.query(
        `SELECT (payload->'features'->>0)::float8 AS x, is_gold AS gold,
                serve_priority AS priority, counted_answers AS counted
         FROM tasks WHERE project_id = $1 ORDER BY x`,
        [projectId],
      );
    return rows;
  }

  /** The margin (top − second) of version `versionId`'s stored vector on each task, by task id. */
  async function modelMargins(versionId: string): Promise<Map<string, number>> {
    const rows: Array<{ task_id: string; probabilities: number[] }> = await ds.query(
      'SELECT task_id, probabilities FROM prelabel_predictions WHERE model_version_id = $1',
      [versionId],
    );
    return new Map(rows.map(row => [row.task_id, posteriorMargin(row.probabilities.map(Number))]));
  }

  /** x of the tasks one fresh worker leases, `count` leases in a row, without answering. */
  async function servedXs(projectId: string, count: number): Promise<number[]> {
    const [worker] = await makeWorkers(ds, 1);
    const ctx = contextFor(ds, worker, clock);
    const xs: number[] = [];
    for (let i = 0; i < count; i++) {
      const lease = await services.leasing.nextAssignment(ctx, projectId);
      xs.push((lease!.preloadedTask!.payload as { features: number[] }).features[0]);
    }
    return xs;
  }

  const drainJobs = () => services.jobs.drain(systemContext(clock));

  it('serves the unanswered tasks the voting model is least sure of first; gold and answered tasks keep their priority', async () => {
    // P(cat) = σ(8·x): unsure near 0, sure far from it. Insertion order puts the sure ones first.
    const xs = [0.95, -0.9, 0.6, -0.5, 0.1, -0.05, 0.002];
    const { owner, project, tasks, gold } = await modelProject(xs);
    // The task the model will be least sure of gets an answer first: its priority is then its
    // posterior's margin, and it is served after every unanswered task (fewest answers first).
    const answered = tasks[6];
    const [w0] = await makeWorkers(ds, 1);
    const w0ctx = contextFor(ds, w0, clock);
    let lease = await services.leasing.nextAssignment(w0ctx, project.id);
    while (lease!.taskId !== answered.id) {
      await services.leasing.returnAssignment(w0ctx, lease!.id);
      lease = await services.leasing.nextAssignment(w0ctx, project.id);
    }
    await services.submission.submitAssignment(w0ctx, {
      assignmentId: lease!.id,
      answer: { labels: ['cat'] },
      clientDurationMs: 1000,
    });
    const before = await priorities(project.id);
    const answeredBefore = before.find(row => row.x === 0.002)!;
    expect(answeredBefore.counted).toBe(1);
    expect(answeredBefore.priority).toBeGreaterThan(0.1);
    // Before any model, every unanswered task ties at 0.
    expect(before.filter(row => !row.gold && row.counted === 0).map(row => row.priority)).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);

    const v1 = await registerAndPrelabel(services.prelabels, owner, drainJobs, {
      projectId: project.id,
      version: 'v1',
      modelBytes: thresholdModel(0, 'v1'),
    });

    const margins = await modelMargins(v1.id);
    const after = await priorities(project.id);
    const byX = new Map(after.map(row => [row.x, row]));
    // Unanswered ordinary tasks: the voting version's margin, exactly as posteriorMargin computes it.
    for (const task of tasks.slice(0, 6)) {
      const x = (task.payload as { features: number[] }).features[0];
      expect(byX.get(x)!.priority).toBe(margins.get(task.id));
    }
    expect(byX.get(-0.05)!.priority).toBeLessThan(0.25);
    expect(byX.get(0.95)!.priority).toBeGreaterThan(0.99);
    // Gold keeps its own priority; the answered task keeps its posterior's margin.
    expect(after.filter(row => row.gold).map(row => row.priority)).toEqual([0.37, 0.37]);
    expect(byX.get(0.002)!.priority).toBe(answeredBefore.priority);
    expect(gold).toHaveLength(2);

    // The first leases go to the tasks the model is least sure of, the answered task last.
    expect(await servedXs(project.id, 7)).toEqual([-0.05, 0.1, -0.5, 0.6, -0.9, 0.95, 0.002]);
  });

  it('follows the voting version when another is promoted, and falls back to the model margin when a task loses its answers', async () => {
    const xs = [0.9, 0.45, 0.3, -0.05, -0.6];
    const { owner, project, tasks } = await modelProject(xs);
    const v1 = await registerAndPrelabel(services.prelabels, owner, drainJobs, {
      projectId: project.id,
      version: 'v1',
      modelBytes: thresholdModel(0, 'v1'),
    });
    const v1Margins = await modelMargins(v1.id);
    const priorityOf = async (taskId: string) =>
      Number(
        (await ds.query('SELECT serve_priority FROM tasks WHERE id = $1', [taskId]))[0]
          .serve_priority,
      );

    // An answer, then its rejection: the task is unanswered again and ordered by the model.
    const [worker] = await makeWorkers(ds, 1);
    const ctx = contextFor(ds, worker, clock);
    const lease = await services.leasing.nextAssignment(ctx, project.id);
    expect(lease!.taskId).toBe(tasks[3].id); // x = −0.05, the least sure
    await services.submission.submitAssignment(ctx, {
      assignmentId: lease!.id,
      answer: { labels: ['dog'] },
      clientDurationMs: 1000,
    });
    expect(await priorityOf(tasks[3].id)).not.toBe(v1Margins.get(tasks[3].id));
    await services.review.rejectAssignment(owner, lease!.id, 'not an animal');
    expect(await priorityOf(tasks[3].id)).toBe(v1Margins.get(tasks[3].id));

    // The refit's clearing path: a task whose answers left the count without the count-change
    // hooks (as the aggregation spec does it) loses its consensus and gets the model margin back.
    const second = await services.leasing.nextAssignment(ctx, project.id);
    expect(second!.taskId).toBe(tasks[2].id); // x = 0.3, the next least sure (w already had x = −0.05)
    await services.submission.submitAssignment(ctx, {
      assignmentId: second!.id,
      answer: { labels: ['cat'] },
      clientDurationMs: 1000,
    });
    await ds.query(`UPDATE assignments SET counted = false, status = 'REJECTED' WHERE id = $1`, [
      second!.id,
    ]);
    await ds.query(`UPDATE tasks SET counted_answers = 0, live_assignments = 0 WHERE id = $1`, [
      tasks[2].id,
    ]);
    await services.onlineAggregation.refit(systemContext(clock), project.id);
    const [cleared] = await ds.query('SELECT posterior, serve_priority FROM tasks WHERE id = $1', [
      tasks[2].id,
    ]);
    expect(cleared.posterior).toBeNull();
    expect(Number(cleared.serve_priority)).toBe(v1Margins.get(tasks[2].id));

    // v2 is registered and votes at once, without predictions yet: every unanswered task ties
    // at 0 again (the model knows nothing of them); its run then orders them by its margins.
    const v2 = await services.prelabels.registerModel(owner, {
      projectId: project.id,
      version: 'v2',
      modelBytes: thresholdModel(0.5, 'v2'),
      featurizer: { kind: 'numeric-vector', field: 'features', dimension: 2 },
      labelKeys: ['dog', 'cat'],
    });
    const reset = await priorities(project.id);
    expect(reset.filter(row => !row.gold).map(row => row.priority)).toEqual([0, 0, 0, 0, 0]);
    expect(reset.filter(row => row.gold).map(row => row.priority)).toEqual([0.37, 0.37]);
    await services.prelabels.startPrelabeling(owner, {
      projectId: project.id,
      modelVersionId: v2.id,
    });
    await drainJobs();
    const v2Margins = await modelMargins(v2.id);
    for (const task of tasks) expect(await priorityOf(task.id)).toBe(v2Margins.get(task.id));
    // x = 0.45 is now the least sure (v2's boundary is 0.5); −0.6 the surest.
    expect(await servedXs(project.id, 5)).toEqual([0.45, 0.3, 0.9, -0.05, -0.6]);
  });

  it('breaks serving-order ties by task id, whatever the rows’ physical order, in an index scan without a sort', async () => {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const [worker] = await makeWorkers(ds, 1);
    const project = await makeProject(ds, requester.id, { minOverlap: 1, maxOverlap: 1 });
    const tasks = await makeTasks(ds, project.id, 6);
    // Equal counted answers and priority everywhere; the lowest ids are rewritten last, so their
    // row versions sit at the heap's end (what updates and vacuum do between replay runs).
    const byId = tasks.map(t => t.id).sort();
    for (const id of [...byId].reverse()) {
      await ds.query(`UPDATE tasks SET serve_priority = 0.5, updated_at = now() WHERE id = $1`, [
        id,
      ]);
    }
    const ctx = contextFor(ds, worker, clock);
    const served: string[] = [];
    let statement = '';
    let parameters: unknown[] | undefined;
    for (let i = 0; i < tasks.length; i++) {
      const sent = await counter.during(async () => {
        served.push((await services.leasing.nextAssignment(ctx, project.id))!.taskId);
      });
      [statement, parameters] = [sent[0], counter.parameters[0]];
    }
    expect(served).toEqual(byId);

    // The plan of that statement, sorts priced out: the ordinary pool reads the serving index in
    // its order (project, status, gold, answers, priority, id) and sorts none of its keys (the
    // gold pool's per-worker md5 order and the eligible projects are sorted elsewhere in it).
    const plan = await ds.transaction(async manager => {
      await manager.query('SET LOCAL enable_sort = off');
      const rows: Array<{ 'QUERY PLAN': string }> = await manager.query(
        `EXPLAIN ${statement}`,
        parameters,
      );
      return rows.map(row => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using tasks_project_serve_idx on tasks t(_\d+)? /);
    const sortKeys = plan.split('\n').filter(line => /Sort Key|Presorted Key/.test(line));
    expect(sortKeys.filter(line => /counted_answers|serve_priority/.test(line))).toEqual([]);
    expect(sortKeys.filter(line => /\.id\b/.test(line) && !/md5/.test(line))).toEqual([]);
  });

  it('holds a task past its minimum while one of its leases awaits an answer', async () => {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const workers = await makeWorkers(ds, 4);
    const project = await makeProject(ds, requester.id, {
      minOverlap: 2,
      maxOverlap: 5,
      confidenceTarget: 0.95,
    });
    await makeTasks(ds, project.id, 1);
    const lease = (worker: User) =>
      services.leasing.nextAssignment(contextFor(ds, worker, clock), project.id);
    // Two leases up to the minimum, none past it until both are answered.
    const first = await lease(workers[0]);
    const second = await lease(workers[1]);
    expect([first, second].every(Boolean)).toBe(true);
    expect(await lease(workers[2])).toBeNull();
    for (const [worker, assignment] of [
      [workers[0], first!],
      [workers[1], second!],
    ] as const) {
      await services.submission.submitAssignment(contextFor(ds, worker, clock), {
        assignmentId: assignment.id,
        answer: { labels: ['cat'] },
        clientDurationMs: 1000,
      });
    }
    // Past the minimum and below the target: one lease at a time.
    expect(await lease(workers[2])).not.toBeNull();
    expect(await lease(workers[3])).toBeNull();
  });

  it('leases in one SQL statement, gold and ordinary alike, without BEGIN/COMMIT', async () => {
    const requester = await makeUser(ds, [Role.REQUESTER]);
    const [worker] = await makeWorkers(ds, 1);
    const project = await makeProject(ds, requester.id, { goldRate: 0.5 });
    await makeTasks(ds, project.id, 3);
    await makeTasks(ds, project.id, 3, { gold: true });
    const ctx = contextFor(ds, worker, clock);

    const isGold = async (assignmentId: string) =>
      (await ds.query('SELECT is_gold FROM assignments WHERE id = $1', [assignmentId]))[0]
        .is_gold as boolean;
    suite.draw = 0;
    let goldId = '';
    const goldStatements = await counter.during(async () => {
      goldId = (await services.leasing.nextAssignment(ctx, project.id))!.id;
    });
    suite.draw = 0.99;
    let ordinaryId = '';
    const ordinaryStatements = await counter.during(async () => {
      ordinaryId = (await services.leasing.nextAssignment(ctx, null))!.id;
    });
    const [gold, ordinary] = [await isGold(goldId), await isGold(ordinaryId)];

    expect([gold, ordinary]).toEqual([true, false]);
    expect(goldStatements).toHaveLength(1);
    expect(ordinaryStatements).toHaveLength(1);
    expect(goldStatements).toEqual(ordinaryStatements);
    expect(goldStatements[0]).toMatch(/FOR UPDATE OF t SKIP LOCKED/);
  });
});
