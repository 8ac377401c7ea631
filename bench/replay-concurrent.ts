/**
 * `bench:replay --concurrency K`: the replay through the product itself. A scratch PostgreSQL
 * database (bench-support.ts) is migrated, and the app's own services (`buildContainer`: the
 * LeasingService's one-statement lease with the dynamic-overlap lease policy and serving order,
 * the SubmissionService with the online posterior, the job queue's refits) run the marketplace
 * on a virtual clock. Nothing of the selection, lease or policy is re-implemented here.
 *
 * Simulation (discrete events, deterministic for a seed):
 * - Workers are the dataset's workers (one user each), so reliabilities are learned per worker as
 *   in the product. They arrive in a seeded random order of the dataset's answers: when one of
 *   the K slots is free, the next answer in that order whose worker is not already holding a
 *   lease names the worker who arrives.
 * - The arriving worker asks `nextAssignment` for the project. When the product serves a task
 *   the worker answered in the dataset, the worker holds the lease and submits that answer after
 *   a delay drawn from a log-normal answer time (median `ANSWER_MEDIAN_S`, σ `ANSWER_SIGMA`,
 *   seeded; the datasets carry no answer times, so this is a realistic stand-in, not theirs).
 *   The tasks a worker has no answer for are recorded as returned by that worker before the run
 *   (`recordSkips`), so the product never serves them to that worker (it never serves a returned
 *   task again); one that comes up anyway is given back (`returnAssignment`). A worker
 *   the product has nothing for (tasks held back while answers are in flight) looks again after
 *   the next submit; a worker whose dataset answers are all given leaves.
 * - K leases are outstanding at once: the submits happen in virtual-time order, one at a time
 *   (the clock is set to each submit's time), so concurrency is the overlap of leases, which is
 *   what the lease policy has to handle; the run is reproducible.
 * - The job queue is drained every `DRAIN_EVERY_S` virtual seconds (the scheduler's poll), which
 *   runs the online refits the submits enqueue.
 * - A task's label is its `consensus_labels` at the end (what the requester sees); accuracy is
 *   over the gold-scored tasks with at least one answer, as in the sequential replay.
 *
 * Cost: each answer is a lease and a submit; the skips are tasks × workers rows written up front,
 * and the lease steps over a worker's skipped tasks inside its one statement. Large datasets
 * still take long on a shared machine: `--limit-tasks` (a seeded sample of the dataset's tasks)
 * and `--datasets`.
 */
import { ManualClock } from '../src/common/clock';
import { createLogger } from '../src/common/logger';
import { RequestContext } from '../src/common/request-context';
import { loadConfig } from '../src/config/load-config';
import { buildContainer } from '../src/container';
import type { DataSource } from 'typeorm';
import { closeDataSource, createDataSource } from '../src/db/data-source';
import { dawidSkene } from '../src/modules/aggregation/algorithms/dawid-skene';
import { mulberry32 } from '../src/modules/aggregation/algorithms/rng';
import type { EncodedResponses } from '../src/modules/aggregation/encode-responses';
import type { OverlapPolicy } from '../src/modules/aggregation/online/algorithms/dynamic-overlap';
import { Role } from '../src/modules/auth/role';
import { User, UserKind } from '../src/modules/auth/user.entity';
import { Project } from '../src/modules/projects/project.entity';
import { LabelSchemaKind, ProjectStatus } from '../src/modules/projects/project.types';
import { Task } from '../src/modules/marketplace/task.entity';
import { withScratchDatabase } from './bench-support';

/** What one concurrent replay measured. */
export interface ConcurrentOutcome {
  readonly accuracy: number;
  /** Counted answers (what the requester pays for). */
  readonly answers: number;
  readonly scoredTasks: number;
  /** Tasks leased and given back during the run (a worker without an answer for them). */
  readonly returns: number;
  /** (worker, task) pairs without a dataset answer, recorded as returned before the run. */
  readonly skipped: number;
  /** Tasks still OPEN at the end: the dataset had no answer left for them. */
  readonly openTasks: number;
  readonly virtualSeconds: number;
  /** Online refits that ran (succeeded background Dawid–Skene fits). */
  readonly refits: number;
}

/** Options of `replayConcurrently`. */
export interface ConcurrentOptions {
  readonly concurrency: number;
  readonly seed: number;
  readonly database: string;
  /**
   * A pre-label model's probability vectors, nTasks × K (`simulateSoftModel`): stored as the
   * predictions of a promoted model version, so the online posterior takes its soft answer.
   */
  readonly model?: Float64Array;
}

/** Runs the marketplace over `encoded` (gold in `gold`, -1 = none) with K slots. */
export async function replayConcurrently(
  encoded: EncodedResponses,
  gold: Int32Array,
  policy: OverlapPolicy,
  options: ConcurrentOptions,
): Promise<ConcurrentOutcome> {
  return withScratchDatabase(options.database, url => run(url, encoded, gold, policy, options));
}

/** Median answer time, seconds (crowd labeling of a short item). */
const ANSWER_MEDIAN_S = 20;
/** Log-normal spread of answer times (σ of ln t): a few answers take minutes. */
const ANSWER_SIGMA = 0.9;
/** Answer times are capped below the lease (600 s) so no lease expires mid-answer. */
const ANSWER_CAP_S = 500;
/** Virtual seconds between two passes of the job queue (the scheduler's poll). */
const DRAIN_EVERY_S = 5;

async function run(
  url: string,
  encoded: EncodedResponses,
  gold: Int32Array,
  policy: OverlapPolicy,
  options: ConcurrentOptions,
): Promise<ConcurrentOutcome> {
  const m = encoded.matrix;
  const config = loadConfig({
    NODE_ENV: 'development',
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: '4',
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'silent',
    JOBS_ENABLED: 'false',
  });
  const ds = await createDataSource(config.database);
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const clock = new ManualClock('2026-01-01T00:00:00.000Z');
    const rng = mulberry32(options.seed * 7919 + options.concurrency);
    // Every row the run creates and the product orders by id (the serving order's tie-break,
    // answers per task by worker) gets an id from the seed, so a run reproduces its figures.
    const nextId = seededUuids(options.seed);
    const { services } = buildContainer(config, ds, createLogger('silent'), clock, () => 0.99);
    const system = RequestContext.create({ requestId: 'replay', clock });

    const requester = await ds.getRepository(User).save({
      id: nextId(),
      email: 'requester@replay.test',
      displayName: 'requester',
      passwordHash: null,
      roles: [Role.REQUESTER],
    });
    const keys = encoded.labelKeys.map((_, k) => `l${k}`);
    const project = await ds.getRepository(Project).save({
      id: nextId(),
      ownerId: requester.id,
      name: 'replay',
      instructions: '',
      status: ProjectStatus.ACTIVE,
      labelSchema: {
        kind: LabelSchemaKind.SINGLE_CHOICE,
        labels: keys.map(key => ({ key, displayName: key })),
      },
      schemaVersion: 1,
      rewardAmount: 1,
      currency: 'usd',
      minOverlap: policy.minOverlap,
      maxOverlap: policy.maxOverlap,
      confidenceTarget: policy.confidenceTarget,
      goldRate: 0,
      assignmentDurationSeconds: 600,
      autoApprovalDelaySeconds: 30 * 24 * 3600,
      rejectionReversalWindowSeconds: 0,
      launchedAt: clock.now(),
    });
    const taskIds: string[] = [];
    for (let start = 0; start < m.nTasks; start += 1000) {
      const rows = [];
      for (let t = start; t < Math.min(m.nTasks, start + 1000); t++) {
        rows.push({
          id: nextId(),
          projectId: project.id,
          externalId: `t${t}`,
          payload: { t },
          isGold: false,
        });
      }
      const result = await ds.getRepository(Task).insert(rows);
      taskIds.push(...result.identifiers.map(id => String(id.id)));
    }
    if (options.model) {
      await storeModel(ds, project, taskIds, keys, options.model, clock, nextId());
      // What the product's pre-label hook does once a voting version's predictions are stored
      // (prelabel.wiring.ts): unanswered tasks are served least-sure first (docs/leasing.md).
      await services.onlineAggregation.onVotingPredictionsChanged(system, {
        projectId: project.id,
        taskIds: null,
      });
    }
    const taskIndex = new Map(taskIds.map((id, t) => [id, t]));
    const workerUsers: User[] = [];
    for (let w = 0; w < m.nWorkers; w++) {
      workerUsers.push(
        await ds.getRepository(User).save({
          id: nextId(),
          email: `w${w}@replay.test`,
          displayName: `w${w}`,
          passwordHash: null,
          roles: [Role.WORKER],
        }),
      );
    }
    const workerCtx = workerUsers.map(user =>
      RequestContext.create({
        requestId: 'replay',
        clock,
        user: { id: user.id, roles: [Role.WORKER], via: 'jwt' },
      }),
    );
    // The dataset's answer of (worker, task), and the arrival order of answers (seeded).
    const answerOf = new Map<number, number>();
    for (let r = 0; r < m.task.length; r++)
      answerOf.set(m.worker[r] * m.nTasks + m.task[r], m.label[r]);
    const arrival = Int32Array.from({ length: m.task.length }, (_, r) => r);
    for (let i = arrival.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [arrival[i], arrival[j]] = [arrival[j], arrival[i]];
    }
    const skipped = await recordSkips(ds, project, taskIds, workerUsers, answerOf, m.nTasks, clock);
    const busy = new Uint8Array(m.nWorkers);
    /** Dataset answers of each worker not given yet: a worker with none left has gone. */
    const left = new Int32Array(m.nWorkers);
    for (let r = 0; r < m.task.length; r++) left[m.worker[r]]++;
    /** Workers the product had nothing for (tasks held back by leases in flight): back after the next submit. */
    const waiting: number[] = [];
    const retry: number[] = [];
    let cursor = 0;
    let swept = false;
    let returns = 0;

    /** Submits due, as [virtual ms, worker, assignment id, label]. */
    const pending: Array<{ at: number; w: number; id: string; label: number }> = [];

    const answerTime = () => {
      // Box–Muller normal draw for a log-normal time.
      const u = Math.max(rng(), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
      // Whole milliseconds: the clock (and submitted_at) keeps no more.
      return Math.round(
        Math.min(ANSWER_CAP_S, ANSWER_MEDIAN_S * Math.exp(ANSWER_SIGMA * z)) * 1000,
      );
    };

    /** Fills a free slot: the next arriving worker who gets a task they can answer. */
    const fillSlot = async (): Promise<boolean> => {
      for (;;) {
        if (retry.length === 0 && cursor >= arrival.length && !swept) {
          // The arrival order is used up (busy workers' arrivals were passed over): everyone
          // with answers left comes once more per submit, so no task is left short of them.
          swept = true;
          for (let w = m.nWorkers - 1; w >= 0; w--) if (left[w] > 0 && !busy[w]) retry.push(w);
        }
        if (retry.length === 0 && cursor >= arrival.length) break;
        const w = retry.length > 0 ? retry.pop()! : m.worker[arrival[cursor++]];
        if (busy[w] || left[w] === 0 || waiting.includes(w)) continue;
        for (;;) {
          const lease = await services.leasing.nextAssignment(workerCtx[w], project.id);
          if (!lease) {
            waiting.push(w);
            break;
          }
          const label = answerOf.get(w * m.nTasks + taskIndex.get(lease.taskId)!);
          if (label === undefined) {
            await services.leasing.returnAssignment(workerCtx[w], lease.id);
            returns++;
            continue;
          }
          busy[w] = 1;
          left[w]--;
          pending.push({ at: clock.now().getTime() + answerTime(), w, id: lease.id, label });
          return true;
        }
      }
      return false;
    };

    const start = clock.now().getTime();
    let lastDrain = start;
    let lastSubmit = start;
    while (pending.length < options.concurrency && (await fillSlot()));
    while (pending.length > 0) {
      let next = 0;
      for (let i = 1; i < pending.length; i++) if (pending[i].at < pending[next].at) next = i;
      const event = pending.splice(next, 1)[0];
      // Two submits never share a time: a fit reads the answers in (submitted_at, id) order, and
      // assignment ids are random, so a tie would order them differently from run to run.
      event.at = Math.max(event.at, lastSubmit + 1);
      lastSubmit = event.at;
      clock.set(event.at);
      await services.submission.submitAssignment(workerCtx[event.w], {
        assignmentId: event.id,
        answer: { labels: [keys[event.label]] },
        clientDurationMs: null,
      });
      busy[event.w] = 0;
      if (event.at - lastDrain >= DRAIN_EVERY_S * 1000) {
        await services.jobs.drain(system);
        lastDrain = event.at;
      }
      // The answer may free a task held back for it: the waiting workers look again first. A
      // worker who answered comes back later in the arrival order; the slot takes the next.
      retry.push(...waiting.reverse());
      waiting.length = 0;
      swept = false;
      while (pending.length < options.concurrency && (await fillSlot()));
    }
    await services.jobs.drain(system);

    const rows: Array<{
      external_id: string;
      consensus: string[] | null;
      counted: number;
      status: string;
    }> = await ds.query(
      `SELECT external_id, consensus_labels AS consensus, counted_answers AS counted, status
         FROM tasks WHERE project_id = $1`,
      [project.id],
    );
    let answers = 0;
    let scored = 0;
    let right = 0;
    let open = 0;
    for (const row of rows) {
      answers += row.counted;
      if (row.status === 'OPEN') open++;
      const t = Number(row.external_id.slice(1));
      if (gold[t] < 0 || row.counted === 0 || !row.consensus) continue;
      scored++;
      if (row.consensus[0] === keys[gold[t]]) right++;
    }
    const [{ refits }]: Array<{ refits: number }> = await ds.query(
      `SELECT count(*)::int AS refits FROM aggregation_runs
        WHERE project_id = $1 AND background AND status = 'SUCCEEDED'`,
      [project.id],
    );
    return {
      refits,
      accuracy: scored > 0 ? right / scored : NaN,
      answers,
      scoredTasks: scored,
      returns,
      skipped,
      openTasks: open,
      virtualSeconds: (clock.now().getTime() - start) / 1000,
    };
  } finally {
    await closeDataSource(ds);
  }
}

/**
 * A simulated pre-label model of accuracy `accuracy` that knows how sure it is: per task (own
 * seeded stream) a confidence c = 1/K + (1 − 1/K)·u^α, u uniform, with α set so that E[c] =
 * accuracy; its top label is the truth with probability c (so it is calibrated), else one of the
 * others uniformly; the vector gives c to its top label and the rest evenly. The truth is the
 * gold label, else Dawid–Skene on all the dataset's answers. Returns nTasks × K.
 */
export function simulateSoftModel(
  encoded: EncodedResponses,
  gold: Int32Array,
  accuracy: number,
  seed: number,
): Float64Array {
  const m = encoded.matrix;
  const K = m.nLabels;
  const floor = 1 / K;
  if (!(accuracy > floor && accuracy < 1)) {
    throw new RangeError(`model accuracy must be in (1/K, 1), got ${accuracy}`);
  }
  const alpha = (1 - floor) / (accuracy - floor) - 1;
  const truthOf = dawidSkene(m).labels;
  const rng = mulberry32((seed ^ 0x736f6674) >>> 0);
  const vectors = new Float64Array(m.nTasks * K);
  for (let t = 0; t < m.nTasks; t++) {
    const truth = gold[t] >= 0 ? gold[t] : Math.max(truthOf[t], 0);
    const confidence = floor + (1 - floor) * Math.pow(rng(), alpha);
    let top = truth;
    if (rng() >= confidence) {
      const other = Math.floor(rng() * (K - 1));
      top = other >= truth ? other + 1 : other;
    }
    for (let k = 0; k < K; k++) {
      vectors[t * K + k] = k === top ? confidence : (1 - confidence) / (K - 1);
    }
  }
  return vectors;
}

/**
 * The simulated model as the product stores one: a MODEL annotator, a promoted model version (its
 * bytes are never run here) and one prediction per task with the vector, top label and confidence.
 */
async function storeModel(
  ds: DataSource,
  project: Project,
  taskIds: readonly string[],
  keys: readonly string[],
  vectors: Float64Array,
  clock: ManualClock,
  annotatorId: string,
): Promise<void> {
  const K = keys.length;
  const annotator = await ds.getRepository(User).save({
    id: annotatorId,
    email: 'model@replay.test',
    displayName: 'simulated model',
    passwordHash: null,
    roles: [],
    kind: UserKind.MODEL,
  });
  const [version] = await ds.query(
    `INSERT INTO model_versions (project_id, version, source, model_bytes, size_bytes, featurizer,
                                 label_keys, annotator_id, promoted_at)
     VALUES ($1, 'simulated', 'UPLOADED', $5, 1, '{}', $2, $3, $4) RETURNING id`,
    [project.id, keys, annotator.id, clock.now(), Buffer.from([0])],
  );
  const labels: string[] = [];
  const confidences: number[] = [];
  const rows: string[] = [];
  for (let t = 0; t < taskIds.length; t++) {
    let top = 0;
    for (let k = 1; k < K; k++) if (vectors[t * K + k] > vectors[t * K + top]) top = k;
    labels.push(keys[top]);
    confidences.push(vectors[t * K + top]);
    rows.push(JSON.stringify(Array.from(vectors.subarray(t * K, (t + 1) * K))));
  }
  await ds.query(
    `INSERT INTO prelabel_predictions (task_id, model_version_id, project_id, probabilities,
                                       predicted_label, confidence)
     SELECT t, $2, $3, ARRAY(SELECT json_array_elements_text(v::json)::float8), l, c
     FROM unnest($1::uuid[], $4::text[], $5::text[], $6::float8[]) AS row(t, v, l, c)`,
    [taskIds, version.id, project.id, rows, labels, confidences],
  );
}

/**
 * Records, before the run, every (worker, task) pair the dataset has no answer for as an
 * assignment the worker returned (status RETURNED, reason SKIPPED, what `returnAssignment` leaves
 * behind), so the lease statement's own "a task this worker already had" rule passes over them
 * inside the one statement. Without it each such task cost a lease and a return when it came up,
 * about 16 per answer on rte (a worker answered 6% of its tasks): the run took hours. The product's
 * selection among the remaining tasks is unchanged, since a lease and an immediate return leave
 * the task's counters as they were. Returns the number of rows written.
 */
async function recordSkips(
  ds: DataSource,
  project: Project,
  taskIds: readonly string[],
  workers: readonly User[],
  answerOf: ReadonlyMap<number, number>,
  nTasks: number,
  clock: ManualClock,
): Promise<number> {
  let written = 0;
  let tasks: string[] = [];
  let users: string[] = [];
  const flush = async () => {
    if (tasks.length === 0) return;
    await ds.query(
      `INSERT INTO assignments (task_id, project_id, worker_id, status, return_reason, leased_at,
                                expires_at, schema_version, reward_amount, currency)
       SELECT t, $3, w, 'RETURNED', 'SKIPPED', $4, $4, $5, $6, $7
       FROM unnest($1::uuid[], $2::uuid[]) AS pair(t, w)`,
      [
        tasks,
        users,
        project.id,
        clock.now(),
        project.schemaVersion,
        project.rewardAmount,
        project.currency,
      ],
    );
    written += tasks.length;
    tasks = [];
    users = [];
  };
  for (let w = 0; w < workers.length; w++) {
    for (let t = 0; t < nTasks; t++) {
      if (answerOf.has(w * nTasks + t)) continue;
      tasks.push(taskIds[t]);
      users.push(workers[w].id);
      if (tasks.length >= 20_000) await flush();
    }
  }
  await flush();
  // Fresh statistics, so the lease plans as it would on a live table of this size.
  await ds.query('ANALYZE assignments, tasks');
  return written;
}

/**
 * The dataset restricted to a seeded sample of `limit` tasks (all when `limit` is undefined or
 * not smaller), gold-labelled tasks first, re-indexed; workers without an answer left are
 * dropped.
 */
export function sampleTasks(
  encoded: EncodedResponses,
  gold: Int32Array,
  limit: number | undefined,
  seed: number,
): { encoded: EncodedResponses; gold: Int32Array } {
  const m = encoded.matrix;
  if (limit === undefined || limit >= m.nTasks) return { encoded, gold };
  const rng = mulberry32(seed * 104729 + limit);
  const order = Array.from({ length: m.nTasks }, (_, t) => t);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  // Tasks with a gold label first (in the seeded order), so that a dataset with few of them
  // (s5_adult: 333 of 11,040) is still scored on the sample; the rest fill it up.
  order.sort((a, b) => Number(gold[b] >= 0) - Number(gold[a] >= 0));
  const kept = order.slice(0, limit).sort((a, b) => a - b);
  const newTask = new Map(kept.map((t, i) => [t, i]));
  const newWorker = new Map<number, number>();
  const task: number[] = [];
  const worker: number[] = [];
  const label: number[] = [];
  for (let r = 0; r < m.task.length; r++) {
    const t = newTask.get(m.task[r]);
    if (t === undefined) continue;
    if (!newWorker.has(m.worker[r])) newWorker.set(m.worker[r], newWorker.size);
    task.push(t);
    worker.push(newWorker.get(m.worker[r])!);
    label.push(m.label[r]);
  }
  const workerIds: string[] = new Array(newWorker.size);
  for (const [old, w] of newWorker) workerIds[w] = encoded.workerIds[old];
  const subGold = Int32Array.from(kept, t => gold[t]);
  return {
    encoded: {
      ...encoded,
      matrix: {
        nTasks: kept.length,
        nWorkers: newWorker.size,
        nLabels: m.nLabels,
        task: Int32Array.from(task),
        worker: Int32Array.from(worker),
        label: Int32Array.from(label),
      },
      taskIds: kept.map(t => encoded.taskIds[t]),
      workerIds,
      gold: subGold,
      goldCount: kept.filter(t => gold[t] >= 0).length,
    },
    gold: subGold,
  };
}

/**
 * Version-4-shaped UUIDs from a seeded stream: the same sequence for the same seed, in an order
 * unrelated to creation (ids are the serving order's last tie-break, and insertion order would
 * favour the dataset's first tasks).
 */
export function seededUuids(seed: number): () => string {
  const rng = mulberry32((seed ^ 0x69647321) >>> 0);
  const hex = (digits: number) => {
    let out = '';
    for (let i = 0; i < digits; i++) out += Math.floor(rng() * 16).toString(16);
    return out;
  };
  return () =>
    `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(rng() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}
