import { AppError, BadUserInputError, ConflictError, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import { rethrowUniqueViolationAs } from '../../db/pg-errors';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { createModelAnnotator } from '../auth/model-annotators';
import type { JobQueue } from '../jobs/job-queue';
import { Project } from '../projects/project.entity';
import type { ProjectService } from '../projects/project.service';
import { LabelSchemaKind } from '../projects/project.types';
import { Task } from '../marketplace/task.entity';
import { FeaturizerSpec, parseFeaturizerSpec } from './algorithms/featurizer-spec';
import { labelColumns, toLabelSetOrder } from './algorithms/label-mapping';
import { PrelabelInferenceWorker } from './inference-worker';
import { ModelSource, ModelVersion } from './model-version.entity';
import { Prediction } from './prediction.entity';
import { PrelabelRun, PrelabelRunStatus, type PrelabelSkip } from './prelabel-run.entity';
import { PrelabelModelError } from './prelabel.errors';

/** Name of the pre-labeling job in the `jobs` table; payload `{ runId }`. */
export const PRELABEL_RUN_JOB = 'prelabel.run';

/**
 * Largest model accepted by default: 64 MiB, as `OnnxModel` (not imported from there: that file
 * loads onnxruntime-node, which the API process only needs inside worker threads).
 */
export const DEFAULT_MAX_MODEL_BYTES = 64 * 1024 * 1024;

/** Skipped tasks kept with a run for the report; the counter keeps counting past it. */
export const MAX_SKIP_SAMPLES = 100;

/** Tuning of `PrelabelService`. */
export interface PrelabelServiceOptions {
  /** Largest model accepted, in bytes. Default 64 MiB (`DEFAULT_MAX_MODEL_BYTES`). */
  readonly maxModelBytes?: number;
  /** Tasks read, featurized, predicted and written per batch. Default 1,000. */
  readonly batchSize?: number;
  /**
   * Called after each committed batch with where its time went (the pre-label benchmark reads
   * it; nothing else needs it, so it is off unless given).
   */
  readonly onBatchTimings?: (timings: PrelabelBatchTimings) => void;
}

/** Wall times of one pre-label batch, in milliseconds, as `onBatchTimings` reports them. */
export interface PrelabelBatchTimings {
  /** Tasks read in the batch. */
  readonly tasks: number;
  /** The keyset SELECT of the batch's tasks. */
  readonly readMs: number;
  /** Featurizing inside the worker thread. */
  readonly featurizeMs: number;
  /** The model call inside the worker thread. */
  readonly inferenceMs: number;
  /** The worker round trip (featurize + inference + cloning both ways) and the label mapping. */
  readonly workerMs: number;
  /** The transaction storing the predictions and advancing the run's cursor. */
  readonly writeMs: number;
}

/** What `registerModel` needs; the GraphQL input and the command line both build one. */
export interface RegisterModelRequest {
  readonly projectId: string;
  readonly version: string;
  readonly modelBytes: Uint8Array;
  /** Untrusted JSON: validated with `parseFeaturizerSpec`. */
  readonly featurizer: unknown;
  /** Label key of each model output column (output index → schema key). */
  readonly labelKeys: readonly string[];
  readonly source?: ModelSource;
  readonly metrics?: Record<string, unknown> | null;
  /**
   * Whether the version votes from now on (default true). The automatic retrain registers with
   * false and promotes the version once its predictions prove it on gold (model-loop.ts).
   */
  readonly promote?: boolean;
}

/** One answer of a MODEL annotator, in the shape aggregation encodes (`ResponseRow`). */
export interface ModelResponse {
  /** The MODEL user's id. */
  readonly worker: string;
  readonly task: string;
  readonly label: string;
  /**
   * The whole prediction, in the project's label-schema order as it was when the task was
   * pre-labeled: Dawid–Skene reads it as a soft answer (aggregation checks it still fits).
   * Absent when not asked for.
   */
  readonly probabilities?: number[];
}

/**
 * The voting version's predictions changed: on the tasks `taskIds` (a batch of predictions was
 * stored) or, when null, possibly on every task of the project (a version was promoted, so
 * another version now votes). What `modelVote` / `votingPredictionsSql` read has changed.
 */
export interface VotingPredictionsChange {
  readonly projectId: string;
  readonly taskIds: readonly string[] | null;
}

/**
 * Runs inside the transaction that stored the predictions or promoted the version (a failure
 * rolls it back). Register with `PrelabelService.onVotingPredictionsChanged`; aggregation keeps
 * the serving priority of unanswered tasks in step here (prelabel.wiring.ts).
 */
export type VotingPredictionsHook = (
  tx: RequestContext,
  change: VotingPredictionsChange,
) => Promise<void>;

/**
 * Pre-label models of a project: registration (validated by loading and running the model in a
 * worker thread; nothing stored on failure), pre-labeling runs as resumable background jobs,
 * and the models' answers for aggregation. Owner or admin only, like every project resource.
 *
 * The model's answers are rows of `prelabel_predictions`, never assignments: a MODEL annotator
 * never takes an overlap slot, is never paid and is never counted as a human answer. Aggregation
 * adds them as extra responses through `modelResponses`.
 */
export class PrelabelService {
  private readonly maxModelBytes: number;
  private readonly batchSize: number;
  private readonly onBatchTimings?: (timings: PrelabelBatchTimings) => void;
  private readonly votingHooks: VotingPredictionsHook[] = [];

  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly jobs: JobQueue,
    options: PrelabelServiceOptions = {},
  ) {
    this.maxModelBytes = options.maxModelBytes ?? DEFAULT_MAX_MODEL_BYTES;
    this.batchSize = options.batchSize ?? 1000;
    this.onBatchTimings = options.onBatchTimings;
  }

  /**
   * Adds a hook run whenever the voting version's predictions may have changed (see
   * `VotingPredictionsChange`): after each stored batch of a pre-label run (whatever its version:
   * the hook reads the voting one, so a batch of another version changes nothing), and when a
   * version is promoted (`registerModel`, `promoteVersion`).
   */
  onVotingPredictionsChanged(hook: VotingPredictionsHook): () => void {
    this.votingHooks.push(hook);
    return () => void this.votingHooks.splice(this.votingHooks.indexOf(hook), 1);
  }

  /**
   * Makes `modelVersionId` the project's voting version (`promoted_at` = now: the latest promoted
   * version votes) and runs the hooks for the whole project, in one transaction. No access check:
   * for the model loop, which acts on a project it already holds.
   */
  async promoteVersion(ctx: RequestContext, modelVersionId: string): Promise<void> {
    await this.db.withTransaction(ctx, async tx => {
      const model = await this.db.repo(tx, ModelVersion).findOneByOrFail({ id: modelVersionId });
      await this.db.repo(tx, ModelVersion).update({ id: model.id }, { promotedAt: tx.now() });
      await this.runVotingHooks(tx, { projectId: model.projectId, taskIds: null });
    });
  }

  /** Registers the pre-labeling job handler on the queue (once, from the container). */
  registerJobs(): void {
    this.jobs.register(PRELABEL_RUN_JOB, async (ctx, payload) => {
      const run = await this.runPrelabeling(ctx, String(payload.runId));
      return { status: run.status, processed: run.processed, skipped: run.skipped };
    });
  }

  /**
   * Validates and stores a model version with its MODEL annotator account. Validation, in order:
   * size (MODEL_TOO_LARGE), featurizer spec and label keys (BAD_USER_INPUT: every key must be a
   * label of the project's schema, no repeats), then the model is loaded in a worker thread
   * (MODEL_CORRUPT, MODEL_INPUT_MISMATCH, MODEL_OUTPUT_MISMATCH, MODEL_OUTPUT_INVALID) and run on
   * the project's first featurizable task, or a zero row if none (MODEL_RUN_FAILED …). A version
   * name already used in the project is CONFLICT. Nothing is written unless every check passes.
   */
  async registerModel(ctx: RequestContext, request: RegisterModelRequest): Promise<ModelVersion> {
    const project = await this.projects.requireProject(ctx, request.projectId);
    const version = request.version.trim();
    if (version.length < 1 || version.length > 100) {
      throw new BadUserInputError('version must be 1 to 100 characters', { field: 'version' });
    }
    if (request.modelBytes.length > this.maxModelBytes) {
      throw modelError(
        new AppError(
          `The model is ${request.modelBytes.length} bytes, more than the limit of ${this.maxModelBytes}`,
          'MODEL_TOO_LARGE',
          { sizeBytes: request.modelBytes.length, limitBytes: this.maxModelBytes },
        ),
      );
    }
    const featurizer = parseSpec(request.featurizer);
    const schemaKeys = singleChoiceKeys(project);
    try {
      labelColumns(request.labelKeys, schemaKeys);
    } catch (error) {
      throw new BadUserInputError((error as Error).message, { field: 'labelKeys' });
    }
    if (request.labelKeys.length < 1) {
      throw new BadUserInputError('labelKeys must not be empty', { field: 'labelKeys' });
    }
    const existing = await this.db
      .repo(ctx, ModelVersion)
      .existsBy({ projectId: project.id, version });
    if (existing) throw versionTaken(version);

    await this.validateOnTask(ctx, project, request.modelBytes, featurizer, request.labelKeys);

    return this.db.withTransaction(ctx, async tx => {
      const annotator = await createModelAnnotator(
        this.db,
        tx,
        `model ${version} (${project.name})`,
      );
      const repo = this.db.repo(tx, ModelVersion);
      const saved = await repo
        .save(
          repo.create({
            projectId: project.id,
            version,
            source: request.source ?? ModelSource.UPLOADED,
            modelBytes: Buffer.from(request.modelBytes),
            sizeBytes: request.modelBytes.length,
            featurizer: featurizer as unknown as Record<string, unknown>,
            labelKeys: [...request.labelKeys],
            annotatorId: annotator.id,
            createdBy: ctx.user?.id ?? null,
            metrics: request.metrics ?? null,
            promotedAt: request.promote === false ? null : tx.now(),
          }),
        )
        .catch(rethrowUniqueViolationAs(() => versionTaken(version)));
      // The new version votes and has no prediction yet: the unanswered tasks' serving
      // priorities follow it (back to 0 until its pre-label run stores its predictions).
      if (saved.promotedAt !== null) {
        await this.runVotingHooks(tx, { projectId: project.id, taskIds: null });
      }
      return saved;
    });
  }

  /** The project's model versions, oldest first. */
  async modelVersions(ctx: RequestContext, projectId: string): Promise<ModelVersion[]> {
    const project = await this.projects.requireProject(ctx, projectId);
    return this.db
      .repo(ctx, ModelVersion)
      .find({ where: { projectId: project.id }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** A model version of a project the caller may see, else NOT_FOUND. */
  async requireModelVersion(ctx: RequestContext, id: string): Promise<ModelVersion> {
    if (!isUuid(id)) throw new NotFoundError('ModelVersion', id);
    const model = await this.db.repo(ctx, ModelVersion).findOneBy({ id });
    if (!model) throw new NotFoundError('ModelVersion', id);
    try {
      await this.projects.requireProject(ctx, model.projectId);
    } catch {
      throw new NotFoundError('ModelVersion', id);
    }
    return model;
  }

  /**
   * Creates a run and enqueues its job (in one transaction: a failed call leaves neither).
   * The job runs off the request path; poll `prelabelRun(id)` for progress.
   */
  async startPrelabeling(
    ctx: RequestContext,
    input: { projectId: string; modelVersionId: string },
  ): Promise<PrelabelRun> {
    const project = await this.projects.requireProject(ctx, input.projectId);
    const model = await this.requireModelVersion(ctx, input.modelVersionId);
    if (model.projectId !== project.id) throw new NotFoundError('ModelVersion', model.id);
    return this.createRun(ctx, model, { enqueue: true });
  }

  /**
   * A PENDING run of `model` over its project's tasks, and (with `enqueue`) its job, in one
   * transaction. No access check: `startPrelabeling` checks, and the model loop runs the run
   * itself inside its own job (so it can judge the version on the predictions right after).
   */
  async createRun(
    ctx: RequestContext,
    model: ModelVersion,
    options: { enqueue: boolean },
  ): Promise<PrelabelRun> {
    return this.db.withTransaction(ctx, async tx => {
      const [{ count }] = await queryRows<{ count: number }>(
        this.db.manager(tx),
        'SELECT count(*)::int AS count FROM tasks WHERE project_id = $1',
        [model.projectId],
      );
      const repo = this.db.repo(tx, PrelabelRun);
      const run = await repo.save(
        repo.create({
          projectId: model.projectId,
          modelVersionId: model.id,
          status: PrelabelRunStatus.PENDING,
          total: count,
          skipSamples: [],
        }),
      );
      if (options.enqueue) {
        await this.jobs.enqueue(tx, PRELABEL_RUN_JOB, { runId: run.id }, { maxAttempts: 3 });
      }
      return run;
    });
  }

  /** A run of a project the caller may see, else NOT_FOUND. */
  async prelabelRun(ctx: RequestContext, id: string): Promise<PrelabelRun> {
    if (!isUuid(id)) throw new NotFoundError('PrelabelRun', id);
    const run = await this.db.repo(ctx, PrelabelRun).findOneBy({ id });
    if (!run) throw new NotFoundError('PrelabelRun', id);
    try {
      await this.projects.requireProject(ctx, run.projectId);
    } catch {
      throw new NotFoundError('PrelabelRun', id);
    }
    return run;
  }

  /**
   * The job: walks the project's tasks after the run's cursor in id order, `batchSize` at a
   * time, featurizes and predicts each batch in a worker thread, and commits the batch's
   * predictions (upsert on (task, model version)) together with the new cursor and counters.
   * A crash loses at most the batch in flight; the retry resumes at the cursor. Tasks whose
   * payload cannot be featurized are counted and sampled in `skipSamples`, and the job goes on.
   * A model failure marks the run FAILED with its message (nothing of that batch is written).
   */
  async runPrelabeling(ctx: RequestContext, runId: string): Promise<PrelabelRun> {
    const runs = this.db.repo(ctx, PrelabelRun);
    const run = await runs.findOneBy({ id: runId });
    if (!run) throw new NotFoundError('PrelabelRun', runId);
    if (run.status === PrelabelRunStatus.DONE || run.status === PrelabelRunStatus.FAILED) {
      return run;
    }
    const model = await this.db.repo(ctx, ModelVersion).findOneByOrFail({ id: run.modelVersionId });
    const project = await this.db.repo(ctx, Project).findOneByOrFail({ id: run.projectId });
    const schemaKeys = singleChoiceKeys(project);
    const columns = labelColumns(model.labelKeys, schemaKeys);
    const L = schemaKeys.length;
    await runs.update({ id: run.id }, { status: PrelabelRunStatus.RUNNING });

    let worker: PrelabelInferenceWorker;
    try {
      worker = await PrelabelInferenceWorker.start({
        modelBytes: model.modelBytes,
        featurizer: parseFeaturizerSpec(model.featurizer),
        nLabels: model.labelKeys.length,
        modelOptions: { maxBytes: Math.max(this.maxModelBytes, model.sizeBytes) },
      });
    } catch (error) {
      return this.failRun(ctx, run, error);
    }
    try {
      let cursor = run.lastTaskId;
      for (;;) {
        const readStart = performance.now();
        const batch = await this.readBatch(ctx, run.projectId, cursor);
        if (batch.length === 0) break;
        const workerStart = performance.now();
        let result;
        try {
          result = await worker.run(batch.map(task => task.payload));
        } catch (error) {
          if (error instanceof PrelabelModelError) return await this.failRun(ctx, run, error);
          throw error;
        }
        const probabilities = toLabelSetOrder(
          result.probabilities,
          result.rows.length,
          model.labelKeys.length,
          columns,
        );
        const lastTaskId = batch[batch.length - 1].id;
        const skips: PrelabelSkip[] = result.skipped.map(skip => ({
          taskId: batch[skip.row].id,
          reason: skip.reason,
          message: skip.message,
        }));
        const writeStart = performance.now();
        await this.db.withTransaction(ctx, async tx => {
          await this.writePredictions(tx, run, batch, result.rows, probabilities, schemaKeys, L);
          await queryRows(
            this.db.manager(tx),
            `UPDATE prelabel_runs
                SET last_task_id = $2, processed = processed + $3, predicted = predicted + $4,
                    skipped = skipped + $5, updated_at = $6,
                    skip_samples = CASE
                      WHEN jsonb_array_length(skip_samples) >= $7 THEN skip_samples
                      ELSE skip_samples || $8::jsonb END
              WHERE id = $1`,
            [
              run.id,
              lastTaskId,
              batch.length,
              result.rows.length,
              skips.length,
              ctx.now(),
              MAX_SKIP_SAMPLES,
              JSON.stringify(skips.slice(0, MAX_SKIP_SAMPLES)),
            ],
          );
        });
        this.onBatchTimings?.({
          tasks: batch.length,
          readMs: workerStart - readStart,
          featurizeMs: result.featurizeMs,
          inferenceMs: result.inferenceMs,
          workerMs: writeStart - workerStart,
          writeMs: performance.now() - writeStart,
        });
        cursor = lastTaskId;
        if (batch.length < this.batchSize) break;
      }
    } finally {
      await worker.close();
    }
    await runs.update(
      { id: run.id },
      { status: PrelabelRunStatus.DONE, finishedAt: ctx.now(), error: null },
    );
    return runs.findOneByOrFail({ id: run.id });
  }

  /**
   * The MODEL annotators' answers on `projectId` (argmax of each stored prediction, with the
   * prediction itself), in (task, model version creation) order: the extra responses aggregation
   * adds to the humans' so each model version is one more worker whose confusion matrix
   * Dawid–Skene learns. No access check: for services already acting on an authorised project
   * (aggregation, jobs). `probabilities: false` leaves the vectors out (a run whose method
   * does not read them).
   */
  async modelResponses(
    ctx: RequestContext,
    projectId: string,
    options: { readonly probabilities?: boolean } = {},
  ): Promise<ModelResponse[]> {
    const vector = (options.probabilities ?? true) ? ', p.probabilities' : '';
    const rows = await queryRows<ModelResponse>(
      this.db.manager(ctx),
      `SELECT mv.annotator_id AS worker, p.task_id AS task, p.predicted_label AS label${vector}
         FROM prelabel_predictions p
         JOIN model_versions mv ON mv.id = p.model_version_id
        WHERE p.project_id = $1
        ORDER BY p.task_id, mv.created_at, mv.id`,
      [projectId],
    );
    return rows;
  }

  /** Predictions of one model version on given tasks (no access check, as `modelResponses`). */
  async predictionsFor(
    ctx: RequestContext,
    modelVersionId: string,
    taskIds: readonly string[],
  ): Promise<Prediction[]> {
    if (taskIds.length === 0) return [];
    return this.db
      .repo(ctx, Prediction)
      .createQueryBuilder('p')
      .where('p.model_version_id = :modelVersionId', { modelVersionId })
      .andWhere('p.task_id IN (:...taskIds)', { taskIds })
      .orderBy('p.task_id')
      .getMany();
  }

  private async validateOnTask(
    ctx: RequestContext,
    project: Project,
    modelBytes: Uint8Array,
    featurizer: FeaturizerSpec,
    labelKeys: readonly string[],
  ): Promise<void> {
    // Loading happens in a worker thread, so neither onnxruntime nor a bad model's parse time
    // touches the API's event loop. The start-up validates with a zero row; the first tasks of
    // the project are then run for real (the first featurizable one is the trial).
    let worker: PrelabelInferenceWorker;
    try {
      worker = await PrelabelInferenceWorker.start({
        modelBytes,
        featurizer,
        nLabels: labelKeys.length,
        modelOptions: { maxBytes: this.maxModelBytes },
      });
    } catch (error) {
      throw modelError(error);
    }
    try {
      const sample = await this.db.repo(ctx, Task).find({
        select: { id: true, payload: true },
        where: { projectId: project.id },
        order: { id: 'ASC' },
        take: 20,
      });
      if (sample.length > 0) await worker.run(sample.map(task => task.payload));
    } catch (error) {
      throw modelError(error);
    } finally {
      await worker.close();
    }
  }

  private async readBatch(
    ctx: RequestContext,
    projectId: string,
    after: string | null,
  ): Promise<Array<{ id: string; payload: unknown }>> {
    return queryRows<{ id: string; payload: unknown }>(
      this.db.manager(ctx),
      after === null
        ? 'SELECT id, payload FROM tasks WHERE project_id = $1 ORDER BY id LIMIT $2'
        : 'SELECT id, payload FROM tasks WHERE project_id = $1 AND id > $3 ORDER BY id LIMIT $2',
      after === null ? [projectId, this.batchSize] : [projectId, this.batchSize, after],
    );
  }

  private async writePredictions(
    tx: RequestContext,
    run: PrelabelRun,
    batch: ReadonlyArray<{ id: string }>,
    rows: Int32Array,
    probabilities: Float64Array,
    schemaKeys: readonly string[],
    L: number,
  ): Promise<void> {
    if (rows.length === 0) return;
    const taskIds: string[] = new Array(rows.length);
    const labels: string[] = new Array(rows.length);
    const confidences: number[] = new Array(rows.length);
    const vectors: string[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      let best = 0;
      for (let l = 1; l < L; l++) {
        if (probabilities[r * L + l] > probabilities[r * L + best]) best = l;
      }
      taskIds[r] = batch[rows[r]].id;
      labels[r] = schemaKeys[best];
      confidences[r] = probabilities[r * L + best];
      vectors[r] = `{${Array.from(probabilities.subarray(r * L, (r + 1) * L)).join(',')}}`;
    }
    // One statement per batch: arrays unnested in parallel, the probability vectors as array
    // literals (a 2-D array parameter cannot be unnested into rows of 1-D arrays).
    await queryRows(
      this.db.manager(tx),
      `INSERT INTO prelabel_predictions
         (task_id, model_version_id, project_id, probabilities, predicted_label, confidence, created_at)
       SELECT t.task_id, $1, $2, t.probabilities::double precision[], t.label, t.confidence, $3
         FROM unnest($4::uuid[], $5::text[], $6::text[], $7::double precision[])
              AS t(task_id, probabilities, label, confidence)
       ON CONFLICT (task_id, model_version_id) DO UPDATE
         SET probabilities = EXCLUDED.probabilities,
             predicted_label = EXCLUDED.predicted_label,
             confidence = EXCLUDED.confidence`,
      [run.modelVersionId, run.projectId, tx.now(), taskIds, vectors, labels, confidences],
    );
    await this.runVotingHooks(tx, { projectId: run.projectId, taskIds });
  }

  private async runVotingHooks(tx: RequestContext, change: VotingPredictionsChange) {
    for (const hook of this.votingHooks) await hook(tx, change);
  }

  private async failRun(ctx: RequestContext, run: PrelabelRun, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    await this.db
      .repo(ctx, PrelabelRun)
      .update(
        { id: run.id },
        { status: PrelabelRunStatus.FAILED, error: message, finishedAt: ctx.now() },
      );
    return this.db.repo(ctx, PrelabelRun).findOneByOrFail({ id: run.id });
  }
}

/**
 * A model error as the API reports it: `PrelabelModelError` codes become `extensions.code` as
 * they are (MODEL_CORRUPT, MODEL_TOO_LARGE, …) with their details; anything else is rethrown.
 */
export function modelError(error: unknown): Error {
  if (error instanceof AppError) return error;
  if (error instanceof PrelabelModelError) {
    return new AppError(error.message, error.code, { ...error.details });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The bytes of a base64 model upload. Anything but standard base64 is MODEL_CORRUPT: a lenient
 * decoder would skip stray characters and hand onnxruntime a silently different file.
 */
export function decodeModelBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new AppError(
      'The model could not be loaded: modelBase64 is not base64',
      'MODEL_CORRUPT',
      {
        reason: 'not base64',
      },
    );
  }
  return Buffer.from(compact, 'base64');
}

function parseSpec(input: unknown): FeaturizerSpec {
  try {
    return parseFeaturizerSpec(input);
  } catch (error) {
    throw new BadUserInputError(`featurizer: ${(error as Error).message}`, {
      field: 'featurizer',
    });
  }
}

/** The schema's label keys in order; pre-labels support single-choice schemas only. */
export function singleChoiceKeys(project: Pick<Project, 'labelSchema'>): string[] {
  if (project.labelSchema.kind !== LabelSchemaKind.SINGLE_CHOICE) {
    throw new BadUserInputError('pre-label models support single-choice label schemas only', {
      field: 'projectId',
    });
  }
  return project.labelSchema.labels.map(label => label.key);
}

function versionTaken(version: string): ConflictError {
  return new ConflictError(`Model version ${version} already exists in this project`, {
    field: 'version',
  });
}
