import { AppError, BadUserInputError, ErrorCode, NotFoundError } from '../../common/errors';
import { type ConnectionShape, paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isStorableJson, isStorableText } from '../../common/text';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Role } from '../auth/role';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { EDITABLE_STATUSES } from '../projects/project-lifecycle';
import type { Project } from '../projects/project.entity';
import { ProjectNotEditableError } from '../projects/project.errors';
import type { ProjectService } from '../projects/project.service';
import { isStructuredKind } from '../projects/kind-settings';
import { normalizeGoldLabels } from '../projects/validate-project-settings';
import { checkKindAnswer } from './kind-answers';
import { Task } from './task.entity';
import { TasksImportedEvent } from './task.events';
import type { TasksImportedHook } from './task.hooks';
import {
  type ImportTaskItem,
  type ImportTasksInput,
  type ImportTasksResult,
  TASK_IMPORT_LIMITS,
  type TasksArgs,
} from './task.inputs';

/** Rows and bytes per INSERT statement: big enough to be fast, small enough for one message. */
const INSERT_CHUNK_ROWS = 1_000;
const INSERT_CHUNK_BYTES = 4 * 1024 * 1024;

/** An import item after validation, its payload already serialised once. */
interface PreparedTask {
  externalId: string | null;
  payloadJson: string;
  goldLabels: string[] | null;
  /** A structured kind's gold answer as JSON text (checked by the kind), or null. */
  goldAnswerJson: string | null;
}

/**
 * Tasks of a project: batch import (with gold), owner/admin reads. Workers never reach this
 * service's reads; they get `WorkerTask` views from assignments.
 */
export class TaskService {
  private readonly importedHooks: TasksImportedHook[] = [];

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly idempotency: IdempotencyService,
    private readonly projects: ProjectService,
  ) {}

  /** Adds a hook run inside every import that created tasks (see TasksImportedHook). */
  onImported(hook: TasksImportedHook): void {
    this.importedHooks.push(hook);
  }

  /**
   * Imports up to 10,000 tasks in one transaction, idempotent on (projectId, externalId): an
   * externalId already in the project is skipped and reported, never overwritten, so a repeated
   * import changes nothing. Gold answers are checked against the label schema. Allowed in DRAFT,
   * ACTIVE and PAUSED projects. Any invalid item rejects the whole batch before anything is
   * written.
   *
   * Inserts go in multi-row statements (`jsonb_to_recordset` … `ON CONFLICT DO NOTHING
   * RETURNING`), about a thousand rows per round trip, so the unique index — not a racy
   * "exists?" query — decides what is new, also against a concurrent import of the same ids.
   */
  async importTasks(ctx: RequestContext, input: ImportTasksInput): Promise<ImportTasksResult> {
    ctx.requireUser();
    const { maxBatchSize } = TASK_IMPORT_LIMITS;
    if (input.tasks.length > maxBatchSize) {
      throw new AppError(
        `At most ${maxBatchSize} tasks per import (got ${input.tasks.length})`,
        ErrorCode.BATCH_TOO_LARGE,
        { field: 'tasks', limit: maxBatchSize, size: input.tasks.length },
      );
    }
    if (input.tasks.length === 0) {
      throw new BadUserInputError('An import needs at least one task', { field: 'tasks' });
    }
    const items = prepareItems(input);

    return this.idempotency.run(
      ctx,
      {
        operation: 'importTasks',
        key: input.idempotencyKey,
        params: { projectId: input.projectId, tasks: input.tasks },
      },
      async tx => {
        // FOR SHARE: the status and label schema cannot change until this import commits.
        const project = await this.projects.requireProject(tx, input.projectId, 'share');
        if (!EDITABLE_STATUSES.includes(project.status)) {
          throw new ProjectNotEditableError(
            project.id,
            project.status,
            `Tasks cannot be imported into a ${project.status} project`,
          );
        }
        input.tasks.forEach((task, index) => {
          if (isStructuredKind(project.labelSchema.kind)) {
            items[index].goldAnswerJson = structuredGold(project, task, index);
            return;
          }
          if (task.goldAnswer != null) {
            throw new BadUserInputError('A choice project’s gold answer is goldLabel(s)', {
              field: `tasks[${index}].goldAnswer`,
            });
          }
          items[index].goldLabels = normalizeGoldLabels(
            project.labelSchema,
            task,
            `tasks[${index}].${task.goldLabels != null ? 'goldLabels' : 'goldLabel'}`,
          );
        });
        return this.insert(tx, project, items);
      },
      {
        toRecord: result => ({ ...result }),
        fromRecord: async (_tx, record) => record as unknown as ImportTasksResult,
      },
    );
  }

  /**
   * A page of `project`'s tasks for its owner or an admin, oldest first (tasks of one import
   * share a creation time and are then ordered by id). Filters: status, gold, has consensus.
   */
  async listTasks(
    ctx: RequestContext,
    project: Project,
    args: TasksArgs,
  ): Promise<ConnectionShape<Task>> {
    ctx.requireUser();
    if (!this.projects.canAccess(ctx, project)) throw new NotFoundError('Project', project.id);
    const qb = this.db
      .repo(ctx, Task)
      .createQueryBuilder('task')
      .where('task.project_id = :projectId', { projectId: project.id });
    const filter = args.filter;
    if (filter?.status) qb.andWhere('task.status = :status', { status: filter.status });
    if (filter?.isGold != null) qb.andWhere('task.is_gold = :isGold', { isGold: filter.isGold });
    if (filter?.hasConsensus != null) {
      qb.andWhere(
        filter.hasConsensus ? 'task.consensus_labels IS NOT NULL' : 'task.consensus_labels IS NULL',
      );
    }
    return paginate(qb, args);
  }

  /** One task for its project's owner or an admin; NOT_FOUND for anyone else. */
  async findTask(ctx: RequestContext, id: string): Promise<Task> {
    const user = ctx.requireUser();
    if (!isUuid(id)) throw new NotFoundError('Task', id);
    const qb = this.db
      .repo(ctx, Task)
      .createQueryBuilder('task')
      .innerJoin('task.project', 'project')
      .where('task.id = :id', { id });
    if (!ctx.hasRole(Role.ADMIN)) qb.andWhere('project.owner_id = :ownerId', { ownerId: user.id });
    const task = await qb.getOne();
    if (!task) throw new NotFoundError('Task', id);
    return task;
  }

  private async insert(
    tx: RequestContext,
    project: Project,
    items: PreparedTask[],
  ): Promise<ImportTasksResult> {
    const manager = this.db.manager(tx);
    const createdIds: string[] = [];
    const createdExternalIds = new Set<string>();
    // Inserted in external-id order, so two imports of overlapping ids take the unique key's
    // locks in the same order and one waits for the other instead of deadlocking (a retry or
    // a resumed upload racing the first one). Row order is not observable: one transaction's
    // tasks share their created_at, and pages order ties by id.
    const ordered = [...items].sort((a, b) => compareExternalIds(a.externalId, b.externalId));
    for (const chunk of chunks(ordered)) {
      const recordset = `[${chunk
        .map(
          item =>
            `{"external_id":${JSON.stringify(item.externalId)},"payload":${item.payloadJson},` +
            `"gold_labels":${JSON.stringify(item.goldLabels)},"gold_answer":${item.goldAnswerJson ?? 'null'}}`,
        )
        .join(',')}]`;
      const rows: Array<{ id: string; external_id: string | null }> = await manager.query(
        `INSERT INTO tasks (project_id, external_id, payload, is_gold, gold_labels, gold_answer)
         SELECT $1, t.external_id, t.payload,
                t.gold_labels IS NOT NULL OR t.gold_answer IS NOT NULL, t.gold_labels, t.gold_answer
         FROM jsonb_to_recordset($2::jsonb)
           AS t(external_id text, payload jsonb, gold_labels text[], gold_answer jsonb)
         ON CONFLICT (project_id, external_id) DO NOTHING
         RETURNING id, external_id`,
        [project.id, recordset],
      );
      for (const row of rows) {
        createdIds.push(row.id);
        if (row.external_id !== null) createdExternalIds.add(row.external_id);
      }
    }

    const skippedExternalIds = items
      .filter(item => item.externalId !== null && !createdExternalIds.has(item.externalId))
      .map(item => item.externalId as string);
    const goldCreated = items.filter(
      item =>
        (item.goldLabels !== null || item.goldAnswerJson !== null) &&
        (item.externalId === null || createdExternalIds.has(item.externalId)),
    ).length;
    if (createdIds.length > 0) {
      for (const hook of this.importedHooks)
        await hook(tx, { project, createdTaskIds: createdIds });
      await this.events.publish(
        tx,
        new TasksImportedEvent(project.id, createdIds, goldCreated, skippedExternalIds.length),
      );
    }
    return {
      created: createdIds.length,
      skipped: skippedExternalIds.length,
      skippedExternalIds: skippedExternalIds.slice(0, TASK_IMPORT_LIMITS.maxReportedSkippedIds),
    };
  }
}

/**
 * Checks what can be checked without the project (ids, sizes, duplicates) and serialises each
 * payload once, for both the size check and the INSERT.
 */
function prepareItems(input: ImportTasksInput): PreparedTask[] {
  const { maxExternalIdLength, maxPayloadBytes } = TASK_IMPORT_LIMITS;
  const seen = new Set<string>();
  return input.tasks.map((task, index) => {
    const externalId = task.externalId ?? null;
    if (externalId !== null) {
      if (externalId.length === 0 || externalId.length > maxExternalIdLength) {
        throw new BadUserInputError(`externalId must have 1 to ${maxExternalIdLength} characters`, {
          field: `tasks[${index}].externalId`,
        });
      }
      if (!isStorableText(externalId)) {
        throw new BadUserInputError('externalId must not contain NUL characters', {
          field: `tasks[${index}].externalId`,
        });
      }
      if (seen.has(externalId)) {
        throw new BadUserInputError(`externalId ${externalId} appears twice in this import`, {
          field: `tasks[${index}].externalId`,
        });
      }
      seen.add(externalId);
    }
    const payload = task.payload as unknown;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new BadUserInputError('payload must be a JSON object', {
        field: `tasks[${index}].payload`,
      });
    }
    if (!isStorableJson(payload)) {
      throw new BadUserInputError(
        'payload strings must not contain NUL characters or unpaired surrogates',
        { field: `tasks[${index}].payload` },
      );
    }
    const payloadJson = JSON.stringify(payload);
    const bytes = Buffer.byteLength(payloadJson, 'utf8');
    if (bytes > maxPayloadBytes) {
      throw new AppError(
        `Payload of tasks[${index}] has ${bytes} bytes; the limit is ${maxPayloadBytes}`,
        ErrorCode.PAYLOAD_TOO_LARGE,
        { field: `tasks[${index}].payload`, externalId, bytes, limit: maxPayloadBytes },
      );
    }
    return { externalId, payloadJson, goldLabels: null, goldAnswerJson: null };
  });
}

/**
 * A structured kind's gold answer, checked like a worker's answer against the task's payload
 * (kind-answers.ts), as JSON text; null when the item has none. Label-key gold is refused.
 */
function structuredGold(project: Project, task: ImportTaskItem, index: number): string | null {
  if (task.goldLabel != null || task.goldLabels != null) {
    throw new BadUserInputError(
      `A ${project.labelSchema.kind} project’s gold answer is goldAnswer`,
      {
        field: `tasks[${index}].${task.goldLabels != null ? 'goldLabels' : 'goldLabel'}`,
      },
    );
  }
  if (task.goldAnswer == null) return null;
  const checked = checkKindAnswer(
    project.labelSchema,
    task.payload,
    { value: task.goldAnswer },
    `tasks[${index}].goldAnswer`,
  );
  return JSON.stringify(checked.value);
}

/** Consecutive runs of at most INSERT_CHUNK_ROWS items and about INSERT_CHUNK_BYTES of JSON. */
function* chunks(items: PreparedTask[]): Generator<PreparedTask[]> {
  let chunk: PreparedTask[] = [];
  let bytes = 0;
  for (const item of items) {
    if (chunk.length > 0 && (chunk.length >= INSERT_CHUNK_ROWS || bytes >= INSERT_CHUNK_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += item.payloadJson.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** Tasks without an external id last (they cannot conflict); the rest by code unit order. */
function compareExternalIds(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
