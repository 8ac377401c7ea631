import { BadUserInputError, NotFoundError, UnauthorizedError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Role } from '../auth/role';
import { Project } from '../projects/project.entity';
import type { ProjectService } from '../projects/project.service';
import { LabelSchemaKind } from '../projects/project.types';
import type { TaskService } from '../marketplace/task.service';
import { checkKindAnswer } from '../marketplace/kind-answers';
import { isStructuredKind, kindSettingsOf } from '../projects/kind-settings';
import { type SpanSettings, tokensOf } from '../kinds/spans-kind';
import type { ResultOverride } from '../aggregation/aggregation.service';
import { decisionLabelProblem, orderedLabels, pseudonymOf, reviewReasons } from './review-rules';
import {
  type DecideReviewInput,
  ProjectReviewer,
  ReviewAnswer,
  ReviewDecision,
  type ReviewQueue,
  type ReviewQueueArgs,
  ReviewQueueItem,
  ReviewReason,
  type ReviewTask,
  ReviewableProject,
} from './review.types';

/** Largest review queue page. */
const MAX_QUEUE_PAGE = 200;

/** The caller's standing on a project under review. */
interface ReviewAccess {
  readonly project: Project;
  /** Owner or admin: sees worker identities and may turn decisions into gold. */
  readonly privileged: boolean;
}

interface QueueRow {
  id: string;
  external_id: string | null;
  consensus_labels: string[] | null;
  consensus_confidence: number | null;
  counted_answers: number;
  model_label: string | null;
  decided_labels: string[] | null;
  total: number;
}

interface DecisionRow {
  task_id: string;
  project_id: string;
  labels: string[];
  value: Record<string, unknown> | null;
  decided_by: string;
  decided_by_name: string;
  decided_at: Date;
  gold_task_id: string | null;
}

/**
 * Tasks in need of review: a consensus below $2, or a latest-model prediction outside the
 * consensus. A structured kind's task has a confidence (online, docs/kinds.md) but no consensus
 * labels. $3: include decided tasks. Lowest confidence first; `total` counts every match.
 */
const QUEUE_SQL = `
  WITH latest_model AS (
    SELECT id FROM model_versions WHERE project_id = $1
    ORDER BY created_at DESC, id DESC LIMIT 1)
  SELECT t.id, t.external_id, t.consensus_labels, t.consensus_confidence, t.counted_answers,
         p.predicted_label AS model_label, d.labels AS decided_labels,
         count(*) OVER ()::int AS total
  FROM tasks t
  LEFT JOIN prelabel_predictions p
    ON p.task_id = t.id AND p.model_version_id = (SELECT id FROM latest_model)
  LEFT JOIN review_decisions d ON d.task_id = t.id
  WHERE t.project_id = $1 AND NOT t.is_gold
    AND (t.consensus_labels IS NOT NULL OR t.consensus_confidence IS NOT NULL)
    AND (t.consensus_confidence < $2
         OR (p.predicted_label IS NOT NULL AND NOT (p.predicted_label = ANY (t.consensus_labels))))
    AND ($3 OR d.task_id IS NULL)
  ORDER BY t.consensus_confidence ASC NULLS LAST, t.created_at, t.id
  LIMIT $4`;

const DECISION_SQL = `
  SELECT d.*, u.display_name AS decided_by_name
  FROM review_decisions d JOIN users u ON u.id = d.decided_by
  WHERE d.task_id = $1`;

/**
 * Expert review (issue 13): the queue of tasks the crowd could not settle, the task as a
 * reviewer sees it, final decisions that override the aggregate (see `overrides`, which
 * aggregation applies to results and exports), and the per-project REVIEWER grant.
 *
 * Who may review: the project's owner, an admin, or a user the owner granted REVIEWER on that
 * project; anyone else gets NOT_FOUND (the project's existence never leaks). A reviewer sees
 * payloads, answers under pseudonyms, posteriors and pre-labels, never money, settings or
 * worker identities; turning a decision into gold (which is served and paid) is the owner's.
 */
export class ReviewService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly tasks: TaskService,
  ) {}

  /** The queue of one project, lowest confidence first. */
  async queue(ctx: RequestContext, args: ReviewQueueArgs): Promise<ReviewQueue> {
    if (!(args.confidenceBelow >= 0 && args.confidenceBelow <= 1)) {
      throw new BadUserInputError('confidenceBelow must be between 0 and 1', {
        field: 'confidenceBelow',
      });
    }
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_QUEUE_PAGE) {
      throw new BadUserInputError(`first must be 1 to ${MAX_QUEUE_PAGE}`, { field: 'first' });
    }
    const { project } = await this.requireAccess(ctx, args.projectId);
    const rows = await queryRows<QueueRow>(this.db.manager(ctx), QUEUE_SQL, [
      project.id,
      args.confidenceBelow,
      args.includeDecided,
      args.first,
    ]);
    return {
      totalCount: rows[0]?.total ?? 0,
      items: rows.map(row =>
        Object.assign(new ReviewQueueItem(), {
          taskId: row.id,
          externalId: row.external_id,
          consensusLabels: row.consensus_labels,
          confidence: row.consensus_confidence,
          modelLabel: row.model_label,
          answerCount: row.counted_answers,
          decidedLabels: row.decided_labels,
          reasons: reviewReasons(
            {
              // A structured kind's task: no labels, but its confidence is reviewable.
              consensusLabels: row.consensus_labels ?? [],
              confidence: row.consensus_confidence,
              modelLabel: row.model_label,
            },
            args.confidenceBelow,
          ).map(reason => ReviewReason[reason]),
        }),
      ),
    };
  }

  /** One task with everything needed to decide it. */
  async task(ctx: RequestContext, taskId: string): Promise<ReviewTask> {
    const task = await this.requireTask(ctx, taskId);
    const { project, privileged } = await this.requireAccess(ctx, task.project_id);
    const manager = this.db.manager(ctx);
    const answers = await queryRows<{
      worker_id: string;
      answer_labels: string[] | null;
      answer: Record<string, unknown> | null;
      submitted_at: Date | null;
      server_duration_ms: number | null;
      excluded_at: Date | null;
      status: string;
    }>(
      manager,
      `SELECT worker_id, answer_labels, answer, submitted_at, server_duration_ms, excluded_at, status
         FROM assignments WHERE task_id = $1 AND (answer_labels IS NOT NULL OR answer IS NOT NULL)
         ORDER BY submitted_at, id`,
      [task.id],
    );
    const [prelabel] = await queryRows<{ predicted_label: string; confidence: number }>(
      manager,
      `SELECT p.predicted_label, p.confidence FROM prelabel_predictions p
         JOIN model_versions m ON m.id = p.model_version_id
        WHERE p.task_id = $1 ORDER BY m.created_at DESC, m.id DESC LIMIT 1`,
      [task.id],
    );
    const keys = project.labelSchema.labels.map(label => label.key);
    return {
      taskId: task.id,
      projectId: project.id,
      projectName: project.name,
      externalId: task.external_id,
      payload: task.payload,
      labelSchema: project.labelSchema,
      tokens:
        project.labelSchema.kind === LabelSchemaKind.TEXT_SPANS
          ? tokensOf(kindSettingsOf(project.labelSchema) as unknown as SpanSettings, task.payload)
          : null,
      consensusLabels: task.consensus_labels,
      consensusValue: task.consensus_answer,
      confidence: task.consensus_confidence,
      posterior:
        task.posterior?.slice(0, keys.length).map((probability, k) => ({
          key: keys[k]!,
          probability,
        })) ?? null,
      prelabel: prelabel
        ? { label: prelabel.predicted_label, confidence: prelabel.confidence }
        : null,
      answers: answers.map(answer =>
        Object.assign(new ReviewAnswer(), {
          worker: pseudonymOf(project.id, answer.worker_id),
          workerId: privileged ? answer.worker_id : null,
          labels: answer.answer_labels ?? [],
          value: answer.answer,
          submittedAt: answer.submitted_at,
          durationMs: answer.server_duration_ms,
          excluded: answer.excluded_at !== null,
          status: answer.status,
        }),
      ),
      decision: await this.findDecision(ctx, task.id, privileged),
    };
  }

  /**
   * Records (or replaces) the final label of a non-gold task: who and when are the caller and
   * now. Choice kinds decide `labels`; structured kinds a `value` checked by the kind's answer
   * validation against the task's payload, as a worker's answer is (the same BAD_USER_INPUT
   * `reason` codes), stored with empty labels. With `makeGold` (owner or admin only) the payload
   * and decision also become a gold task (external id `review:<taskId>`, so a repeat adds no
   * second one), through the ordinary import so its escrow is reserved like any other task's.
   */
  async decide(ctx: RequestContext, input: DecideReviewInput): Promise<ReviewDecision> {
    const userId = ctx.requireUserId();
    return this.db.withTransaction(ctx, async tx => {
      const task = await this.requireTask(tx, input.taskId);
      const { project, privileged } = await this.requireAccess(tx, task.project_id);
      if (input.makeGold && !privileged) {
        throw new UnauthorizedError('Only the project’s owner may add gold tasks');
      }
      if (task.is_gold) {
        throw new BadUserInputError('A gold task already has its answer', { field: 'taskId' });
      }
      const { labels, value } = decisionOf(project, task.payload, input);
      const goldTaskId = input.makeGold
        ? await this.addGold(tx, project, task, { labels, value })
        : null;
      await queryRows(
        this.db.manager(tx),
        `INSERT INTO review_decisions
           (task_id, project_id, labels, value, decided_by, decided_at, gold_task_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (task_id) DO UPDATE SET labels = EXCLUDED.labels, value = EXCLUDED.value,
           decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at,
           gold_task_id = COALESCE(EXCLUDED.gold_task_id, review_decisions.gold_task_id)`,
        [task.id, project.id, labels, value, userId, tx.now(), goldTaskId],
      );
      return (await this.findDecision(tx, task.id, privileged))!;
    });
  }

  /**
   * Task id → decided labels (choice kinds) or value (structured kinds), for aggregation's
   * results and exports (no access check).
   */
  async overrides(
    ctx: RequestContext,
    projectId: string,
    taskIds?: readonly string[],
  ): Promise<ReadonlyMap<string, ResultOverride>> {
    if (taskIds?.length === 0) return new Map();
    const rows = await queryRows<{
      task_id: string;
      labels: string[];
      value: Record<string, unknown> | null;
    }>(
      this.db.manager(ctx),
      `SELECT task_id, labels, value FROM review_decisions
        WHERE project_id = $1 AND ($2::uuid[] IS NULL OR task_id = ANY ($2::uuid[]))`,
      [projectId, taskIds ?? null],
    );
    return new Map(rows.map(row => [row.task_id, { labels: row.labels, value: row.value }]));
  }

  /** Grants REVIEWER on the project to the user with `email` (owner or admin). */
  async grant(ctx: RequestContext, projectId: string, email: string): Promise<ProjectReviewer> {
    const grantedBy = ctx.requireUserId();
    const project = await this.projects.requireProject(ctx, projectId);
    const [user] = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `SELECT id FROM users WHERE lower(email) = lower($1)`,
      [email.trim()],
    );
    if (!user) throw new NotFoundError('User', email);
    if (user.id === project.ownerId) {
      throw new BadUserInputError('The owner reviews their project already', { field: 'email' });
    }
    await queryRows(
      this.db.manager(ctx),
      `INSERT INTO project_reviewers (project_id, user_id, granted_by, granted_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (project_id, user_id) DO NOTHING`,
      [project.id, user.id, grantedBy, ctx.now()],
    );
    return (await this.listReviewers(ctx, project.id, user.id))[0]!;
  }

  /** Takes REVIEWER back (owner or admin); NOT_FOUND when the user holds no grant. */
  async revoke(ctx: RequestContext, projectId: string, userId: string): Promise<ProjectReviewer> {
    const project = await this.projects.requireProject(ctx, projectId);
    const [reviewer] = isUuid(userId) ? await this.listReviewers(ctx, project.id, userId) : [];
    if (!reviewer) throw new NotFoundError('ProjectReviewer', userId);
    await queryRows(
      this.db.manager(ctx),
      `DELETE FROM project_reviewers WHERE project_id = $1 AND user_id = $2`,
      [project.id, userId],
    );
    return reviewer;
  }

  /** The project's reviewers (owner or admin). */
  async reviewers(ctx: RequestContext, projectId: string): Promise<ProjectReviewer[]> {
    const project = await this.projects.requireProject(ctx, projectId);
    return this.listReviewers(ctx, project.id);
  }

  /** Projects the caller may review: their own and those granted to them (at most 200). */
  async reviewableProjects(ctx: RequestContext): Promise<ReviewableProject[]> {
    const userId = ctx.requireUserId();
    const rows = await queryRows<{ id: string; name: string; owner: boolean }>(
      this.db.manager(ctx),
      `SELECT p.id, p.name, p.owner_id = $1 AS owner FROM projects p
        WHERE p.owner_id = $1
           OR EXISTS (SELECT 1 FROM project_reviewers r WHERE r.project_id = p.id AND r.user_id = $1)
        ORDER BY p.created_at DESC, p.id LIMIT 200`,
      [userId],
    );
    return rows.map(row =>
      Object.assign(new ReviewableProject(), {
        projectId: row.id,
        name: row.name,
        owner: row.owner,
      }),
    );
  }

  private async listReviewers(
    ctx: RequestContext,
    projectId: string,
    userId?: string,
  ): Promise<ProjectReviewer[]> {
    const rows = await queryRows<{
      user_id: string;
      email: string;
      display_name: string;
      granted_at: Date;
    }>(
      this.db.manager(ctx),
      `SELECT r.user_id, u.email, u.display_name, r.granted_at
         FROM project_reviewers r JOIN users u ON u.id = r.user_id
        WHERE r.project_id = $1 AND ($2::uuid IS NULL OR r.user_id = $2)
        ORDER BY r.granted_at, r.user_id`,
      [projectId, userId ?? null],
    );
    return rows.map(row =>
      Object.assign(new ProjectReviewer(), {
        projectId,
        userId: row.user_id,
        email: row.email,
        displayName: row.display_name,
        grantedAt: row.granted_at,
      }),
    );
  }

  /** Owner, admin or granted reviewer; NOT_FOUND for anyone else. */
  private async requireAccess(ctx: RequestContext, projectId: string): Promise<ReviewAccess> {
    const userId = ctx.requireUserId();
    const project = isUuid(projectId)
      ? await this.db.repo(ctx, Project).findOneBy({ id: projectId })
      : null;
    if (!project) throw new NotFoundError('Project', projectId);
    const privileged = ctx.hasRole(Role.ADMIN) || project.ownerId === userId;
    if (privileged) return { project, privileged };
    const [grant] = await queryRows(
      this.db.manager(ctx),
      `SELECT 1 FROM project_reviewers WHERE project_id = $1 AND user_id = $2`,
      [project.id, userId],
    );
    if (!grant) throw new NotFoundError('Project', projectId);
    return { project, privileged: false };
  }

  private async requireTask(ctx: RequestContext, taskId: string) {
    const [task] = isUuid(taskId)
      ? await queryRows<{
          id: string;
          project_id: string;
          external_id: string | null;
          payload: Record<string, unknown>;
          is_gold: boolean;
          consensus_labels: string[] | null;
          consensus_confidence: number | null;
          consensus_answer: Record<string, unknown> | null;
          posterior: number[] | null;
        }>(
          this.db.manager(ctx),
          `SELECT id, project_id, external_id, payload, is_gold, consensus_labels,
                  consensus_confidence, consensus_answer, posterior FROM tasks WHERE id = $1`,
          [taskId],
        )
      : [];
    if (!task) throw new NotFoundError('Task', taskId);
    return task;
  }

  private async findDecision(
    ctx: RequestContext,
    taskId: string,
    privileged: boolean,
  ): Promise<ReviewDecision | null> {
    const [row] = await queryRows<DecisionRow>(this.db.manager(ctx), DECISION_SQL, [taskId]);
    if (!row) return null;
    return Object.assign(new ReviewDecision(), {
      taskId: row.task_id,
      projectId: row.project_id,
      labels: row.labels,
      value: row.value,
      decidedBy: privileged ? row.decided_by_name : pseudonymOf(row.project_id, row.decided_by),
      decidedAt: row.decided_at,
      goldTaskId: row.gold_task_id,
    });
  }

  private async addGold(
    tx: RequestContext,
    project: Project,
    task: { id: string; payload: Record<string, unknown> },
    { labels, value }: ResultOverride,
  ): Promise<string> {
    const externalId = `review:${task.id}`;
    const base = { externalId, payload: task.payload };
    const goldTask =
      value !== null
        ? { ...base, goldAnswer: value }
        : project.labelSchema.kind === LabelSchemaKind.MULTI_LABEL
          ? { ...base, goldLabels: [...labels] }
          : { ...base, goldLabel: labels[0] };
    await this.tasks.importTasks(tx, { projectId: project.id, tasks: [goldTask] });
    const [gold] = await queryRows<{ id: string }>(
      this.db.manager(tx),
      `SELECT id FROM tasks WHERE project_id = $1 AND external_id = $2`,
      [project.id, externalId],
    );
    return gold!.id;
  }
}

/**
 * The decision `input` asks for on a task of `project`: label keys for the choice kinds (in
 * schema order), or the structured kind's checked value (`checkKindAnswer`, as a worker's answer:
 * BAD_USER_INPUT with the kind's issue code in `reason`). Sending the other kind's field, or both,
 * is BAD_USER_INPUT naming it.
 */
function decisionOf(
  project: Project,
  payload: Record<string, unknown>,
  input: DecideReviewInput,
): ResultOverride {
  const schema = project.labelSchema;
  if (isStructuredKind(schema.kind)) {
    if (input.labels != null) {
      throw new BadUserInputError(`A ${schema.kind} decision is a value, not labels`, {
        field: 'labels',
      });
    }
    if (input.value == null) {
      throw new BadUserInputError(`A ${schema.kind} decision needs a value`, {
        field: 'value',
        reason: 'MALFORMED_ANSWER',
      });
    }
    return { labels: [], value: checkKindAnswer(schema, payload, input, 'value').value };
  }
  if (input.value != null) {
    throw new BadUserInputError(`A ${schema.kind} decision is labels, not a value`, {
      field: 'value',
    });
  }
  if (input.labels == null) {
    throw new BadUserInputError(`A ${schema.kind} decision needs labels`, { field: 'labels' });
  }
  const kind = schema.kind === LabelSchemaKind.MULTI_LABEL ? 'MULTI_LABEL' : 'SINGLE_CHOICE';
  const keys = schema.labels.map(label => label.key);
  const problem = decisionLabelProblem(kind, keys, input.labels);
  if (problem) throw new BadUserInputError(problem, { field: 'labels' });
  return { labels: orderedLabels(keys, input.labels), value: null };
}
