import { AppError } from '../../common/errors';
import type { Logger } from '../../common/logger';
import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import type { JobQueue } from '../jobs/job-queue';
import type { CompletedTask } from '../marketplace/assignment.hooks';
import { Project } from '../projects/project.entity';
import { type ModelGoldRecord, modelGoldRecord } from './model-vote';
import { ModelVersion } from './model-version.entity';
import { PrelabelRunStatus } from './prelabel-run.entity';
import type { PrelabelService } from './prelabel.service';
import type { TrainingService } from './training.service';

/** Name of the automatic retrain job; payload `{ projectId, completedTasks }`. */
export const MODEL_RETRAIN_JOB = 'prelabel.retrain';

/** What one retrain job did (stored as the job's result). */
export interface RetrainResult extends Record<string, unknown> {
  readonly status: 'PROMOTED' | 'KEPT' | 'SKIPPED';
  readonly reason?: string;
  readonly modelVersionId?: string;
  readonly version?: string;
  /** Gold accuracy of the new version's and of the voting version's predictions; null = no gold. */
  readonly goldAccuracy?: number | null;
  readonly previousGoldAccuracy?: number | null;
}

/**
 * The model loop, closed (issue 15, docs/prelabel.md "Automatic retraining"). With a project's
 * `modelRetrainEvery` = N set:
 *
 * 1. Every ordinary task completion (the `TaskSlots.onTaskCompleted` hook, inside the completing
 *    transaction) adds one to the project's row of `model_retrain_counters`; when the count
 *    reaches a multiple of N, the same transaction enqueues `prelabel.retrain` with the unique
 *    key `model-retrain:<project>`. A rolled-back completion counts nothing and enqueues nothing;
 *    while a retrain waits, a further crossing is merged into it (it trains on the latest data).
 *    The counter row is one per project: completions of one project serialise on it for the end
 *    of their transactions, which is why it is only touched when retraining is on.
 * 2. The job, run by the background scheduler, acts as the project's owner: it trains a new
 *    version from the consensus (`TrainingService.trainModel`, featurizer of the latest version),
 *    registered unpromoted, then pre-labels every task of the project with it (a pre-label run,
 *    run inside the job) and
 * 3. lets the best version vote: the new version is promoted (`model_versions.promoted_at`, the
 *    latest promoted version is the one `modelVote` reads) when its predictions' accuracy on the
 *    project's gold is at least the voting version's, measured on the same gold tasks from the
 *    stored predictions. Gold, not held-out consensus agreement: consensus is what the model was
 *    trained on, and gold is what the model gate trusts. Without gold predictions (no gold tasks)
 *    the new version is promoted: it learnt from more completed tasks.
 *
 * A project without a model has no featurizer to start from: the job skips (train one with
 * `trainModel` first). Too few completed tasks to train: skipped too, the next crossing retries.
 */
export class ModelLoop {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly prelabels: PrelabelService,
    private readonly training: TrainingService,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
  ) {}

  /** Registers the retrain job's handler (once, from the wiring). */
  registerJobs(): void {
    this.jobs.register(MODEL_RETRAIN_JOB, (ctx, payload) =>
      this.retrain(ctx, String(payload.projectId)),
    );
  }

  /** The completion hook: counts the task and enqueues a retrain at each multiple of N. */
  async onTaskCompleted(tx: RequestContext, { task, project }: CompletedTask): Promise<void> {
    const every = project.modelRetrainEvery;
    if (every === null || task.isGold) return;
    const [row] = await queryRows<{ completed_tasks: number }>(
      this.db.manager(tx),
      `INSERT INTO model_retrain_counters (project_id, completed_tasks) VALUES ($1, 1)
       ON CONFLICT (project_id) DO UPDATE
         SET completed_tasks = model_retrain_counters.completed_tasks + 1
       RETURNING completed_tasks`,
      [project.id],
    );
    if (row.completed_tasks % every !== 0) return;
    await this.jobs.enqueue(
      tx,
      MODEL_RETRAIN_JOB,
      { projectId: project.id, completedTasks: row.completed_tasks },
      { uniqueKey: `model-retrain:${project.id}`, maxAttempts: 3 },
    );
  }

  /** The job body: train, pre-label, promote if at least as good on gold (see the class). */
  async retrain(ctx: RequestContext, projectId: string): Promise<RetrainResult> {
    const project = await this.db.repo(ctx, Project).findOneBy({ id: projectId });
    if (!project || project.modelRetrainEvery === null) {
      return { status: 'SKIPPED', reason: 'automatic retraining is off' };
    }
    const voting = await this.votingVersion(ctx, projectId);
    const hasModel = voting ?? (await this.db.repo(ctx, ModelVersion).findOneBy({ projectId }));
    if (!hasModel) return { status: 'SKIPPED', reason: 'the project has no model to retrain' };
    // The job acts for the project's owner: training and registration check access as for them.
    const owner = ctx.withUser({ id: project.ownerId, roles: [Role.REQUESTER], via: 'jwt' });
    let version: ModelVersion;
    try {
      version = await this.training.trainModel(owner, { projectId, promote: false });
    } catch (error) {
      // Too few completed tasks, a featurizer that no longer fits: retried at the next crossing.
      if (error instanceof AppError) return { status: 'SKIPPED', reason: error.message };
      throw error;
    }
    const run = await this.prelabels.createRun(ctx, version, { enqueue: false });
    const done = await this.prelabels.runPrelabeling(ctx, run.id);
    if (done.status !== PrelabelRunStatus.DONE) {
      return {
        status: 'KEPT',
        reason: `pre-labeling failed: ${done.error}`,
        modelVersionId: version.id,
      };
    }
    const fresh = accuracy(await modelGoldRecord(this.db, ctx, projectId, version.id));
    const previous = voting
      ? accuracy(await modelGoldRecord(this.db, ctx, projectId, voting.id))
      : null;
    const promote = fresh === null || previous === null || fresh >= previous;
    // Promotion runs the voting hooks too: unanswered tasks are then served by this version's
    // margins (docs/leasing.md).
    if (promote) await this.prelabels.promoteVersion(ctx, version.id);
    const result: RetrainResult = {
      status: promote ? 'PROMOTED' : 'KEPT',
      modelVersionId: version.id,
      version: version.version,
      goldAccuracy: fresh,
      previousGoldAccuracy: previous,
    };
    this.logger.info({ projectId, ...result }, 'model retrained');
    return result;
  }

  private async votingVersion(
    ctx: RequestContext,
    projectId: string,
  ): Promise<ModelVersion | null> {
    const [row] = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `SELECT id FROM model_versions WHERE project_id = $1 AND promoted_at IS NOT NULL
       ORDER BY promoted_at DESC, created_at DESC, id DESC LIMIT 1`,
      [projectId],
    );
    return row ? this.db.repo(ctx, ModelVersion).findOneByOrFail({ id: row.id }) : null;
  }
}

function accuracy(record: ModelGoldRecord): number | null {
  return record.gold_answers > 0 ? record.gold_correct / record.gold_answers : null;
}
