import { availableParallelism } from 'node:os';
import type { EntityTarget } from 'typeorm';
import { performance } from 'node:perf_hooks';
import { BadUserInputError, NotFoundError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { type ConnectionArgs, type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import type { JobQueue } from '../jobs/job-queue';
import { Project } from '../projects/project.entity';
import { ProjectNotEditableError } from '../projects/project.errors';
import type { ProjectService } from '../projects/project.service';
import { LabelSchemaKind, ProjectStatus } from '../projects/project.types';
import { Task } from '../marketplace/task.entity';
import {
  AGGREGATOR_NAMES,
  type AggregatorName,
  DEFAULT_AGGREGATOR,
  SOFT_ANSWER_METHODS,
  accuracyFromConfusion,
  isAggregatorName,
} from './algorithms';
import { AggregationRun } from './aggregation-run.entity';
import { posteriorMargin } from './online/algorithms/dynamic-overlap';
import { setModelServePriorities } from './online/model-serve-priority';
import { UnknownAggregationMethodError, ResultsExportTooLargeError } from './aggregation.errors';
import { LabelsAggregatedEvent } from './aggregation.events';
import {
  AGGREGATION_LIMITS,
  type ConfusionRow,
  type KeyConfusion,
  type ProjectResultsArgs,
  type ResultsPageArgs,
  type ResultsExport,
  type TaskResult,
  type WorkerQualityView,
} from './aggregation.inputs';
import { AggregationRunStatus, ResultsExportFormat } from './aggregation.types';
import { exportKindResults, presentKindResult } from './kind-results';
import { KindAnswerStore, type RunStats, type Snapshot, beginSnapshot } from './kind-answer-store';
import { kindWorkerQualities } from './kind-reliability';
import { KIND_AGGREGATORS, aggregateKind } from '../kinds/kind-aggregate';
import type { KindName } from '../kinds/task-kind';
import { kindOf } from '../kinds/kinds';
import { isStructuredKind, kindSettingsOf } from '../projects/kind-settings';
import {
  type AggregationProblem,
  type AggregationSolution,
  summarizeSingleChoice,
} from './compute-aggregation';
import { type EncodedProjectAnswers, ProjectAnswerEncoder } from './encode-project-answers';
import { parallelDawidSkene } from './parallel/parallel-dawid-skene';
import {
  type AggregationRunner,
  runAggregationInWorker,
} from './parallel/run-aggregation-in-worker';
import {
  EXPORT_CONTENT_TYPES,
  type PresentedTaskResult,
  presentTaskResult,
  resultsToCsv,
  resultsToJsonl,
  type StoredTaskResult,
} from './results-export';
import { WorkerQuality } from './worker-quality.entity';

/** Name of the job that runs a background aggregation. */
export const AGGREGATION_JOBS = { run: 'aggregation.run' } as const;

/** Tuning of `AggregationService`; the defaults suit production. */
export interface AggregationServiceOptions {
  /** How a run is computed off the request thread. Default: a worker thread per run. */
  readonly runner?: AggregationRunner;
  /**
   * Answers from which Dawid–Skene on a single-choice project runs on all cores
   * (`parallelDawidSkene`) instead of one worker thread. Default 1,000,000, the CLI's threshold.
   */
  readonly parallelDawidSkeneMinAnswers?: number;
  /** Rows read per query while loading answers. Default 20,000. */
  readonly loadPageSize?: number;
  /** Tasks or workers written per statement. Default 2,000. */
  readonly writeChunkSize?: number;
  /** Most tasks `exportResults` returns. Default `AGGREGATION_LIMITS.maxExportTasks`. */
  readonly maxExportTasks?: number;
}

/** What `runAggregation` may be asked to do. */
export interface RunAggregationOptions {
  /** Registry name; default the project's `aggregationMethod`. */
  readonly method?: string | null;
  /** Enqueue on the job queue and return the QUEUED run instead of awaiting the result. */
  readonly background?: boolean;
}

/**
 * One answer from outside `assignments`, in the shape aggregation encodes (`ResponseRow`): a
 * MODEL annotator's argmax prediction, say. `label` is a key of the project's schema.
 */
export interface ExtraResponse {
  /** The answering account's user id (a MODEL user for a pre-label model). */
  readonly worker: string;
  readonly task: string;
  readonly label: string;
  /**
   * Optional: the whole prediction, one probability per schema key in schema order, whose argmax
   * is `label`. Methods that read soft answers (Dawid–Skene) use it instead of the label; a
   * vector that does not fit the current schema falls back to the label (encode-project-answers.ts).
   */
  readonly probabilities?: readonly number[];
}

/**
 * A provider of extra single-choice answers that take part in aggregation like humans' but are
 * not assignments: never paid, never counted towards overlap (`tasks.counted_answers`). Set in
 * the container (`addResponseSource`), so aggregation never imports the module that owns them.
 * At most one row per (worker, task); `responses` is called inside the run's read snapshot.
 */
export interface ExtraResponsesSource {
  responses(
    ctx: RequestContext,
    projectId: string,
    options: ExtraResponsesOptions,
  ): Promise<readonly ExtraResponse[]>;
}

/** What a run asks of an `ExtraResponsesSource`. */
export interface ExtraResponsesOptions {
  /**
   * Whether the run's method reads `probabilities` (`SOFT_ANSWER_METHODS`). When false a source
   * may leave them out (the run would ignore them), saving K numbers per answer.
   */
  readonly probabilities: boolean;
}

/** A final answer set by a person: label keys (choice kinds) or the kind's value (others). */
export interface ResultOverride {
  readonly labels: readonly string[];
  readonly value: Record<string, unknown> | null;
}

/**
 * Final answers set by people after aggregation (review decisions), applied over the stored
 * consensus when results are read or exported. Set in the container (`setResultOverrides`), so
 * aggregation never imports the module that owns them.
 */
export interface ResultOverridesSource {
  /** Task id → final answer, for the given tasks of the project (all when omitted). */
  overrides(
    ctx: RequestContext,
    projectId: string,
    taskIds?: readonly string[],
  ): Promise<ReadonlyMap<string, ResultOverride>>;
}

interface AnswerRow {
  worker_id: string;
  task_id: string;
  answer_labels: string[];
  gold_labels: string[] | null;
}

interface LoadedAnswers {
  readonly encoded: EncodedProjectAnswers;
  /** When the answers were read, on the database's clock and the injected one. */
  readonly snapshot: Snapshot;
}

/** First key of the two-key advisory lock that serialises result writes of one project. */
const AGGREGATION_LOCK_CLASS = 0x41676772; // 'Aggr'

/**
 * Aggregation in the product (STYLE.md 5.9): load a project's answers → encode → run a registry
 * method off the request thread → store the results, in that order and never holding a
 * transaction while computing (on the embedded database one open transaction blocks every other
 * request).
 *
 * - **Which answers**: `counted` and not excluded (`excluded_at` null); a rejected or excluded
 *   answer is not used. Gold tasks' answers are gold, clamped by the EM methods. The latest
 *   answer of a worker to a task counts (encode-responses.ts), in submission order.
 * - **Consistency**: answers are read in one REPEATABLE READ, READ ONLY transaction, so a run sees
 *   one snapshot. Results are written in one transaction under a per-project advisory lock; a run
 *   whose snapshot is older than that of an already applied run is stored as SUPERSEDED and
 *   changes nothing, so concurrent runs can never roll results back.
 * - **Idempotent**: the same answers give the same rows. Tasks and worker-quality rows are only
 *   written when a value changes, so a re-run on unchanged answers writes nothing but its run row.
 * - **Where it runs**: awaited by the mutation, in a worker thread; or, with `background`, as a
 *   job on the JobQueue (the mutation returns the QUEUED run; poll `aggregationRun(id)`).
 * - **Extra responses** (`addResponseSource`; pre-label models' MODEL annotators): on
 *   single-choice projects they are added after the human answers, in the same snapshot, so the
 *   method learns each extra worker's confusion like a human's and it gets a `worker_qualities`
 *   row. Only on tasks some human answered in the snapshot (a task with the model's answer alone
 *   has no consensus to learn from and keeps none), and never from a worker id that answered as a
 *   human, so an extra response can never replace a human answer. The run's `answersUsed` and
 *   `workerCount` include them; `tasks.counted_answers` and assignments never do. An extra
 *   response with `probabilities` is a soft answer for Dawid–Skene (virtual evidence, its vector
 *   rather than its argmax); every other method, and the per-worker counts, use its label.
 */
export class AggregationService {
  private readonly runner: AggregationRunner;
  private readonly parallelMinAnswers: number;
  private readonly loadPageSize: number;
  private readonly writeChunkSize: number;
  private readonly maxExportTasks: number;
  private readonly responseSources: ExtraResponsesSource[] = [];
  private resultOverrides: ResultOverridesSource | null = null;
  private readonly kindAnswers: KindAnswerStore;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly projects: ProjectService,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
    options: AggregationServiceOptions = {},
  ) {
    this.runner = options.runner ?? runAggregationInWorker;
    this.parallelMinAnswers = options.parallelDawidSkeneMinAnswers ?? 1_000_000;
    this.loadPageSize = options.loadPageSize ?? 20_000;
    // Interpolated into FETCH, which takes no bind parameter.
    if (!(Number.isInteger(this.loadPageSize) && this.loadPageSize > 0)) {
      throw new RangeError(`loadPageSize must be a positive integer, got ${this.loadPageSize}`);
    }
    this.writeChunkSize = options.writeChunkSize ?? 2_000;
    this.maxExportTasks = options.maxExportTasks ?? AGGREGATION_LIMITS.maxExportTasks;
    this.kindAnswers = new KindAnswerStore(db);
  }

  /** Adds a provider of extra responses to every later run (once per source, at start-up). */
  addResponseSource(source: ExtraResponsesSource): void {
    this.responseSources.push(source);
  }

  /** Sets where reviewed labels come from (once, at start-up). */
  setResultOverrides(source: ResultOverridesSource): void {
    this.resultOverrides = source;
  }

  private async overridesOf(
    ctx: RequestContext,
    projectId: string,
    taskIds?: readonly string[],
  ): Promise<ReadonlyMap<string, ResultOverride>> {
    return (await this.resultOverrides?.overrides(ctx, projectId, taskIds)) ?? new Map();
  }

  /**
   * Aggregates a project's answers with `method` (default: the project's own) and stores the
   * results. Owner or admin; NOT_FOUND otherwise; an unknown method is BAD_USER_INPUT; an
   * ARCHIVED project is PROJECT_NOT_EDITABLE. Must not be called inside a transaction.
   */
  async runAggregation(
    ctx: RequestContext,
    projectId: string,
    options: RunAggregationOptions = {},
  ): Promise<AggregationRun> {
    const user = ctx.requireUser();
    if (ctx.isInTransaction) throw new Error('runAggregation must not run inside a transaction');
    const project = await this.projects.requireProject(ctx, projectId);
    const method = this.resolveMethod(project, options.method);
    if (project.status === ProjectStatus.ARCHIVED) {
      throw new ProjectNotEditableError(
        project.id,
        project.status,
        'An ARCHIVED project is final: its results cannot be recomputed',
      );
    }
    if (options.background) {
      return this.db.withTransaction(ctx, async tx => {
        const runs = this.db.repo(tx, AggregationRun);
        const run = await runs.save(
          runs.create({
            projectId: project.id,
            requestedBy: user.id,
            method,
            status: AggregationRunStatus.QUEUED,
            background: true,
            logLikelihood: [],
          }),
        );
        // Same transaction: a run row exists if and only if its job does.
        await this.jobs.enqueue(tx, AGGREGATION_JOBS.run, { runId: run.id });
        return run;
      });
    }
    const run = this.db.repo(ctx, AggregationRun).create({
      projectId: project.id,
      requestedBy: user.id,
      method,
      background: false,
      logLikelihood: [],
    });
    return this.execute(ctx, project, run);
  }

  /**
   * The job handler of a background run: runs it unless it already finished. Delivery is at least
   * once; a run repeated after a crash recomputes and stores the same rows. Failures are recorded
   * on the run (FAILED, `error`) rather than retried: the same answers would fail the same way.
   */
  async runQueued(ctx: RequestContext, runId: string): Promise<{ status: string }> {
    const runs = this.db.repo(ctx, AggregationRun);
    const run = isUuid(runId) ? await runs.findOneBy({ id: runId }) : null;
    if (!run) return { status: 'MISSING' };
    if (run.status !== AggregationRunStatus.QUEUED && run.status !== AggregationRunStatus.RUNNING) {
      return { status: run.status };
    }
    run.status = AggregationRunStatus.RUNNING;
    run.startedAt = ctx.now();
    await runs.update(run.id, { status: run.status, startedAt: run.startedAt });
    try {
      const project = await this.db.repo(ctx, Project).findOneByOrFail({ id: run.projectId });
      const finished = await this.execute(ctx, project, run);
      return { status: finished.status };
    } catch (error) {
      this.logger.error({ err: error, runId: run.id }, 'aggregation run failed');
      await runs.update(run.id, {
        status: AggregationRunStatus.FAILED,
        finishedAt: ctx.now(),
        error: error instanceof Error ? error.message : String(error),
      });
      return { status: AggregationRunStatus.FAILED };
    }
  }

  /** One run of the caller's project (any, for admins); NOT_FOUND otherwise. */
  async findRun(ctx: RequestContext, runId: string): Promise<AggregationRun> {
    ctx.requireUser();
    const run = isUuid(runId)
      ? await this.db.repo(ctx, AggregationRun).findOneBy({ id: runId })
      : null;
    if (!run) throw new NotFoundError('AggregationRun', runId);
    const project = await this.db.repo(ctx, Project).findOneBy({ id: run.projectId });
    if (!project || !this.projects.canAccess(ctx, project)) {
      throw new NotFoundError('AggregationRun', runId);
    }
    return run;
  }

  /** A page of the project's runs, oldest first. */
  async listRuns(
    ctx: RequestContext,
    project: Project,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<AggregationRun>> {
    return this.projectPage(ctx, project, AggregationRun, args);
  }

  /** The project's most recent run (any status), or null. */
  async latestRun(ctx: RequestContext, project: Project): Promise<AggregationRun | null> {
    this.requireAccess(ctx, project);
    return this.db.repo(ctx, AggregationRun).findOne({
      where: { projectId: project.id },
      order: { createdAt: 'DESC', id: 'DESC' },
    });
  }

  /** `results` of a project by id, in pages up to MAX_EXPORT_PAGE_SIZE (owner or admin). */
  async resultsPage(
    ctx: RequestContext,
    args: ResultsPageArgs,
  ): Promise<ConnectionShape<TaskResult>> {
    const project = await this.projects.requireProject(ctx, args.projectId);
    return this.results(ctx, project, args);
  }

  /** A page of the project's task results (owner or admin), oldest task first. */

  async results(
    ctx: RequestContext,
    project: Project,
    args: ConnectionArgs & Pick<ProjectResultsArgs, 'filter' | 'abstainBelow'>,
  ): Promise<ConnectionShape<TaskResult>> {
    this.requireAccess(ctx, project);
    checkThreshold(args.abstainBelow, 'abstainBelow');
    // A structured kind's consensus is its answer (no label keys): the value its exports write.
    const structured = isStructuredKind(project.labelSchema.kind);
    const consensusColumn = structured ? 'task.consensus_answer' : 'task.consensus_labels';
    const qb = this.db
      .repo(ctx, Task)
      .createQueryBuilder('task')
      .select(structured ? [...RESULT_COLUMNS, 'task.consensusAnswer'] : RESULT_COLUMNS)
      .where('task.project_id = :projectId', { projectId: project.id });
    const filter = args.filter;
    if (filter?.isGold != null) qb.andWhere('task.is_gold = :isGold', { isGold: filter.isGold });
    if (filter?.hasConsensus != null) {
      qb.andWhere(`${consensusColumn} ${filter.hasConsensus ? 'IS NOT NULL' : 'IS NULL'}`);
    }
    if (filter?.confidenceBelow != null) {
      checkThreshold(filter.confidenceBelow, 'filter.confidenceBelow');
      qb.andWhere('task.consensus_confidence < :confidenceBelow', {
        confidenceBelow: filter.confidenceBelow,
      });
    }
    const page = await paginate(qb, args);
    const schema = schemaOf(project);
    const overrides = await this.overridesOf(
      ctx,
      project.id,
      page.nodes.map(task => task.id),
    );
    const present = (task: Task): TaskResult => {
      const override = overrides.get(task.id);
      if (structured) {
        const presented = presentTaskResult(storedResultOf(task), schema);
        return presentKindResult(presented, task, override, args.abstainBelow) as TaskResult;
      }
      const presented = presentTaskResult(
        storedResultOf(task),
        schema,
        args.abstainBelow,
        override?.labels,
      );
      return { ...presented, answer: null } as TaskResult;
    };
    return {
      ...page,
      edges: page.edges.map(edge => ({ cursor: edge.cursor, node: present(edge.node) })),
      nodes: page.nodes.map(present),
    };
  }

  /**
   * The project's results as one CSV or JSONL string (see results-export.ts), every task in
   * creation order. At most `maxExportTasks` tasks (BATCH_TOO_LARGE above).
   */
  async exportResults(
    ctx: RequestContext,
    projectId: string,
    format: ResultsExportFormat,
    abstainBelow?: number | null,
  ): Promise<ResultsExport> {
    checkThreshold(abstainBelow, 'abstainBelow');
    const project = await this.projects.requireProject(ctx, projectId);
    const kind = kindOf(project.labelSchema.kind);
    if (!kind.exportFormats.includes(format)) {
      throw new BadUserInputError(
        `A ${kind.name} project exports ${kind.exportFormats.join(', ')}, not ${format}`,
        { field: 'format', reason: 'UNSUPPORTED_FORMAT' },
      );
    }
    // A structured kind's files are built from the payload (tokens, image) and the consensus
    // answer; a choice kind's from the stored result alone.
    const columns = isStructuredKind(kind.name)
      ? [...RESULT_COLUMNS, 'task.payload', 'task.consensusAnswer']
      : RESULT_COLUMNS;
    const tasks = await this.db
      .repo(ctx, Task)
      .createQueryBuilder('task')
      .select(columns)
      .where('task.project_id = :projectId', { projectId: project.id })
      .orderBy('task.created_at', 'ASC')
      .addOrderBy('task.id', 'ASC')
      // One more than allowed tells "too large" without a separate count.
      .take(this.maxExportTasks + 1)
      .getMany();
    if (tasks.length > this.maxExportTasks) {
      const size = await this.db.repo(ctx, Task).countBy({ projectId: project.id });
      throw new ResultsExportTooLargeError(project.id, size, this.maxExportTasks);
    }
    const overrides = await this.overridesOf(ctx, project.id);
    if (isStructuredKind(kind.name)) {
      return exportKindResults(project.labelSchema, format, tasks, overrides);
    }
    const schema = schemaOf(project);
    const results: PresentedTaskResult[] = tasks.map(task =>
      presentTaskResult(storedResultOf(task), schema, abstainBelow, overrides.get(task.id)?.labels),
    );
    const choiceFormat = format as 'CSV' | 'JSONL';
    const file = {
      name: `results.${choiceFormat.toLowerCase()}`,
      contentType: EXPORT_CONTENT_TYPES[choiceFormat],
      content: format === ResultsExportFormat.CSV ? resultsToCsv(results) : resultsToJsonl(results),
    };
    return {
      format,
      contentType: file.contentType,
      taskCount: results.length,
      content: file.content,
      files: [file],
    };
  }

  /** A worker's quality on the caller's project (any project for admins); null if none stored. */
  async workerQuality(
    ctx: RequestContext,
    projectId: string,
    workerId: string,
  ): Promise<WorkerQualityView | null> {
    const project = await this.projects.requireProject(ctx, projectId);
    if (!isUuid(workerId)) return null;
    const row = await this.db
      .repo(ctx, WorkerQuality)
      .findOneBy({ projectId: project.id, workerId });
    return row ? viewOfWorkerQuality(row) : null;
  }

  /** A page of `entity`'s rows of `project` (after the access check), oldest first. */
  private projectPage<T extends { id: string; createdAt: Date }>(
    ctx: RequestContext,
    project: Project,
    entity: EntityTarget<T>,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<T>> {
    this.requireAccess(ctx, project);
    const qb = this.db
      .repo(ctx, entity)
      .createQueryBuilder('row')
      .where('row.project_id = :projectId', { projectId: project.id });
    return paginate(qb, args);
  }

  /** A page of the project's worker qualities, oldest row first. */
  async listWorkerQualities(
    ctx: RequestContext,
    project: Project,
    args: ConnectionArgs,
  ): Promise<ConnectionShape<WorkerQualityView>> {
    const page = await this.projectPage(ctx, project, WorkerQuality, args);
    return {
      ...page,
      edges: page.edges.map(edge => ({
        cursor: edge.cursor,
        node: viewOfWorkerQuality(edge.node),
      })),
      nodes: page.nodes.map(viewOfWorkerQuality),
    };
  }

  /**
   * The method a run uses: the argument, else the project's, checked against the registry. A
   * structured kind has its own methods (`KIND_AGGREGATORS`, the first being its default); the
   * project's `aggregationMethod` names a choice-kind method and is not used for it.
   */
  private resolveMethod(project: Project, requested: string | null | undefined): string {
    const kindMethods = KIND_AGGREGATORS[project.labelSchema.kind as KindName];
    if (kindMethods) {
      const method = requested ?? kindMethods[0];
      if (!kindMethods.includes(method)) {
        throw new UnknownAggregationMethodError(method, kindMethods, 'method');
      }
      return method;
    }
    const method = requested ?? project.aggregationMethod ?? DEFAULT_AGGREGATOR;
    if (!isAggregatorName(method)) {
      throw new UnknownAggregationMethodError(
        method,
        AGGREGATOR_NAMES,
        requested == null ? 'project.aggregationMethod' : 'method',
      );
    }
    return method;
  }

  private requireAccess(ctx: RequestContext, project: Project): void {
    ctx.requireUser();
    if (!this.projects.canAccess(ctx, project)) throw new NotFoundError('Project', project.id);
  }

  /** Load → compute → store, for a run not yet stored (sync) or QUEUED/RUNNING (background). */
  private async execute(
    ctx: RequestContext,
    project: Project,
    run: AggregationRun,
  ): Promise<AggregationRun> {
    const started = performance.now();
    run.startedAt ??= ctx.now();
    if (isStructuredKind(project.labelSchema.kind)) {
      const loaded = await this.kindAnswers.load(ctx, project);
      const kind = project.labelSchema.kind;
      const settings = kindSettingsOf(project.labelSchema);
      const results = aggregateKind(kind, run.method, settings, loaded.tasks);
      // The learned worker model of the online confidence (kind-reliability.ts).
      const qualities = kindWorkerQualities(kind, settings, loaded.tasks, results);
      return this.storeRun(ctx, project, run, {
        started,
        snapshot: loaded.snapshot,
        stats: loaded.stats,
        fit: { iterations: null, converged: null, logLikelihood: [] },
        write: async tx => {
          const changed = await this.kindAnswers.writeResults(tx, project.id, results);
          const keys = project.labelSchema.labels.map(label => label.key);
          await upsertWorkerQualities(tx, this.db, project.id, run.method, kind, keys, qualities);
          const workers = qualities.map(quality => quality.worker_id);
          await deleteOtherWorkerQualities(tx, this.db, project.id, workers);
          return changed;
        },
      });
    }
    const method = run.method as AggregatorName;
    const { encoded, snapshot } = await this.loadAnswers(ctx, project, method);
    const stats = {
      answersUsed: encoded.matrix.task.length,
      ignoredAnswers: encoded.ignoredAnswers,
      taskCount: encoded.matrix.nTasks,
      workerCount: encoded.matrix.nWorkers,
      goldTaskCount: encoded.goldTasks,
    };
    const solution = await this.compute(method, encoded);
    return this.storeRun(ctx, project, run, {
      started,
      snapshot,
      stats,
      fit: {
        iterations: solution.iterations ?? null,
        converged: solution.converged ?? null,
        logLikelihood: solution.logLikelihood,
      },
      write: async tx => {
        const changed = await this.writeTaskResults(tx, project.id, encoded, solution);
        await this.writeWorkerQualities(tx, project.id, method, encoded, solution);
        return changed;
      },
    });
  }

  /**
   * Stores a computed run under the project's aggregation lock: its results (`write`, which
   * returns how many tasks changed) unless a newer snapshot already succeeded (SUPERSEDED), the
   * run row, and the LabelsAggregatedEvent.
   */
  private storeRun(
    ctx: RequestContext,
    project: Project,
    run: AggregationRun,
    computed: {
      started: number;
      snapshot: Snapshot;
      stats: RunStats;
      fit: Pick<AggregationRun, 'iterations' | 'converged' | 'logLikelihood'>;
      write: (tx: RequestContext) => Promise<number>;
    },
  ): Promise<AggregationRun> {
    const { started, snapshot, stats } = computed;
    const method = run.method;
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      await queryRows(manager, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        AGGREGATION_LOCK_CLASS,
        project.id,
      ]);
      const [newer] = await queryRows<{ id: string }>(
        manager,
        `SELECT id FROM aggregation_runs
         WHERE project_id = $1 AND status = 'SUCCEEDED' AND snapshot_at > $2::timestamptz LIMIT 1`,
        [project.id, snapshot.at],
      );
      const changedTasks = newer ? 0 : await computed.write(tx);
      Object.assign(run, stats, computed.fit, {
        status: newer ? AggregationRunStatus.SUPERSEDED : AggregationRunStatus.SUCCEEDED,
        changedTasks,
        finishedAt: tx.now(),
        durationMs: Math.round(performance.now() - started),
        error: null,
      });
      const saved = await this.db.repo(tx, AggregationRun).save(run);
      await queryRows(
        manager,
        `UPDATE aggregation_runs SET snapshot_at = $2::timestamptz, answers_through = $3::timestamptz
         WHERE id = $1`,
        [saved.id, snapshot.at, snapshot.answersThrough],
      );
      if (!newer) {
        await this.events.publish(
          tx,
          new LabelsAggregatedEvent(
            project.id,
            saved.id,
            method,
            stats.taskCount,
            changedTasks,
            saved.finishedAt!,
          ),
        );
      }
      return saved;
    });
  }

  /**
   * Counted, non-excluded answers of the project in submission order, with their task's gold
   * answer, inside one REPEATABLE READ snapshot. A server-side cursor sorts once and hands the
   * rows over in pages, so neither side holds the whole result set as row objects (paging with
   * LIMIT would sort the project's answers again for every page). Then the extra responses of
   * the registered sources, read in the same snapshot (see the class comment for which count),
   * with their probability vectors only when `method` reads them.
   */
  private loadAnswers(
    ctx: RequestContext,
    project: Project,
    method: AggregatorName,
  ): Promise<LoadedAnswers> {
    const schema = schemaOf(project);
    const probabilities = SOFT_ANSWER_METHODS.has(method);
    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const snapshot = await beginSnapshot(tx, manager);
      // Cursor names are per transaction, and the transaction is ours alone.
      await manager.query(
        `DECLARE aggregation_answers NO SCROLL CURSOR FOR
         SELECT a.worker_id, a.task_id, a.answer_labels,
                CASE WHEN t.is_gold THEN t.gold_labels END AS gold_labels
         FROM assignments a JOIN tasks t ON t.id = a.task_id
         WHERE a.project_id = $1 AND a.counted AND a.excluded_at IS NULL
           AND a.answer_labels IS NOT NULL AND a.submitted_at IS NOT NULL
         ORDER BY a.submitted_at, a.id`,
        [project.id],
      );
      const encoder = new ProjectAnswerEncoder(schema.kind, schema.keys);
      const humanTasks = new Set<string>();
      const humanWorkers = new Set<string>();
      for (;;) {
        const rows = await queryRows<AnswerRow>(
          manager,
          `FETCH FORWARD ${this.loadPageSize} FROM aggregation_answers`,
        );
        for (const row of rows) {
          encoder.add({
            workerId: row.worker_id,
            taskId: row.task_id,
            answerLabels: row.answer_labels,
            goldLabels: row.gold_labels,
          });
          humanTasks.add(row.task_id);
          humanWorkers.add(row.worker_id);
        }
        if (rows.length < this.loadPageSize) break;
      }
      await manager.query('CLOSE aggregation_answers');
      // After every human answer: the latest-answer rule can only ever keep the human's.
      if (schema.kind === 'SINGLE_CHOICE') {
        for (const source of this.responseSources) {
          for (const extra of await source.responses(tx, project.id, { probabilities })) {
            if (!humanTasks.has(extra.task) || humanWorkers.has(extra.worker)) continue;
            // The task's gold answer, if any, came with its human answers.
            encoder.add({
              workerId: extra.worker,
              taskId: extra.task,
              answerLabels: [extra.label],
              goldLabels: null,
              probabilities: probabilities ? extra.probabilities : undefined,
            });
          }
        }
      }
      return { encoded: encoder.finish(), snapshot };
    });
  }

  /**
   * Runs the method off this thread: Dawid–Skene on all cores for large inputs, else one worker
   * thread. With soft answers Dawid–Skene stays on one thread: the parallel runner has no soft
   * kernels, and the same answers must give the same fit whatever the project's size.
   */
  private async compute(
    method: AggregatorName,
    encoded: EncodedProjectAnswers,
  ): Promise<AggregationSolution> {
    const problem: AggregationProblem = {
      method,
      kind: encoded.kind,
      nKeys: encoded.keys.length,
      matrix: encoded.matrix,
      gold: encoded.gold,
      answerSets: encoded.answerSets,
      soft: encoded.soft,
    };
    if (
      method === 'dawid-skene' &&
      encoded.kind === 'SINGLE_CHOICE' &&
      !encoded.soft &&
      encoded.matrix.task.length >= this.parallelMinAnswers &&
      availableParallelism() > 1
    ) {
      const result = await parallelDawidSkene(encoded.matrix, { gold: encoded.gold });
      return summarizeSingleChoice(problem, {
        ...result,
        workerSkill: accuracyFromConfusion(
          result.confusion,
          result.priors,
          encoded.matrix.nWorkers,
        ),
      });
    }
    // The worker thread takes the matrix's buffers (transferred, not copied): nothing below
    // reads `encoded.matrix`, `encoded.gold` or `encoded.soft` again.
    return this.runner(problem);
  }

  /**
   * Stores each answered task's consensus, confidence and posterior (only where a value changes)
   * and clears them on tasks that no longer have a usable answer. Returns how many tasks changed.
   */
  private async writeTaskResults(
    tx: RequestContext,
    projectId: string,
    encoded: EncodedProjectAnswers,
    solution: AggregationSolution,
  ): Promise<number> {
    const manager = this.db.manager(tx);
    const K = solution.nKeys;
    let changed = 0;
    for (let start = 0; start < solution.nTasks; start += this.writeChunkSize) {
      const ids: string[] = [];
      const labels: string[] = [];
      const confidence: number[] = [];
      const margins: number[] = [];
      const posterior: number[] = [];
      for (let t = start; t < Math.min(start + this.writeChunkSize, solution.nTasks); t++) {
        if (solution.taskAnswers[t] === 0) continue;
        const chosen: string[] = [];
        for (let k = 0; k < K; k++) if (solution.chosen[t * K + k]) chosen.push(encoded.keys[k]);
        ids.push(encoded.taskIds[t]);
        // Label keys never contain a comma (PROJECT_LIMITS.labelKeyPattern).
        labels.push(chosen.join(','));
        confidence.push(solution.confidence[t]);
        const start = posterior.length;
        for (let k = 0; k < K; k++) posterior.push(solution.posterior[t * K + k]);
        margins.push(posteriorMargin(posterior.slice(start)));
      }
      if (ids.length === 0) continue;
      // Arrays as parameters: node-postgres writes each double in its shortest round-trip form
      // and PostgreSQL parses it back exactly, so stored values equal the computed ones bit for
      // bit. Task i's posterior is the slice [(i − 1)·K + 1, i·K] of the flat array.
      const updated = await queryRows<{ id: string }>(
        manager,
        `WITH incoming AS (
           SELECT i.id, i.confidence, i.margin, string_to_array(i.labels, ',') AS labels,
                  ($5::float8[])[(i.n - 1) * $6 + 1 : i.n * $6] AS posterior
           FROM unnest($2::uuid[], $3::text[], $4::float8[], $7::float8[])
                WITH ORDINALITY AS i(id, labels, confidence, margin, n)
         )
         UPDATE tasks t
         SET consensus_labels = i.labels, consensus_confidence = i.confidence,
             posterior = i.posterior, serve_priority = CASE WHEN t.is_gold THEN t.serve_priority ELSE i.margin END,
             updated_at = now()
         FROM incoming i
         WHERE t.id = i.id AND t.project_id = $1
           AND (t.consensus_labels IS DISTINCT FROM i.labels
             OR t.consensus_confidence IS DISTINCT FROM i.confidence
             OR t.posterior IS DISTINCT FROM i.posterior)
         RETURNING t.id`,
        [projectId, ids, labels, confidence, posterior, K, margins],
      );
      changed += updated.length;
    }
    // Tasks left without any usable answer (all rejected or excluded) lose their old consensus.
    // Decided on current rows, so a task whose first answer arrived after the snapshot keeps the
    // consensus the answer path gave it. Their serving priority falls back to the voting model's
    // margin, as for any unanswered task (0 here, then `setModelServePriorities`; gold keeps its own).
    const cleared = await queryRows<{ id: string }>(
      manager,
      `UPDATE tasks t
       SET consensus_labels = NULL, consensus_confidence = NULL, posterior = NULL,
           serve_priority = CASE WHEN t.is_gold THEN t.serve_priority ELSE 0 END, updated_at = now()
       WHERE t.project_id = $1
         AND (t.consensus_labels IS NOT NULL OR t.consensus_confidence IS NOT NULL OR t.posterior IS NOT NULL)
         AND NOT EXISTS (
           SELECT 1 FROM assignments a
           WHERE a.task_id = t.id AND a.counted AND a.excluded_at IS NULL AND a.answer_labels IS NOT NULL
         )
       RETURNING t.id`,
      [projectId],
    );
    await setModelServePriorities(
      this.db,
      tx,
      projectId,
      cleared.map(row => row.id),
    );
    return changed + cleared.length;
  }

  /** Upserts one quality row per worker of the run (only where a value changes); deletes the rest. */
  private async writeWorkerQualities(
    tx: RequestContext,
    projectId: string,
    method: AggregatorName,
    encoded: EncodedProjectAnswers,
    solution: AggregationSolution,
  ): Promise<void> {
    const K = solution.nKeys;
    const cellsPerWorker = encoded.kind === 'SINGLE_CHOICE' ? K * K : K * 4;
    // Bounded statement size whatever the schema: about 200,000 numbers per statement.
    const chunk = Math.max(
      1,
      Math.min(this.writeChunkSize, Math.floor(200_000 / (cellsPerWorker + 1))),
    );
    for (let start = 0; start < solution.nWorkers; start += chunk) {
      const records = [];
      for (let w = start; w < Math.min(start + chunk, solution.nWorkers); w++) {
        const answers = solution.workerAnswers[w];
        const goldAnswers = solution.workerGoldAnswers[w];
        const goldCorrect = solution.workerGoldCorrect[w];
        records.push({
          worker_id: encoded.workerIds[w],
          // NaN and ±Infinity have no JSON form; JSON.stringify writes null, stored as NULL.
          skill: solution.workerSkill ? solution.workerSkill[w] : null,
          confusion: solution.confusion
            ? Array.from(solution.confusion.subarray(w * cellsPerWorker, (w + 1) * cellsPerWorker))
            : null,
          answers,
          gold_answers: goldAnswers,
          gold_correct: goldCorrect,
          gold_accuracy: goldAnswers > 0 ? goldCorrect / goldAnswers : null,
          agreement: answers > 0 ? solution.workerAgreeing[w] / answers : 0,
        });
      }
      await upsertWorkerQualities(
        tx,
        this.db,
        projectId,
        method,
        encoded.kind,
        encoded.keys,
        records,
      );
    }
    await deleteOtherWorkerQualities(tx, this.db, projectId, encoded.workerIds);
  }
}

/** One `worker_qualities` row as a run writes it (NaN or ±Infinity are stored as NULL). */
export interface WorkerQualityRecord {
  readonly worker_id: string;
  readonly skill: number | null;
  readonly confusion: number[] | null;
  readonly answers: number;
  readonly gold_answers: number;
  readonly gold_correct: number;
  readonly gold_accuracy: number | null;
  readonly agreement: number;
}

/** Upserts a run's quality rows of one project, only where a value changes. */
export async function upsertWorkerQualities(
  tx: RequestContext,
  db: TransactionalConnection,
  projectId: string,
  method: string,
  schemaKind: string,
  keys: readonly string[],
  records: readonly WorkerQualityRecord[],
): Promise<void> {
  await queryRows(
    db.manager(tx),
    `INSERT INTO worker_qualities AS q
           (project_id, worker_id, method, schema_kind, label_keys, skill, confusion,
            answers, gold_answers, gold_correct, gold_accuracy, agreement)
         SELECT $1, x.worker_id, $2, $3, $4::text[], x.skill,
                CASE WHEN x.confusion IS NULL OR jsonb_typeof(x.confusion) = 'null' THEN NULL ELSE
                  ARRAY(SELECT c.value::float8 FROM jsonb_array_elements_text(x.confusion) WITH ORDINALITY AS c(value, n)
                        ORDER BY c.n) END,
                x.answers, x.gold_answers, x.gold_correct, x.gold_accuracy, x.agreement
         FROM jsonb_to_recordset($5::jsonb) AS x(worker_id uuid, skill float8, confusion jsonb,
              answers integer, gold_answers integer, gold_correct integer, gold_accuracy float8, agreement float8)
         ON CONFLICT (project_id, worker_id) DO UPDATE
         SET method = EXCLUDED.method, schema_kind = EXCLUDED.schema_kind, label_keys = EXCLUDED.label_keys,
             skill = EXCLUDED.skill, confusion = EXCLUDED.confusion, answers = EXCLUDED.answers,
             gold_answers = EXCLUDED.gold_answers, gold_correct = EXCLUDED.gold_correct,
             gold_accuracy = EXCLUDED.gold_accuracy, agreement = EXCLUDED.agreement, updated_at = now()
         WHERE (q.method, q.schema_kind, q.label_keys, q.skill, q.confusion, q.answers,
                q.gold_answers, q.gold_correct, q.gold_accuracy, q.agreement)
           IS DISTINCT FROM
               (EXCLUDED.method, EXCLUDED.schema_kind, EXCLUDED.label_keys, EXCLUDED.skill,
                EXCLUDED.confusion, EXCLUDED.answers, EXCLUDED.gold_answers, EXCLUDED.gold_correct,
                EXCLUDED.gold_accuracy, EXCLUDED.agreement)`,
    [projectId, method, schemaKind, keys, JSON.stringify(records)],
  );
}

/** Deletes the project's quality rows of workers a run did not see. */
export async function deleteOtherWorkerQualities(
  tx: RequestContext,
  db: TransactionalConnection,
  projectId: string,
  workerIds: readonly string[],
): Promise<void> {
  await queryRows(
    db.manager(tx),
    'DELETE FROM worker_qualities WHERE project_id = $1 AND NOT (worker_id = ANY($2::uuid[]))',
    [projectId, workerIds],
  );
}

/** A threshold argument in [0, 1], or BAD_USER_INPUT naming `field`. */
function checkThreshold(value: number | null | undefined, field: string): void {
  if (value != null && !(value >= 0 && value <= 1)) {
    throw new BadUserInputError(`${field} must be between 0 and 1`, { field });
  }
}

function schemaOf(project: Project): { kind: 'SINGLE_CHOICE' | 'MULTI_LABEL'; keys: string[] } {
  return {
    kind:
      project.labelSchema.kind === LabelSchemaKind.MULTI_LABEL ? 'MULTI_LABEL' : 'SINGLE_CHOICE',
    keys: project.labelSchema.labels.map(label => label.key),
  };
}

/**
 * The task columns a result is made of (storedResultOf, and the cursor's id and createdAt): not
 * the payload, so a 5,000-task page or a 100,000-task export reads only these.
 */
const RESULT_COLUMNS = [
  'task.id',
  'task.createdAt',
  'task.externalId',
  'task.status',
  'task.consensusLabels',
  'task.consensusConfidence',
  'task.posterior',
  'task.countedAnswers',
  'task.isGold',
  'task.goldLabels',
];

function storedResultOf(task: Task): StoredTaskResult {
  return {
    taskId: task.id,
    externalId: task.externalId,
    status: task.status,
    consensusLabels: task.consensusLabels,
    consensusConfidence: task.consensusConfidence,
    posterior: task.posterior,
    answerCount: task.countedAnswers,
    isGold: task.isGold,
    goldLabels: task.isGold ? task.goldLabels : null,
  };
}

/** The API view of a stored quality row: the flattened confusion labelled by keys. */
export function viewOfWorkerQuality(row: WorkerQuality): WorkerQualityView {
  const keys = row.labelKeys;
  const K = keys.length;
  let confusion: ConfusionRow[] | null = null;
  let keyConfusions: KeyConfusion[] | null = null;
  if (row.confusion) {
    if (row.schemaKind === 'MULTI_LABEL') {
      keyConfusions = keys.map((key, k) => ({
        key,
        sensitivity: row.confusion![(k * 2 + 1) * 2 + 1],
        specificity: row.confusion![(k * 2 + 0) * 2 + 0],
      }));
    } else {
      confusion = keys.map((trueLabel, k) => ({
        trueLabel,
        answered: keys.map((key, l) => ({ key, probability: row.confusion![k * K + l] })),
      }));
    }
  }
  return {
    projectId: row.projectId,
    workerId: row.workerId,
    method: row.method,
    skill: row.skill,
    answers: row.answers,
    goldAnswers: row.goldAnswers,
    goldCorrect: row.goldCorrect,
    goldAccuracy: row.goldAccuracy,
    agreement: row.agreement,
    confusion,
    keyConfusions,
    updatedAt: row.updatedAt,
  };
}
