import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createLogger } from '../../../src/common/logger';
import {
  type Aggregator,
  aggregators,
  type AggregatorName,
} from '../../../src/modules/aggregation/algorithms';
import { majorityVote } from '../../../src/modules/aggregation/algorithms/majority-vote';
import { AggregationRun } from '../../../src/modules/aggregation/aggregation-run.entity';
import { LabelsAggregatedEvent } from '../../../src/modules/aggregation/aggregation.events';
import {
  AggregationService,
  type AggregationServiceOptions,
} from '../../../src/modules/aggregation/aggregation.service';
import {
  AggregationRunStatus,
  ResultsExportFormat,
} from '../../../src/modules/aggregation/aggregation.types';
import { computeAggregation } from '../../../src/modules/aggregation/compute-aggregation';
import { encodeResponses } from '../../../src/modules/aggregation/encode-responses';
import { Role } from '../../../src/modules/auth/role';
import { LabelSchemaKind } from '../../../src/modules/projects/project.types';
import { Task } from '../../../src/modules/marketplace/task.entity';
import { insertSubmittedAnswers } from '../../helpers/answer-fixtures';
import { makeProject, makeWorkers, systemContext } from '../../helpers/factories';
import { loadDataset } from '../../helpers/load-dataset';
import { createMarketplaceEnv, type MarketplaceEnv } from '../../helpers/marketplace-env';
import { useTestDatabase } from '../../helpers/test-db';
import { seedDataset, type SeededDataset } from './seed-dataset';

type Answer = SeededDataset['answers'][number];

/**
 * What the pure registry method gives on `answers` (file order, as the service reads them), with
 * the seeded gold tasks as gold: the reference the stored rows must equal exactly.
 */
function reference(seed: SeededDataset, method: AggregatorName, answers: Answer[] = seed.answers) {
  const gold = new Map([...seed.goldTaskIds].map(id => [id, seed.truth.get(id)!]));
  const encoded = encodeResponses(
    answers.map(answer => ({ worker: answer.workerId, task: answer.taskId, label: answer.label })),
    { labelSet: seed.keys },
    gold,
  );
  const output = (aggregators[method] as Aggregator)(encoded.matrix, {
    gold: encoded.goldCount > 0 ? encoded.gold : undefined,
  });
  return { encoded, output };
}

async function storedTasks(dataSource: DataSource, projectId: string): Promise<Map<string, Task>> {
  const tasks = await dataSource.getRepository(Task).findBy({ projectId });
  return new Map(tasks.map(task => [task.id, task]));
}

/** Every column of the project's task and worker-quality rows, to compare runs. */
async function resultRows(dataSource: DataSource, projectId: string) {
  return {
    tasks: await dataSource.query(
      `SELECT id, consensus_labels, consensus_confidence, posterior, updated_at
       FROM tasks WHERE project_id = $1 ORDER BY id`,
      [projectId],
    ),
    qualities: await dataSource.query(
      'SELECT * FROM worker_qualities WHERE project_id = $1 ORDER BY worker_id',
      [projectId],
    ),
  };
}

function accuracy(labels: Map<string, string | null>, truth: Map<string, string>): number {
  let correct = 0;
  for (const [taskId, label] of labels) if (label === truth.get(taskId)) correct++;
  return correct / labels.size;
}

const DOG = join(__dirname, '../../fixtures/datasets/s4_dog');

// Runs on the 8,070-answer dataset take a second or two, several times that on a busy machine:
// the limit only catches hangs (speed is measured by benchmarks, never asserted here).
jest.setTimeout(60_000);

describe(AggregationService.name, () => {
  const db = useTestDatabase({ poolSize: 8 });
  let env: MarketplaceEnv;
  let owner: Awaited<ReturnType<MarketplaceEnv['user']>>;
  /** s4_dog with gold tasks: every 10th item, plus items majority vote gets wrong. */
  let dog: SeededDataset;
  const aggregated: LabelsAggregatedEvent[] = [];
  /** A second aggregation service over the env's container, with `options` (runner, limits). */
  const aggregationWith = (options: AggregationServiceOptions) =>
    new AggregationService(
      env.services.db,
      env.services.events,
      env.services.projects,
      env.services.jobs,
      createLogger('silent'),
      options,
    );

  beforeAll(async () => {
    env = await createMarketplaceEnv(db.current.dataSource);
    env.services.events.subscribe(LabelsAggregatedEvent, (_ctx, event) => {
      aggregated.push(event);
    });
    owner = await env.user([Role.REQUESTER]);
    // Items majority vote gets wrong: as gold, clamping visibly changes their labels.
    const file = loadDataset(DOG);
    const votes = majorityVote(file.matrix);
    const missedByVote = new Set(
      file.taskIds.filter((_, t) => file.gold[t] >= 0 && votes.labels[t] !== file.gold[t]),
    );
    let missedTaken = 0;
    dog = await seedDataset(db.current.dataSource, 's4_dog', owner.user.id, {
      isGold: (item, index) => index % 10 === 0 || (missedByVote.has(item) && missedTaken++ < 20),
    });
  }, 60_000);

  const sut = () => env.services.aggregation;

  it('stores exactly what the pure Dawid–Skene gives: labels, confidences, posteriors, worker skill and confusion', async () => {
    const { encoded, output } = reference(dog, 'dawid-skene');
    const K = dog.keys.length;

    const run = await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });

    expect(run).toMatchObject({
      status: AggregationRunStatus.SUCCEEDED,
      method: 'dawid-skene',
      background: false,
      answersUsed: 8070,
      ignoredAnswers: 0,
      taskCount: 807,
      workerCount: 109,
      goldTaskCount: dog.goldTaskIds.size,
      iterations: output.iterations,
      converged: output.converged,
      logLikelihood: [...output.logLikelihood!],
      requestedBy: owner.user.id,
      finishedAt: env.clock.now(),
    });
    expect(run.durationMs).toBeGreaterThanOrEqual(0);

    const tasks = await storedTasks(db.current.dataSource, dog.project.id);
    const stored = encoded.taskIds.map(id => {
      const task = tasks.get(id)!;
      return [task.consensusLabels, task.consensusConfidence, task.posterior];
    });
    const expected = encoded.taskIds.map((_, t) => {
      const label = output.labels[t];
      return [
        [dog.keys[label]],
        output.probabilities[t * K + label],
        Array.from(output.probabilities.subarray(t * K, (t + 1) * K)),
      ];
    });
    // toEqual on numbers is exact: the stored doubles are the computed ones, bit for bit.
    expect(stored).toEqual(expected);

    const qualities = await db.current.dataSource.query(
      'SELECT * FROM worker_qualities WHERE project_id = $1',
      [dog.project.id],
    );
    const byWorker = new Map(qualities.map((row: { worker_id: string }) => [row.worker_id, row]));
    expect(byWorker.size).toBe(109);
    const storedQuality = encoded.workerIds.map(id => {
      const row = byWorker.get(id) as Record<string, unknown>;
      return [row.method, row.skill, row.confusion, row.answers, row.label_keys];
    });
    const expectedQuality = encoded.workerIds.map((_, w) => [
      'dawid-skene',
      output.workerSkill![w],
      Array.from(output.confusion!.subarray(w * K * K, (w + 1) * K * K)),
      dog.answers.filter(answer => answer.workerId === encoded.workerIds[w]).length,
      dog.keys,
    ]);
    expect(storedQuality).toEqual(expectedQuality);

    expect(aggregated.at(-1)).toMatchObject({
      projectId: dog.project.id,
      runId: run.id,
      method: 'dawid-skene',
      taskCount: 807,
    });
  });

  it('keeps gold tasks at their known label, also where the crowd’s majority disagrees', async () => {
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    const tasks = await storedTasks(db.current.dataSource, dog.project.id);
    const gold = [...dog.goldTaskIds];
    expect(gold.map(id => tasks.get(id)!.consensusLabels)).toEqual(
      gold.map(id => [dog.truth.get(id)]),
    );
    expect(gold.map(id => tasks.get(id)!.consensusConfidence)).toEqual(gold.map(() => 1));

    // Without clamping (majority vote ignores gold) the same tasks are not all right.
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'majority-vote' });
    const voted = await storedTasks(db.current.dataSource, dog.project.id);
    const wrongByVote = gold.filter(id => voted.get(id)!.consensusLabels![0] !== dog.truth.get(id));
    expect(wrongByVote.length).toBeGreaterThan(0);
  });

  it('labels the non-gold tasks at least as well as majority vote, above 0.8 accuracy', async () => {
    const labelsAfter = async (method: AggregatorName) => {
      await sut().runAggregation(owner.ctx, dog.project.id, { method });
      const tasks = await storedTasks(db.current.dataSource, dog.project.id);
      return new Map(
        [...tasks.values()]
          .filter(task => !task.isGold)
          .map(task => [task.id, task.consensusLabels?.[0] ?? null]),
      );
    };
    const byVote = accuracy(await labelsAfter('majority-vote'), dog.truth);
    const byDawidSkene = accuracy(await labelsAfter('dawid-skene'), dog.truth);
    expect(byDawidSkene).toBeGreaterThanOrEqual(byVote);
    expect(byDawidSkene).toBeGreaterThan(0.8);
  });

  it('stores each worker’s gold accuracy: the share of their gold answers equal to the gold label', async () => {
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    const workerId = dog.answers[0].workerId;
    const goldAnswers = dog.answers.filter(
      answer => answer.workerId === workerId && dog.goldTaskIds.has(answer.taskId),
    );
    const correct = goldAnswers.filter(answer => answer.label === dog.truth.get(answer.taskId));
    expect(goldAnswers.length).toBeGreaterThan(0);

    const quality = await sut().workerQuality(owner.ctx, dog.project.id, workerId);

    expect(quality).toMatchObject({
      workerId,
      method: 'dawid-skene',
      goldAnswers: goldAnswers.length,
      goldCorrect: correct.length,
      goldAccuracy: correct.length / goldAnswers.length,
    });
    expect(quality!.confusion!.map(row => row.trueLabel)).toEqual(dog.keys);
    for (const row of quality!.confusion!) {
      expect(row.answered.map(cell => cell.key)).toEqual(dog.keys);
      expect(row.answered.reduce((sum, cell) => sum + cell.probability, 0)).toBeCloseTo(1, 12);
    }
  });

  it('is idempotent: a re-run on the same answers leaves every result row as it was', async () => {
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    const before = await resultRows(db.current.dataSource, dog.project.id);
    env.clock.advance(60_000);

    const again = await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });

    expect(again.changedTasks).toBe(0);
    expect(await resultRows(db.current.dataSource, dog.project.id)).toEqual(before);

    // Another method changes the rows; Dawid–Skene again restores the same values.
    const other = await sut().runAggregation(owner.ctx, dog.project.id, { method: 'wawa' });
    expect(other.changedTasks).toBeGreaterThan(0);
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    const restored = await resultRows(db.current.dataSource, dog.project.id);
    const values = (rows: Awaited<ReturnType<typeof resultRows>>) => ({
      tasks: rows.tasks.map(({ updated_at: _, ...row }: Record<string, unknown>) => row),
      qualities: rows.qualities.map(({ updated_at: _, ...row }: Record<string, unknown>) => row),
    });
    expect(values(restored)).toEqual(values(before));
  });

  it('uses only counted answers: excluded and rejected ones change nothing, and a task left without answers loses its consensus', async () => {
    const bluebirds = await seedDataset(db.current.dataSource, 'bluebirds', owner.user.id, {
      isGold: (_item, index) => index % 9 === 0,
    });
    await sut().runAggregation(owner.ctx, bluebirds.project.id, { method: 'dawid-skene' });

    const excludedWorker = bluebirds.answers[0].workerId;
    const emptiedTask = bluebirds.answers.at(-1)!.taskId;
    const excluded = bluebirds.answers.filter(answer => answer.workerId === excludedWorker);
    const rejected = bluebirds.answers.filter(
      answer => answer.taskId === emptiedTask && answer.workerId !== excludedWorker,
    );
    await db.current.dataSource.query(
      `UPDATE assignments SET counted = false, excluded_at = now() WHERE id = ANY($1::uuid[])`,
      [excluded.map(answer => answer.assignmentId)],
    );
    await db.current.dataSource.query(
      `UPDATE assignments SET counted = false, status = 'REJECTED' WHERE id = ANY($1::uuid[])`,
      [rejected.map(answer => answer.assignmentId)],
    );
    const dropped = new Set([...excluded, ...rejected].map(answer => answer.assignmentId));
    const usable = bluebirds.answers.filter(answer => !dropped.has(answer.assignmentId));
    const { encoded, output } = reference(bluebirds, 'dawid-skene', usable);

    const run = await sut().runAggregation(owner.ctx, bluebirds.project.id, {
      method: 'dawid-skene',
    });

    expect(run.answersUsed).toBe(usable.length);
    expect(run.workerCount).toBe(38);
    const tasks = await storedTasks(db.current.dataSource, bluebirds.project.id);
    expect(tasks.get(emptiedTask)).toMatchObject({
      consensusLabels: null,
      consensusConfidence: null,
      posterior: null,
    });
    const K = bluebirds.keys.length;
    expect(encoded.taskIds.map(id => tasks.get(id)!.posterior)).toEqual(
      encoded.taskIds.map((_, t) => Array.from(output.probabilities.subarray(t * K, (t + 1) * K))),
    );
    expect(await sut().workerQuality(owner.ctx, bluebirds.project.id, excludedWorker)).toBeNull();
  });

  it('runs in the background through the job queue when asked', async () => {
    const bluebirds = await seedDataset(db.current.dataSource, 'bluebirds', owner.user.id);

    const queued = await sut().runAggregation(owner.ctx, bluebirds.project.id, {
      method: 'one-coin-dawid-skene',
      background: true,
    });

    expect(queued).toMatchObject({ status: AggregationRunStatus.QUEUED, background: true });
    const before = await storedTasks(db.current.dataSource, bluebirds.project.id);
    expect([...before.values()].every(task => task.consensusLabels === null)).toBe(true);

    expect(await env.drainJobs()).toBeGreaterThanOrEqual(1);

    const finished = await sut().findRun(owner.ctx, queued.id);
    const { output } = reference(bluebirds, 'one-coin-dawid-skene');
    expect(finished).toMatchObject({
      status: AggregationRunStatus.SUCCEEDED,
      answersUsed: 4212,
      iterations: output.iterations,
    });
    const after = await storedTasks(db.current.dataSource, bluebirds.project.id);
    expect([...after.values()].every(task => task.consensusLabels !== null)).toBe(true);
  });

  it('stores a run that read older answers than an already applied one as SUPERSEDED, changing nothing', async () => {
    const bluebirds = await seedDataset(db.current.dataSource, 'bluebirds', owner.user.id);
    let computing!: () => void;
    const started = new Promise<void>(resolve => (computing = resolve));
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    const slow = aggregationWith({
      runner: async problem => {
        computing();
        await gate;
        return computeAggregation(problem);
      },
    });

    const olderRun = slow.runAggregation(owner.ctx, bluebirds.project.id, {
      method: 'majority-vote',
    });
    await started;
    const newer = await sut().runAggregation(owner.ctx, bluebirds.project.id, {
      method: 'dawid-skene',
    });
    const applied = await resultRows(db.current.dataSource, bluebirds.project.id);
    release();
    const older = await olderRun;

    expect(newer.status).toBe(AggregationRunStatus.SUCCEEDED);
    expect(older).toMatchObject({ status: AggregationRunStatus.SUPERSEDED, changedTasks: 0 });
    expect(await resultRows(db.current.dataSource, bluebirds.project.id)).toEqual(applied);
  });

  it('records a background run that fails as FAILED with its error, and later deliveries leave it so', async () => {
    const bluebirds = await seedDataset(db.current.dataSource, 'bluebirds', owner.user.id);
    const failing = aggregationWith({
      runner: async () => {
        throw new Error('worker thread ran out of memory');
      },
    });
    const queued = await failing.runAggregation(owner.ctx, bluebirds.project.id, {
      background: true,
    });

    expect(await failing.runQueued(systemContext(env.clock), queued.id)).toEqual({
      status: AggregationRunStatus.FAILED,
    });

    expect(await sut().findRun(owner.ctx, queued.id)).toMatchObject({
      status: AggregationRunStatus.FAILED,
      error: 'worker thread ran out of memory',
      finishedAt: env.clock.now(),
    });
    // The queued job, delivered later, finds the run finished and does nothing.
    await env.drainJobs();
    expect((await sut().findRun(owner.ctx, queued.id)).status).toBe(AggregationRunStatus.FAILED);
    const tasks = await storedTasks(db.current.dataSource, bluebirds.project.id);
    expect([...tasks.values()].every(task => task.consensusLabels === null)).toBe(true);
  });

  it('refuses to recompute an ARCHIVED project, and an export beyond the limit, writing nothing', async () => {
    const bluebirds = await seedDataset(db.current.dataSource, 'bluebirds', owner.user.id);
    const small = aggregationWith({ maxExportTasks: 100 });
    await expect(
      small.exportResults(owner.ctx, bluebirds.project.id, ResultsExportFormat.CSV),
    ).rejects.toMatchObject({
      extensions: { code: 'BATCH_TOO_LARGE', size: 108, limit: 100 },
    });

    await db.current.dataSource.query(`UPDATE projects SET status = 'ARCHIVED' WHERE id = $1`, [
      bluebirds.project.id,
    ]);
    await expect(
      sut().runAggregation(owner.ctx, bluebirds.project.id, { background: true }),
    ).rejects.toMatchObject({ extensions: { code: 'PROJECT_NOT_EDITABLE', status: 'ARCHIVED' } });
    const runs = await db.current.dataSource
      .getRepository(AggregationRun)
      .countBy({ projectId: bluebirds.project.id });
    expect(runs).toBe(0);
  });

  it('exports every task with its stored label and confidence, and abstains below a threshold', async () => {
    const run = await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    expect(run.status).toBe(AggregationRunStatus.SUCCEEDED);
    const tasks = await storedTasks(db.current.dataSource, dog.project.id);

    const csv = await sut().exportResults(owner.ctx, dog.project.id, ResultsExportFormat.CSV, 0.9);

    const [header, ...lines] = csv.content.trimEnd().split('\n');
    expect(header).toBe('task_id,external_id,label,confidence,answers,reviewed');
    expect(csv).toMatchObject({ taskCount: 807, contentType: 'text/csv' });
    const rows = lines.map(line => line.split(','));
    expect(rows).toHaveLength(807);
    const exported = rows.map(([taskId, externalId, label, confidence, answers]) => {
      const task = tasks.get(taskId)!;
      return {
        externalId: externalId === task.externalId,
        label: label === (task.consensusConfidence! >= 0.9 ? task.consensusLabels![0] : ''),
        confidence: Number(confidence) === task.consensusConfidence,
        answers: Number(answers) === task.countedAnswers && task.countedAnswers === 10,
      };
    });
    expect(exported.every(row => Object.values(row).every(Boolean))).toBe(true);
    const abstained = rows.filter(row => row[2] === '').length;
    expect(abstained).toBeGreaterThan(0);
    expect(abstained).toBeLessThan(807);

    const jsonl = await sut().exportResults(owner.ctx, dog.project.id, ResultsExportFormat.JSONL);
    const objects = jsonl.content
      .trimEnd()
      .split('\n')
      .map(line => JSON.parse(line));
    expect(objects).toHaveLength(807);
    const first = objects[0];
    const task = tasks.get(first.task_id)!;
    expect(first).toEqual({
      task_id: task.id,
      external_id: task.externalId,
      status: 'OPEN',
      labels: task.consensusLabels,
      label: task.consensusLabels![0],
      confidence: task.consensusConfidence,
      abstained: false,
      posterior: Object.fromEntries(dog.keys.map((key, k) => [key, task.posterior![k]])),
      answers: 10,
      is_gold: task.isGold,
      gold_labels: task.goldLabels,
      reviewed: false,
    });
  });

  it('pages through results with abstention and a review filter', async () => {
    await sut().runAggregation(owner.ctx, dog.project.id, { method: 'dawid-skene' });
    const project = await env.services.projects.findOne(owner.ctx, dog.project.id);

    const lowConfidence = await sut().results(owner.ctx, project, {
      first: 100,
      filter: { confidenceBelow: 0.9, isGold: false },
      abstainBelow: 0.9,
    });

    expect(lowConfidence.totalCount).toBeGreaterThan(0);
    for (const result of lowConfidence.nodes) {
      expect(result.confidence).toBeLessThan(0.9);
      expect(result).toMatchObject({ labels: null, label: null, abstained: true, isGold: false });
      expect(result.posterior!.map(cell => cell.key)).toEqual(dog.keys);
    }
    const all = await sut().results(owner.ctx, project, { first: 100 });
    expect(all.totalCount).toBe(807);
    const next = await sut().results(owner.ctx, project, {
      first: 100,
      after: all.pageInfo.endCursor,
    });
    expect(next.nodes[0].taskId).not.toBe(all.nodes[0].taskId);
    expect(all.nodes.some(result => result.abstained)).toBe(false);
  });
});

describe(`${AggregationService.name}: multi-label projects`, () => {
  const db = useTestDatabase({ poolSize: 8 });

  it('aggregates each key as its own binary question and stores the consensus set', async () => {
    const env = await createMarketplaceEnv(db.current.dataSource);
    const owner = await env.user([Role.REQUESTER]);
    const keys = ['red', 'green', 'blue'];
    const project = await makeProject(db.current.dataSource, owner.user.id, {
      labelSchema: {
        kind: LabelSchemaKind.MULTI_LABEL,
        labels: keys.map(key => ({ key, displayName: key })),
      },
      minOverlap: 5,
      maxOverlap: 5,
    });
    const workers = await makeWorkers(db.current.dataSource, 5);
    // 24 tasks; task n's true set is the keys whose bit is set in n % 7 + 1 (never empty).
    // Worker w flips key k on task n when (n + w + k) % (w + 3) === 0: worker 4 errs least.
    const truthOf = (n: number) => keys.filter((_, k) => ((n % 7) + 1) & (1 << k));
    const tasks = await db.current.dataSource.getRepository(Task).save(
      Array.from({ length: 24 }, (_, n) => ({
        projectId: project.id,
        externalId: `item-${n}`,
        payload: { n },
        isGold: n < 4,
        goldLabels: n < 4 ? truthOf(n) : null,
      })),
    );
    const answers: Array<{ worker: string; task: string; labels: string[] }> = [];
    tasks.forEach((task, n) =>
      workers.forEach((worker, w) => {
        const labels = keys.filter((key, k) => {
          const truth = truthOf(n).includes(key);
          return (n + w + k) % (w + 3) === 0 ? !truth : truth;
        });
        // An empty answer is impossible through the API; fall back to the true set.
        answers.push({
          worker: worker.id,
          task: task.id,
          labels: labels.length > 0 ? labels : truthOf(n),
        });
      }),
    );
    await insertSubmittedAnswers(db.current.dataSource, project, answers);

    const run = await env.services.aggregation.runAggregation(owner.ctx, project.id, {
      method: 'dawid-skene',
    });

    expect(run).toMatchObject({ status: 'SUCCEEDED', answersUsed: 120, goldTaskCount: 4 });
    // Reference: per key, the 0/1 matrix through the registry, answers in the same order.
    const perKey = keys.map(key => {
      const encoded = encodeResponses(
        answers.map(answer => ({
          worker: answer.worker,
          task: answer.task,
          label: answer.labels.includes(key) ? '1' : '0',
        })),
        { labelSet: ['0', '1'] },
        tasks.slice(0, 4).map(task => [task.id, task.goldLabels!.includes(key) ? '1' : '0']),
      );
      return {
        encoded,
        output: aggregators['dawid-skene'](encoded.matrix, { gold: encoded.gold }),
      };
    });
    const stored = await storedTasks(db.current.dataSource, project.id);
    const taskIds = perKey[0].encoded.taskIds;
    expect(taskIds.map(id => stored.get(id)!.posterior)).toEqual(
      taskIds.map((_, t) => perKey.map(({ output }) => output.probabilities[t * 2 + 1])),
    );
    expect(taskIds.map(id => stored.get(id)!.consensusLabels)).toEqual(
      taskIds.map((_, t) => keys.filter((_key, k) => perKey[k].output.labels[t] === 1)),
    );
    expect(taskIds.map(id => stored.get(id)!.consensusConfidence)).toEqual(
      taskIds.map((_, t) =>
        perKey.reduce(
          (product, { output }) => product * output.probabilities[t * 2 + output.labels[t]],
          1,
        ),
      ),
    );
    // Gold sets are clamped; elsewhere Dawid–Skene gets at least as many whole sets right as a
    // per-key majority of the five answers.
    const exact = (sets: string[][]) => sets.filter((set, n) => set.join() === truthOf(n).join());
    const byDawidSkene = exact(tasks.map(task => stored.get(task.id)!.consensusLabels!));
    const byVote = exact(
      tasks.map(task =>
        keys.filter(
          key => answers.filter(a => a.task === task.id && a.labels.includes(key)).length >= 3,
        ),
      ),
    );
    expect(tasks.slice(0, 4).map(task => stored.get(task.id)!.consensusLabels)).toEqual(
      [0, 1, 2, 3].map(truthOf),
    );
    expect(byDawidSkene.length).toBeGreaterThanOrEqual(byVote.length);
    expect(byDawidSkene.length).toBeGreaterThan(tasks.length / 2);

    const quality = await env.services.aggregation.workerQuality(
      owner.ctx,
      project.id,
      workers[0].id,
    );
    expect(quality!.confusion).toBeNull();
    expect(quality!.keyConfusions!.map(entry => entry.key)).toEqual(keys);
    const w = perKey[0].encoded.workerIds.indexOf(workers[0].id);
    expect(quality!.keyConfusions!.map(entry => entry.sensitivity)).toEqual(
      perKey.map(({ output }) => output.confusion![(w * 2 + 1) * 2 + 1]),
    );
    expect(quality!.skill).toBe(
      perKey.reduce((sum, { output }) => sum + output.workerSkill![w], 0) / keys.length,
    );
    const runs = await db.current.dataSource.getRepository(AggregationRun).countBy({
      projectId: project.id,
    });
    expect(runs).toBe(1);
  });
});
