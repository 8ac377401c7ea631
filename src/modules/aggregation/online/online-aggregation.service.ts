import type { Logger } from '../../../common/logger';
import type { RequestContext } from '../../../common/request-context';
import { queryRows } from '../../../db/query-rows';
import type { TransactionalConnection } from '../../../db/transactional-connection';
import { AggregationRun } from '../aggregation-run.entity';
import type { AggregationService } from '../aggregation.service';
import { AggregationRunStatus } from '../aggregation.types';
import type { WorkerReliabilities } from '../algorithms/online-posterior';
import type {
  CountChange,
  SubmissionDecision,
  SubmittedAnswer,
} from '../../marketplace/assignment.hooks';
import type { SqlPiece } from '../../../db/statement-batch';
import { type ModelVote, modelVoteOf, modelVoteSql } from '../../prelabel/model-vote';
import type { JobQueue } from '../../jobs/job-queue';
import { Project } from '../../projects/project.entity';
import { isStructuredKind } from '../../projects/kind-settings';
import { LabelSchemaKind, ProjectStatus } from '../../projects/project.types';
import type { TaskSlots } from '../../marketplace/task-slots';
import type { Task } from '../../marketplace/task.entity';
import {
  type OverlapVerdict,
  type ShrinkageOptions,
  type WorkerFitRecord,
  evaluateTask,
  overlapDecision,
  posteriorMargin,
  shrinkReliabilities,
} from './algorithms/dynamic-overlap';
import { type ModelGateDecision, modelGateDecision } from './algorithms/model-gate';
import { updateKindTaskConfidence } from './kind-confidence';
import { setModelServePriorities } from './model-serve-priority';

/** Methods whose stored worker confusion matrices the online posterior can use. */
const CONFUSION_METHODS = new Set(['dawid-skene', 'pooled-dawid-skene']);

/** Jobs of the online aggregation. */
export const ONLINE_AGGREGATION_JOBS = { refit: 'quality.online-refit' } as const;

/** Default number of new answers in a project after which a full refit is queued. */
export const DEFAULT_REFIT_EVERY_ANSWERS = 200;

/** Tuning of `OnlineAggregationService`; the defaults suit production. */
export interface OnlineAggregationOptions {
  /** New counted answers of a project since the last fit's snapshot that queue a refit. */
  readonly refitEveryAnswers?: number;
  /** Shrinkage of the fit's confusions toward each worker's gold-record prior (see dynamic-overlap.ts). */
  readonly shrinkage?: ShrinkageOptions;
  /** Tasks per statement (and per transaction) of the post-refit re-check. Default 500. */
  readonly recheckChunk?: number;
}

/** One task's online posterior, as the service computed it. */
export interface OnlineTaskPosterior extends OverlapVerdict {
  /** The schema's keys, in posterior order. */
  readonly keys: readonly string[];
  /** Answers used (counted, not excluded, readable by the schema). */
  readonly answers: number;
  /** The fit the reliabilities came from; null = none yet (every worker got the prior). */
  readonly runId: string | null;
  /**
   * The pre-label model that voted in the posterior (the project's latest model version, when it
   * has a prediction on the task and the project uses dynamic overlap), with the seeded quality
   * gate's verdict; null = no model took part.
   */
  readonly model: {
    readonly modelVersionId: string;
    readonly label: string;
    readonly confidence: number;
    readonly gate: ModelGateDecision;
  } | null;
}

interface GoldRecord {
  readonly gold_answers: number;
  readonly gold_correct: number;
}

/**
 * What the online posterior of one task reads, in one statement (`onlineInputsSql`). In a
 * submit it is read before the answer is written, so it leaves that answer out (`$3`) and
 * `posteriorOf` adds it back.
 */
interface OnlineInputs {
  /** The task's counted, non-excluded answers, by worker id. */
  readonly answers: Array<{ w: string; l: string[] }>;
  /** The latest SUCCEEDED fit; null = none yet. */
  readonly runId: string | null;
  /** The latest model version's vote (prelabel's `modelVoteSql`), dynamic overlap only. */
  readonly model: unknown;
  /** Gold records of the voters (answers, the submitting worker, the model's annotator). */
  readonly gold: Array<GoldRecord & { worker_id: string }>;
  /** The voters' `worker_qualities` rows (read only when there is a fit). */
  readonly fitted: Array<{
    worker_id: string;
    confusion: number[] | null;
    answers: number;
    method: string;
    schema_kind: string;
    label_keys: string[];
  }>;
  /** Counted answers of the project submitted after the fit's `answers_through`, at most `$5`. */
  readonly recent: number;
  /** Whether the answer being submitted (`$6`, its time) is after the fit's `answers_through`. */
  readonly currentAfterFit: boolean;
  /** Whether the project's refit (unique key `$8`) is already queued or running. */
  readonly refitPending: boolean;
}

/** The answer a submit is recording, which `OnlineInputs` read in that submit leave out. */
interface CurrentAnswer {
  readonly workerId: string;
  readonly labels: readonly string[];
  /** Whether it is a scored gold answer, and right. */
  readonly goldCorrect: boolean | null;
}

/**
 * $1 task, $2 project, $3 the assignment being submitted (left out; null: none), $4 its worker
 * (null: none), $5 how many recent answers to count at most, $6 its submission time, $7 whether
 * the model votes (dynamic overlap), $8 the project's refit job key; `refitPending` is the job
 * queue's `pendingSql` over it (read here so that a submit while a refit is due and already
 * queued sends nothing more: issue 16's three statements).
 */
/** The answers the posterior counts: counted, not excluded, with labels. */
const COUNTED_ANSWER = 'counted AND excluded_at IS NULL AND answer_labels IS NOT NULL';
/** The gold answers a worker's gold record counts. */
const SCORED_GOLD_ANSWER =
  'is_gold AND counted AND excluded_at IS NULL AND gold_correct IS NOT NULL';
/** The latest fit of the project given as a SQL expression, as a CTE body. */
const latestFit = (project: string) => `SELECT id, answers_through FROM aggregation_runs
    WHERE project_id = ${project} AND status = 'SUCCEEDED'
    ORDER BY snapshot_at DESC NULLS LAST, finished_at DESC LIMIT 1`;

const onlineInputsSql = (refitPending: string) => `
  WITH answers AS (
    SELECT worker_id, answer_labels FROM assignments
    WHERE task_id = $1 AND ${COUNTED_ANSWER}
      AND ($3::uuid IS NULL OR id <> $3::uuid)
  ), fit AS (
    ${latestFit('$2')}
  ), model AS (
    SELECT (${modelVoteSql('$2::uuid', '$1::uuid')}) AS vote WHERE $7::boolean
  ), voters AS (
    SELECT worker_id FROM answers
    UNION SELECT $4::uuid WHERE $4::uuid IS NOT NULL
    UNION SELECT (vote->>'annotatorId')::uuid FROM model WHERE vote IS NOT NULL
  )
  SELECT json_build_object(
    'answers', (SELECT coalesce(json_agg(json_build_object('w', worker_id, 'l', answer_labels)
                                         ORDER BY worker_id), '[]'::json) FROM answers),
    'runId', (SELECT id FROM fit),
    'model', (SELECT vote FROM model),
    'gold', (SELECT coalesce(json_agg(g), '[]'::json) FROM (
               SELECT worker_id, count(*)::int AS gold_answers,
                      count(*) FILTER (WHERE gold_correct)::int AS gold_correct
               FROM assignments
               WHERE project_id = $2 AND worker_id IN (SELECT worker_id FROM voters)
                 AND ${SCORED_GOLD_ANSWER}
                 AND ($3::uuid IS NULL OR id <> $3::uuid)
               GROUP BY worker_id) g),
    'fitted', (SELECT coalesce(json_agg(q), '[]'::json) FROM (
                 SELECT worker_id, confusion, answers, method, schema_kind, label_keys
                 FROM worker_qualities
                 WHERE project_id = $2 AND worker_id IN (SELECT worker_id FROM voters)
                   AND EXISTS (SELECT 1 FROM fit)) q),
    'recent', (SELECT count(*)::int FROM (
                 SELECT 1 FROM assignments
                 WHERE project_id = $2 AND counted AND answer_labels IS NOT NULL
                   AND ($3::uuid IS NULL OR id <> $3::uuid)
                   AND (NOT EXISTS (SELECT 1 FROM fit)
                        OR submitted_at > (SELECT answers_through FROM fit))
                 LIMIT $5) AS recent),
    'currentAfterFit', $6::timestamptz IS NOT NULL
       AND (NOT EXISTS (SELECT 1 FROM fit) OR $6::timestamptz > (SELECT answers_through FROM fit)),
    'refitPending', ${refitPending})`;

/**
 * The re-check's project-wide reads (`recheckCompleted`), once per re-check: the latest fit, every
 * worker's gold record and fitted row on project $1 — what `onlineInputsSql` reads for a task's
 * voters, for all of them at once.
 */
const RECHECK_PROJECT_SQL = `
  WITH fit AS (${latestFit('$1')})
  SELECT json_build_object(
    'runId', (SELECT id FROM fit),
    'gold', (SELECT coalesce(json_agg(g), '[]'::json) FROM (
               SELECT worker_id, count(*)::int AS gold_answers,
                      count(*) FILTER (WHERE gold_correct)::int AS gold_correct
               FROM assignments WHERE project_id = $1 AND ${SCORED_GOLD_ANSWER}
               GROUP BY worker_id) g),
    'fitted', (SELECT coalesce(json_agg(q), '[]'::json) FROM (
                 SELECT worker_id, confusion, answers, method, schema_kind, label_keys
                 FROM worker_qualities
                 WHERE project_id = $1 AND EXISTS (SELECT 1 FROM fit)) q)) AS project`;

/**
 * The re-check's per-task reads: for the tasks $2 of project $1, each task's counted answers (as
 * `onlineInputsSql` orders them) and the voting model's vote on it.
 */
const RECHECK_TASKS_SQL = `
  SELECT d.id,
         (SELECT coalesce(json_agg(json_build_object('w', a.worker_id, 'l', a.answer_labels)
                                   ORDER BY a.worker_id), '[]'::json)
          FROM assignments a WHERE a.task_id = d.id AND ${COUNTED_ANSWER}) AS answers,
         (${modelVoteSql('$1::uuid', 'd.id')}) AS vote
  FROM unnest($2::uuid[]) AS d(id) ORDER BY d.id`;

/** Default completed tasks one statement of the post-refit re-check reads. */
const RECHECK_CHUNK = 500;

/** The unique key of a project's refit job: one queued or running at a time. */
const refitKey = (projectId: string) => `online-refit:${projectId}`;

/**
 * Online aggregation and dynamic overlap in the product (issue 4, docs/quality-online.md).
 *
 * After every submitted answer, inside the submit transaction (a submission hook, so the posterior
 * and the completion commit or roll back with the answer), the task's posterior is recomputed from
 * ALL its counted, non-excluded answers with the current reliabilities, and the dynamic-overlap
 * policy (algorithms/dynamic-overlap.ts, the code the replay benchmark runs) decides whether the
 * task completes. The assignment service then marks it COMPLETE (status, completed_at); selection
 * only serves OPEN tasks. Gold tasks are left alone (they never complete).
 *
 * Reliabilities: each worker's confusion matrix from the project's last full fit (the
 * `worker_qualities` rows of the latest SUCCEEDED aggregation run, used only when the run was
 * Dawid–Skene on the current schema keys), shrunk toward a prior from the worker's live gold
 * record on this project; a worker the fit did not see gets that prior alone. Class priors are the
 * fit's: Dawid–Skene's p[k] is the mean posterior of the answered tasks, which the fit stored on
 * the tasks, so they are read back as that mean on first use after each fit and cached per run (an
 * answer committed between the fit's write and that read shifts them slightly). Before any fit:
 * uniform priors and every worker on the prior.
 *
 * Refits: once `refitEveryAnswers` counted answers were submitted after the last fit's snapshot
 * (its `answers_through`: the injected clock's time, the clock `submitted_at` is on), a
 * `quality.online-refit` job is queued with unique key `online-refit:<project>` (so one runs at a
 * time; a submit that reads it pending queues nothing); it runs the aggregation service's own
 * background run (Dawid–Skene, gold clamped), which rewrites every task's posterior and the
 * workers' confusions. `runAggregation` on demand refreshes
 * them the same way. SINGLE_CHOICE only: MULTI_LABEL tasks complete at `maxOverlap`.
 *
 * Pre-label model (issue 7, algorithms/model-gate.ts): in a dynamic-overlap project (a
 * confidenceTarget and maxOverlap > minOverlap), when the project's LATEST model version has a
 * prediction on the task, its prediction enters the posterior as one more annotator (the
 * version's MODEL user, with its `worker_qualities` confusion from the last fit, shrunk like
 * anyone's toward a prior from its gold record — its predictions on the project's gold tasks).
 * It answers softly, with its probability vector (issue 15: the likelihood Σ_l q_l·π[k][l],
 * `onlinePosteriorWithSoft`), so an unsure prediction weighs little; its top label only when the
 * stored vector no longer fits the schema.
 * Older versions are left out on purpose: a superseded model would vote twice with correlated
 * errors. The model is never counted as an answer (minOverlap and maxOverlap count humans), but
 * the seeded quality gate may complete the task below minOverlap once a human agrees with a model
 * trusted on gold. Fixed-overlap projects are unchanged.
 */
export class OnlineAggregationService {
  private readonly refitEvery: number;
  private readonly recheckChunk: number;
  private readonly shrinkage: ShrinkageOptions;
  private readonly classPriorCache = new Map<string, { runId: string; priors: Float64Array }>();
  private readonly inputsSql: string;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly aggregation: AggregationService,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    options: OnlineAggregationOptions = {},
    /** The slot owner that reopens tasks after a refit's re-check; none = no re-check. */
    private readonly slots: TaskSlots | null = null,
  ) {
    this.refitEvery = options.refitEveryAnswers ?? DEFAULT_REFIT_EVERY_ANSWERS;
    this.shrinkage = options.shrinkage ?? {};
    this.recheckChunk = options.recheckChunk ?? RECHECK_CHUNK;
    this.inputsSql = onlineInputsSql(jobs.pendingSql('$8::text'));
    if (!(Number.isInteger(this.refitEvery) && this.refitEvery >= 1)) {
      throw new RangeError('refitEveryAnswers must be a positive integer');
    }
    if (!(Number.isInteger(this.recheckChunk) && this.recheckChunk >= 1)) {
      throw new RangeError('recheckChunk must be a positive integer');
    }
  }

  /**
   * The count-change hook (`TaskSlots.onCountChanged`): an answer left or re-entered the count
   * (rejection, exclusion, reversal, inclusion), so the task's posterior drops or re-adds it.
   */
  async onCountChanged(tx: RequestContext, change: CountChange): Promise<void> {
    if (change.task.isGold) return;
    if (isStructuredKind(change.project.labelSchema.kind)) {
      await updateKindTaskConfidence(this.db, tx, change.project, change.task);
      return;
    }
    await this.updateTask(tx, change.project, change.task);
  }

  /**
   * The pre-label hook (`PrelabelService.onVotingPredictionsChanged`, wired in
   * prelabel.wiring.ts): the project's voting model's predictions changed on `taskIds` (a batch
   * stored) or on every task (null: a version was promoted), so the serving priority of its
   * unanswered ordinary tasks follows the model's margin (`setModelServePriorities`). Runs in the
   * caller's transaction.
   */
  async onVotingPredictionsChanged(
    tx: RequestContext,
    change: { readonly projectId: string; readonly taskIds: readonly string[] | null },
  ): Promise<void> {
    await setModelServePriorities(this.db, tx, change.projectId, change.taskIds);
  }

  /**
   * The submission hook: updates the task's posterior and consensus, asks for completion when the
   * policy says COMPLETE_CONFIDENT, and queues a refit when due. Runs inside `tx`.
   *
   * A gold answer runs exactly the same statements (DESIGN.md promise 8: a gold submit must not
   * be measurably faster than an ordinary one): its posterior is computed and the same UPDATE
   * runs, which leaves a gold task's stored posterior and consensus as they were, and its
   * decision is ignored (gold never completes).
   */
  async onSubmitted(
    tx: RequestContext,
    submitted: SubmittedAnswer,
    prefetched?: unknown,
  ): Promise<SubmissionDecision> {
    const { task, project, assignment } = submitted;
    if (isStructuredKind(project.labelSchema.kind)) {
      // The kind's own confidence (kind-confidence.ts); no Dawid–Skene refit applies to it. It
      // reads the task's answers itself, so the held answer write goes first (statement-batch).
      const kind = await updateKindTaskConfidence(this.db, tx, project, task);
      return { completeTask: !task.isGold && kind.decision === 'COMPLETE_CONFIDENT' };
    }
    // Read in the submit's one read statement (`prefetchSubmitted`), without this answer, which
    // is added here; without it (a caller that did not prefetch), read now, answer included.
    const inputs = prefetched
      ? (prefetched as OnlineInputs)
      : await this.readInputs(tx, this.inputsQuery(project, task, null));
    const current: CurrentAnswer | null = prefetched
      ? {
          workerId: assignment.workerId,
          labels: assignment.answerLabels ?? [],
          goldCorrect: assignment.isGold ? assignment.goldCorrect : null,
        }
      : null;
    const online = await this.posteriorFrom(tx, project, inputs, current);
    // Stored by the submit's one task write (`TaskSlots.storeSubmittedTask`); a gold task keeps
    // its stored values, through the same statement.
    if (online && !task.isGold) Object.assign(task, storedPosterior(online));
    const recent = inputs.recent + (current && inputs.currentAfterFit ? 1 : 0);
    // Due and not yet queued: the insert is held with the submit's other writes. Once queued,
    // every later submit until the refit runs reads `refitPending` and sends nothing.
    if (recent >= this.refitEvery && !inputs.refitPending) {
      await this.jobs.enqueueHeld(
        tx,
        ONLINE_AGGREGATION_JOBS.refit,
        { projectId: project.id },
        { uniqueKey: refitKey(project.id) },
      );
    }
    return { completeTask: !task.isGold && online?.decision === 'COMPLETE_CONFIDENT' };
  }

  /**
   * The submission step's reads (`SubmissionStep.prefetch`): `onlineInputsSql` for the task,
   * leaving out the answer being submitted, which `onSubmitted` adds.
   */
  prefetchSubmitted(submitted: SubmittedAnswer): SqlPiece | null {
    const { assignment, project, task } = submitted;
    // A structured kind reads its task's answers itself (kind-confidence.ts).
    if (isStructuredKind(project.labelSchema.kind)) return null;
    return this.inputsQuery(project, task, {
      assignmentId: assignment.id,
      workerId: assignment.workerId,
      at: assignment.submittedAt!,
    });
  }

  private inputsQuery(
    project: Project,
    task: Task,
    current: { assignmentId: string; workerId: string; at: Date } | null,
  ): SqlPiece {
    const dynamic = project.confidenceTarget !== null && project.maxOverlap > project.minOverlap;
    return {
      sql: this.inputsSql,
      params: [
        task.id,
        project.id,
        current?.assignmentId ?? null,
        current?.workerId ?? null,
        current ? this.refitEvery : 0,
        current?.at ?? null,
        dynamic,
        refitKey(project.id),
      ],
    };
  }

  private async readInputs(ctx: RequestContext, query: SqlPiece): Promise<OnlineInputs> {
    const [inputs] = await this.db.readTogether(ctx, [query]);
    return inputs as OnlineInputs;
  }

  /**
   * The task's online posterior from its answers and the current reliabilities, without writing
   * anything; null for a MULTI_LABEL project. `ctx` may be a transaction.
   */
  async posteriorOf(
    ctx: RequestContext,
    project: Project,
    task: Task,
  ): Promise<OnlineTaskPosterior | null> {
    if (project.labelSchema.kind !== LabelSchemaKind.SINGLE_CHOICE) return null;
    const inputs = await this.readInputs(ctx, this.inputsQuery(project, task, null));
    return this.posteriorFrom(ctx, project, inputs, null);
  }

  /** `posteriorOf` from what was read, plus `current` when the read left it out. */
  private async posteriorFrom(
    ctx: RequestContext,
    project: Project,
    inputs: OnlineInputs,
    current: CurrentAnswer | null,
  ): Promise<OnlineTaskPosterior | null> {
    if (project.labelSchema.kind !== LabelSchemaKind.SINGLE_CHOICE) return null;
    const keys = project.labelSchema.labels.map(label => label.key);
    const K = keys.length;
    const answerRows = inputs.answers.map(row => ({ worker_id: row.w, answer_labels: row.l }));
    if (current) {
      // In worker order, as the read orders the others (uuid order is the text's order).
      const at = answerRows.findIndex(row => row.worker_id > current.workerId);
      const row = { worker_id: current.workerId, answer_labels: [...current.labels] };
      answerRows.splice(at < 0 ? answerRows.length : at, 0, row);
    }
    const workerIds: string[] = [];
    const labels: number[] = [];
    for (const row of answerRows) {
      const label = row.answer_labels.length === 1 ? keys.indexOf(row.answer_labels[0]) : -1;
      if (label < 0) continue; // written under an older schema: not readable now
      workerIds.push(row.worker_id);
      labels.push(label);
    }
    const policy = {
      minOverlap: project.minOverlap,
      maxOverlap: project.maxOverlap,
      confidenceTarget: project.confidenceTarget,
    };
    const vote = modelVoteOf(inputs.model);
    const modelLabel = vote ? keys.indexOf(vote.predictedLabel) : -1;
    const model: (ModelVote & { label: number }) | null =
      vote && modelLabel >= 0 ? { ...vote, label: modelLabel } : null;
    const humans = workerIds.length;
    const voters = model ? [...workerIds, model.annotatorId] : workerIds;
    // The model answers with its probability vector (a soft answer, `onlinePosteriorWithSoft`)
    // when the stored vector fits the schema, else with its top label as before.
    const soft = model && softVector(model.probabilities, K);
    const voterLabels = model && !soft ? [...labels, model.label] : labels;
    const goldOf = new Map<string, GoldRecord>(inputs.gold.map(row => [row.worker_id, row]));
    if (current && current.goldCorrect !== null) {
      const record = goldOf.get(current.workerId) ?? { gold_answers: 0, gold_correct: 0 };
      goldOf.set(current.workerId, {
        gold_answers: record.gold_answers + 1,
        gold_correct: record.gold_correct + (current.goldCorrect ? 1 : 0),
      });
    }
    if (model) goldOf.set(model.annotatorId, model.gold);
    const reliabilities = await this.reliabilitiesFor(
      ctx,
      project.id,
      inputs,
      keys,
      voters,
      goldOf,
    );
    const verdict = evaluateTask(
      reliabilities,
      policy,
      voterLabels.map((_, i) => i),
      voterLabels,
      new Float64Array(K),
      soft ? [{ worker: humans, probabilities: soft }] : [],
    );
    // The model is never an answer: the overlap bounds count humans only.
    let decision = overlapDecision(policy, humans, verdict.confidence);
    let modelResult: OnlineTaskPosterior['model'] = null;
    if (model) {
      const gate = modelGateDecision({
        modelGoldAnswers: model.gold.gold_answers,
        modelGoldCorrect: model.gold.gold_correct,
        modelLabel: model.label,
        modelConfidence: model.confidence,
        humanLabels: labels,
        topLabel: verdict.topLabel,
        posteriorConfidence: verdict.confidence,
        confidenceTarget: policy.confidenceTarget,
        minAccuracy: project.modelGateMinAccuracy,
      });
      if (gate.open) decision = 'COMPLETE_CONFIDENT';
      modelResult = {
        modelVersionId: model.modelVersionId,
        label: keys[model.label],
        confidence: model.confidence,
        gate,
      };
    }
    return { ...verdict, decision, keys, answers: humans, runId: inputs.runId, model: modelResult };
  }

  /**
   * The job body: a full Dawid–Skene refit (gold clamped) through the aggregation service's own
   * background run, which refreshes task posteriors and worker confusions. Not in a transaction.
   */
  async refit(ctx: RequestContext, projectId: string): Promise<{ status: string; runId?: string }> {
    const project = await this.db.repo(ctx, Project).findOneBy({ id: projectId });
    // Refit with the project's own method when it learns confusion matrices, so the refit and
    // the requester's runs agree; plain Dawid–Skene otherwise.
    const method =
      project && CONFUSION_METHODS.has(project.aggregationMethod)
        ? project.aggregationMethod
        : 'dawid-skene';
    const runs = this.db.repo(ctx, AggregationRun);
    const run = await runs.save(
      runs.create({
        projectId,
        requestedBy: null,
        method,
        status: AggregationRunStatus.QUEUED,
        background: true,
        logLikelihood: [],
      }),
    );
    const result = await this.aggregation.runQueued(ctx, run.id);
    const reopened =
      result.status === AggregationRunStatus.SUCCEEDED && project
        ? await this.recheckCompleted(ctx, project)
        : 0;
    this.logger.info({ projectId, runId: run.id, status: result.status, reopened }, 'online refit');
    return { status: result.status, runId: run.id };
  }

  /**
   * The re-check after a refit (dynamic overlap): every ordinary task that completed confident
   * below `maxOverlap` is judged again by the policy with the new reliabilities, and the ones it
   * no longer finds confident (CONTINUE) reopen (`TaskSlots.reopenCompleted`) and are served
   * again, with their online posterior and serving priority. A task completes on the
   * reliabilities known when its last answer came in; the first fits of a project know its
   * workers little, so a pair of agreeing answers from workers a later fit finds near chance
   * stopped a task too early. The replay (bench/replay.ts, `--frontier`) measured what this
   * costs against the stopping rule with reliabilities known from the start: without the
   * re-check, a low target loses accuracy that the known-reliability rule keeps. Only ACTIVE and
   * PAUSED projects (a completed project stays as it ended). The workers' gold records and fitted
   * rows are read once for the project, the tasks' answers and model votes `recheckChunk` tasks
   * per statement, and each task is judged by `posteriorFrom`, the submit's own code; returns how
   * many tasks reopened.
   */
  async recheckCompleted(ctx: RequestContext, project: Project): Promise<number> {
    const dynamic = project.confidenceTarget !== null && project.maxOverlap > project.minOverlap;
    if (
      !this.slots ||
      !dynamic ||
      project.labelSchema.kind !== LabelSchemaKind.SINGLE_CHOICE ||
      (project.status !== ProjectStatus.ACTIVE && project.status !== ProjectStatus.PAUSED)
    ) {
      return 0;
    }
    const [shared] = await this.db.readTogether(ctx, [
      { sql: RECHECK_PROJECT_SQL, params: [project.id] },
    ]);
    const { runId, gold, fitted } = shared as Pick<OnlineInputs, 'runId' | 'gold' | 'fitted'>;
    const goldOf = new Map(gold.map(row => [row.worker_id, row]));
    const fittedOf = new Map(fitted.map(row => [row.worker_id, row]));
    // The candidates' ids in one read (the project's completed tasks below maxOverlap), then
    // their inputs `recheckChunk` at a time by id.
    const candidates = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `SELECT id FROM tasks
       WHERE project_id = $1 AND status = 'COMPLETE' AND NOT is_gold AND counted_answers < $2
       ORDER BY id`,
      [project.id, project.maxOverlap],
    );
    const doubted: string[] = [];
    for (let start = 0; start < candidates.length; start += this.recheckChunk) {
      const ids = candidates.slice(start, start + this.recheckChunk).map(row => row.id);
      const rows = await queryRows<{ id: string; answers: OnlineInputs['answers']; vote: unknown }>(
        this.db.manager(ctx),
        RECHECK_TASKS_SQL,
        [project.id, ids],
      );
      for (const row of rows) {
        // The inputs `onlineInputsSql` would read for this task, from the project-wide reads.
        const voters = row.answers.map(answer => answer.w);
        const annotator = modelVoteOf(row.vote)?.annotatorId;
        if (annotator) voters.push(annotator);
        const inputs: OnlineInputs = {
          answers: row.answers,
          runId,
          model: row.vote,
          gold: voters.flatMap(w => {
            const record = goldOf.get(w);
            return record ? [record] : [];
          }),
          fitted: runId
            ? voters.flatMap(w => {
                const record = fittedOf.get(w);
                return record ? [record] : [];
              })
            : [],
          recent: 0,
          currentAfterFit: false,
          refitPending: false,
        };
        const online = await this.posteriorFrom(ctx, project, inputs, null);
        if (online && online.answers > 0 && online.decision === 'CONTINUE') doubted.push(row.id);
      }
    }
    if (doubted.length === 0) return 0;
    const slots = this.slots;
    let reopenedCount = 0;
    // One transaction per chunk: the task locks are held briefly, and a rolled-back chunk leaves
    // its tasks complete (the next refit re-checks them). The decisions above were made outside
    // any transaction, on the project as the refit job read it: each chunk first holds the
    // project row (FOR SHARE, so it cannot be completed or change its policy meanwhile) and stops
    // if it was, then judges each locked task again (an answer from a lease still out may have
    // been counted since) and reopens only those still below the target.
    for (let start = 0; start < doubted.length; start += this.recheckChunk) {
      const ids = doubted.slice(start, start + this.recheckChunk);
      const reopened = await this.db.withTransaction(ctx, async tx => {
        const [current] = await queryRows<{
          status: string;
          min_overlap: number;
          max_overlap: number;
          confidence_target: number | null;
        }>(
          this.db.manager(tx),
          `SELECT status, min_overlap, max_overlap, confidence_target FROM projects
           WHERE id = $1 FOR SHARE`,
          [project.id],
        );
        const unchanged =
          current !== undefined &&
          (current.status === ProjectStatus.ACTIVE || current.status === ProjectStatus.PAUSED) &&
          current.min_overlap === project.minOverlap &&
          current.max_overlap === project.maxOverlap &&
          current.confidence_target === project.confidenceTarget;
        if (!unchanged) return null;
        // The posterior judged on the locked row is the one stored (updateTask would read it
        // again otherwise).
        const judged = new Map<string, OnlineTaskPosterior>();
        const tasks = await slots.reopenCompleted(tx, ids, project.maxOverlap, async task => {
          const online = await this.posteriorOf(tx, project, task);
          if (online === null || online.answers === 0 || online.decision !== 'CONTINUE') {
            return false;
          }
          judged.set(task.id, online);
          return true;
        });
        for (const task of tasks) await this.updateTask(tx, project, task, judged.get(task.id));
        return tasks.length;
      });
      if (reopened === null) break;
      reopenedCount += reopened;
    }
    return reopenedCount;
  }

  /**
   * Recomputes and stores the task's posterior, consensus and confidence (aggregation is the one
   * writer of these columns; the refit writes them too). A gold task goes through the same
   * statements but keeps its stored values (the CASE), so gold and ordinary answers cost the same
   * work (see `onSubmitted`).
   */
  private async updateTask(
    tx: RequestContext,
    project: Project,
    task: Task,
    computed?: OnlineTaskPosterior,
  ): Promise<OnlineTaskPosterior | null> {
    const online = computed ?? (await this.posteriorOf(tx, project, task));
    if (!online) return null;
    const stored = storedPosterior(online);
    const { posterior, consensusLabels, consensusConfidence, servePriority } = stored;
    await queryRows(
      this.db.manager(tx),
      `UPDATE tasks SET
         posterior = CASE WHEN is_gold THEN posterior ELSE $2::float8[] END,
         consensus_labels = CASE WHEN is_gold THEN consensus_labels ELSE $3::text[] END,
         consensus_confidence = CASE WHEN is_gold THEN consensus_confidence ELSE $4 END,
         serve_priority = CASE WHEN is_gold THEN serve_priority ELSE $5 END,
         updated_at = now()
       WHERE id = $1`,
      [task.id, posterior, consensusLabels, consensusConfidence, servePriority],
    );
    if (!task.isGold) Object.assign(task, stored);
    // The last answer left the count: the task is back among the unanswered, ordered by the
    // model's margin like them (a second statement, on this rare path only).
    if (!task.isGold && online.answers === 0) {
      const [row] = await setModelServePriorities(this.db, tx, project.id, [task.id]);
      if (row) task.servePriority = row.serve_priority;
    }
    return online;
  }

  /**
   * Reliabilities of `workerIds` (dense index i = workerIds[i]) for the online posterior, from
   * the fit's confusions and the gold records `goldOf` (a model's from its predictions on gold).
   */
  private async reliabilitiesFor(
    ctx: RequestContext,
    projectId: string,
    inputs: OnlineInputs,
    keys: readonly string[],
    workerIds: readonly string[],
    goldOf: ReadonlyMap<string, GoldRecord>,
  ): Promise<WorkerReliabilities> {
    const K = keys.length;
    const fitted = new Map<string, { confusion: number[]; answers: number }>();
    if (inputs.runId) {
      for (const row of inputs.fitted) {
        const usable =
          CONFUSION_METHODS.has(row.method) &&
          row.schema_kind === 'SINGLE_CHOICE' &&
          row.confusion?.length === K * K &&
          sameKeys(row.label_keys, keys);
        if (usable) fitted.set(row.worker_id, { confusion: row.confusion!, answers: row.answers });
      }
    }
    const records: WorkerFitRecord[] = workerIds.map(workerId => ({
      confusion: fitted.get(workerId)?.confusion ?? null,
      answers: fitted.get(workerId)?.answers ?? 0,
      goldAnswers: goldOf.get(workerId)?.gold_answers ?? 0,
      goldCorrect: goldOf.get(workerId)?.gold_correct ?? 0,
    }));
    const priors =
      fitted.size > 0 && inputs.runId
        ? await this.classPriors(ctx, projectId, inputs.runId, K)
        : new Float64Array(K);
    return shrinkReliabilities(records, priors, this.shrinkage);
  }

  /**
   * The fit's class priors: the mean stored posterior of the project's answered tasks (what
   * Dawid–Skene's p[k] is), read once per run and cached.
   */
  private async classPriors(
    ctx: RequestContext,
    projectId: string,
    runId: string,
    K: number,
  ): Promise<Float64Array> {
    const cached = this.classPriorCache.get(projectId);
    if (cached?.runId === runId && cached.priors.length === K) return cached.priors;
    const rows = await queryRows<{ k: number; prior: number }>(
      this.db.manager(ctx),
      `SELECT k, avg(t.posterior[k]) AS prior
       FROM tasks t CROSS JOIN generate_series(1, $2::int) AS k
       WHERE t.project_id = $1 AND t.posterior IS NOT NULL
         AND array_length(t.posterior, 1) = $2::int
       GROUP BY k ORDER BY k`,
      [projectId, K],
    );
    const priors = new Float64Array(K);
    for (const row of rows) priors[Number(row.k) - 1] = Number(row.prior);
    this.classPriorCache.set(projectId, { runId, priors });
    return priors;
  }
}

/**
 * The task columns an online posterior sets (none of them when the task has no answer). Without
 * an answer the priority written here is 0; `updateTask` then sets the voting model's margin
 * (`setModelServePriorities`). A submit always brings an answer, so its one task write needs no
 * model read (an answer unreadable under the current schema, the one exception, leaves the task
 * with a counted answer, ordered after every unanswered task anyway).
 */
function storedPosterior(online: OnlineTaskPosterior) {
  const hasAnswers = online.answers > 0;
  return {
    posterior: hasAnswers ? Array.from(online.posterior) : null,
    consensusLabels: hasAnswers ? [online.keys[online.topLabel]] : null,
    consensusConfidence: hasAnswers ? online.confidence : null,
    // The serving order (docs/leasing.md) follows the posterior it derives from.
    servePriority: hasAnswers ? posteriorMargin(online.posterior) : 0,
  };
}

/** The model's stored vector as a soft answer over K labels, or null when it does not fit. */
function softVector(probabilities: readonly number[], K: number): readonly number[] | null {
  if (probabilities.length !== K) return null;
  let mass = 0;
  for (const p of probabilities) {
    if (!(p >= 0 && Number.isFinite(p))) return null;
    mass += p;
  }
  return mass > 0 ? probabilities : null;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}
