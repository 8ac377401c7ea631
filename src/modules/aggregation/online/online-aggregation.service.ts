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
import { type ModelVote, modelVote } from '../../prelabel/model-vote';
import type { JobQueue } from '../../jobs/job-queue';
import { Project } from '../../projects/project.entity';
import { isStructuredKind } from '../../projects/kind-settings';
import { LabelSchemaKind } from '../../projects/project.types';
import type { Task } from '../../marketplace/task.entity';
import {
  type OverlapVerdict,
  type ShrinkageOptions,
  type WorkerFitRecord,
  evaluateTask,
  overlapDecision,
  shrinkReliabilities,
} from './algorithms/dynamic-overlap';
import { type ModelGateDecision, modelGateDecision } from './algorithms/model-gate';
import { updateKindTaskConfidence } from './kind-confidence';

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

interface LatestFit {
  readonly runId: string | null;
  /** The fit's snapshot as text (microseconds); null = no fit yet. */
  readonly snapshotAt: string | null;
}

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
 * Refits: once `refitEveryAnswers` counted answers were submitted after the last fit's snapshot, a
 * `quality.online-refit` job is queued with unique key `online-refit:<project>` (so one runs at a
 * time); it runs the aggregation service's own background run (Dawid–Skene, gold clamped), which
 * rewrites every task's posterior and the workers' confusions. `runAggregation` on demand refreshes
 * them the same way. SINGLE_CHOICE only: MULTI_LABEL tasks complete at `maxOverlap`.
 *
 * Pre-label model (issue 7, algorithms/model-gate.ts): in a dynamic-overlap project (a
 * confidenceTarget and maxOverlap > minOverlap), when the project's LATEST model version has a
 * prediction on the task, its predicted label enters the posterior as one more annotator (the
 * version's MODEL user, with its `worker_qualities` confusion from the last fit, shrunk like
 * anyone's toward a prior from its gold record — its predictions on the project's gold tasks).
 * Older versions are left out on purpose: a superseded model would vote twice with correlated
 * errors. The model is never counted as an answer (minOverlap and maxOverlap count humans), but
 * the seeded quality gate may complete the task below minOverlap once a human agrees with a model
 * trusted on gold. Fixed-overlap projects are unchanged.
 */
export class OnlineAggregationService {
  private readonly refitEvery: number;
  private readonly shrinkage: ShrinkageOptions;
  private readonly classPriorCache = new Map<string, { runId: string; priors: Float64Array }>();

  constructor(
    private readonly db: TransactionalConnection,
    private readonly aggregation: AggregationService,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    options: OnlineAggregationOptions = {},
  ) {
    this.refitEvery = options.refitEveryAnswers ?? DEFAULT_REFIT_EVERY_ANSWERS;
    this.shrinkage = options.shrinkage ?? {};
    if (!(Number.isInteger(this.refitEvery) && this.refitEvery >= 1)) {
      throw new RangeError('refitEveryAnswers must be a positive integer');
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
   * The submission hook: updates the task's posterior and consensus, asks for completion when the
   * policy says COMPLETE_CONFIDENT, and queues a refit when due. Runs inside `tx`.
   *
   * A gold answer runs exactly the same statements (DESIGN.md promise 8: a gold submit must not
   * be measurably faster than an ordinary one): its posterior is computed and the same UPDATE
   * runs, which leaves a gold task's stored posterior and consensus as they were, and its
   * decision is ignored (gold never completes).
   */
  async onSubmitted(tx: RequestContext, submitted: SubmittedAnswer): Promise<SubmissionDecision> {
    const { task, project } = submitted;
    if (isStructuredKind(project.labelSchema.kind)) {
      // The kind's own confidence (kind-confidence.ts); no Dawid–Skene refit applies to it.
      const kind = await updateKindTaskConfidence(this.db, tx, project, task);
      return { completeTask: !task.isGold && kind.decision === 'COMPLETE_CONFIDENT' };
    }
    const online = await this.updateTask(tx, project, task);
    await this.queueRefitIfDue(tx, project.id);
    return { completeTask: !task.isGold && online?.decision === 'COMPLETE_CONFIDENT' };
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
    const keys = project.labelSchema.labels.map(label => label.key);
    const K = keys.length;
    const manager = this.db.manager(ctx);
    const answerRows = await queryRows<{ worker_id: string; answer_labels: string[] }>(
      manager,
      `SELECT worker_id, answer_labels FROM assignments
       WHERE task_id = $1 AND counted AND excluded_at IS NULL AND answer_labels IS NOT NULL
       ORDER BY worker_id`,
      [task.id],
    );
    const workerIds: string[] = [];
    const labels: number[] = [];
    for (const row of answerRows) {
      const label = row.answer_labels.length === 1 ? keys.indexOf(row.answer_labels[0]) : -1;
      if (label < 0) continue; // written under an older schema: not readable now
      workerIds.push(row.worker_id);
      labels.push(label);
    }
    const fit = await this.latestFit(ctx, project.id);
    const policy = {
      minOverlap: project.minOverlap,
      maxOverlap: project.maxOverlap,
      confidenceTarget: project.confidenceTarget,
    };
    const dynamic = policy.confidenceTarget !== null && policy.maxOverlap > policy.minOverlap;
    const model = dynamic ? await this.modelVote(ctx, project.id, task.id, keys) : null;
    const humans = workerIds.length;
    const voters = model ? [...workerIds, model.annotatorId] : workerIds;
    const voterLabels = model ? [...labels, model.label] : labels;
    const reliabilities = await this.reliabilitiesFor(
      ctx,
      project.id,
      fit,
      keys,
      voters,
      model ? new Map([[model.annotatorId, model.gold]]) : undefined,
    );
    const verdict = evaluateTask(
      reliabilities,
      policy,
      voters.map((_, i) => i),
      voterLabels,
      new Float64Array(K),
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
      });
      if (gate.open) decision = 'COMPLETE_CONFIDENT';
      modelResult = {
        modelVersionId: model.modelVersionId,
        label: keys[model.label],
        confidence: model.confidence,
        gate,
      };
    }
    return { ...verdict, decision, keys, answers: humans, runId: fit.runId, model: modelResult };
  }

  /**
   * The latest model version's vote on the task (prelabel/'s `modelVote`) as a label index;
   * null when there is none or its label is not one of `keys`.
   */
  private async modelVote(
    ctx: RequestContext,
    projectId: string,
    taskId: string,
    keys: readonly string[],
  ): Promise<(ModelVote & { label: number }) | null> {
    const vote = await modelVote(this.db, ctx, projectId, taskId);
    const label = vote ? keys.indexOf(vote.predictedLabel) : -1;
    return vote && label >= 0 ? { ...vote, label } : null;
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
    this.logger.info({ projectId, runId: run.id, status: result.status }, 'online refit');
    return { status: result.status, runId: run.id };
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
  ): Promise<OnlineTaskPosterior | null> {
    const online = await this.posteriorOf(tx, project, task);
    if (!online) return null;
    const hasAnswers = online.answers > 0;
    const posterior = hasAnswers ? Array.from(online.posterior) : null;
    const consensusLabels = hasAnswers ? [online.keys[online.topLabel]] : null;
    const consensusConfidence = hasAnswers ? online.confidence : null;
    await queryRows(
      this.db.manager(tx),
      `UPDATE tasks SET
         posterior = CASE WHEN is_gold THEN posterior ELSE $2::float8[] END,
         consensus_labels = CASE WHEN is_gold THEN consensus_labels ELSE $3::text[] END,
         consensus_confidence = CASE WHEN is_gold THEN consensus_confidence ELSE $4 END,
         updated_at = now()
       WHERE id = $1`,
      [task.id, posterior, consensusLabels, consensusConfidence],
    );
    if (!task.isGold) Object.assign(task, { posterior, consensusLabels, consensusConfidence });
    return online;
  }

  private async latestFit(ctx: RequestContext, projectId: string): Promise<LatestFit> {
    const [row] = await queryRows<{ id: string; snapshot_at: string | null }>(
      this.db.manager(ctx),
      `SELECT id, snapshot_at::text AS snapshot_at FROM aggregation_runs
       WHERE project_id = $1 AND status = 'SUCCEEDED'
       ORDER BY snapshot_at DESC NULLS LAST, finished_at DESC LIMIT 1`,
      [projectId],
    );
    return { runId: row?.id ?? null, snapshotAt: row?.snapshot_at ?? null };
  }

  /**
   * Reliabilities of `workerIds` (dense index i = workerIds[i]) for the online posterior.
   * `goldRecords` supplies gold records not kept in assignments (a model's predictions on gold).
   */
  private async reliabilitiesFor(
    ctx: RequestContext,
    projectId: string,
    fit: LatestFit,
    keys: readonly string[],
    workerIds: readonly string[],
    goldRecords?: ReadonlyMap<string, GoldRecord>,
  ): Promise<WorkerReliabilities> {
    const K = keys.length;
    const manager = this.db.manager(ctx);
    const gold = await queryRows<GoldRecord & { worker_id: string }>(
      manager,
      `SELECT worker_id, count(*)::int AS gold_answers,
              count(*) FILTER (WHERE gold_correct)::int AS gold_correct
       FROM assignments
       WHERE project_id = $1 AND worker_id = ANY($2::uuid[]) AND is_gold
         AND counted AND excluded_at IS NULL AND gold_correct IS NOT NULL
       GROUP BY worker_id`,
      [projectId, workerIds],
    );
    const goldOf = new Map<string, GoldRecord>(gold.map(row => [row.worker_id, row]));
    for (const [workerId, record] of goldRecords ?? []) goldOf.set(workerId, record);
    const fitted = new Map<string, { confusion: number[]; answers: number }>();
    if (fit.runId) {
      const rows = await queryRows<{
        worker_id: string;
        confusion: number[] | null;
        answers: number;
        method: string;
        schema_kind: string;
        label_keys: string[];
      }>(
        manager,
        `SELECT worker_id, confusion, answers, method, schema_kind, label_keys
         FROM worker_qualities WHERE project_id = $1 AND worker_id = ANY($2::uuid[])`,
        [projectId, workerIds],
      );
      for (const row of rows) {
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
      fitted.size > 0 && fit.runId
        ? await this.classPriors(ctx, projectId, fit.runId, K)
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

  /** Queues a refit once `refitEvery` answers arrived after the last fit's snapshot. */
  private async queueRefitIfDue(tx: RequestContext, projectId: string): Promise<void> {
    const fit = await this.latestFit(tx, projectId);
    const [row] = await queryRows<{ n: number }>(
      this.db.manager(tx),
      `SELECT count(*)::int AS n FROM (
         SELECT 1 FROM assignments
         WHERE project_id = $1 AND counted AND answer_labels IS NOT NULL
           AND ($2::timestamptz IS NULL OR submitted_at > $2::timestamptz)
         LIMIT $3) AS recent`,
      [projectId, fit.snapshotAt, this.refitEvery],
    );
    if (row.n >= this.refitEvery) {
      await this.jobs.enqueue(
        tx,
        ONLINE_AGGREGATION_JOBS.refit,
        { projectId },
        { uniqueKey: `online-refit:${projectId}` },
      );
    }
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}
