import { InvalidStateTransitionError, NotFoundError } from '../../common/errors';
import type { ConnectionShape } from '../../common/pagination';
import { paginate } from '../../common/pagination';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Role } from '../auth/role';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { EDITABLE_STATUSES, type ProjectAction, planTransition } from './project-lifecycle';
import { Project } from './project.entity';
import { ProjectNotEditableError, ProjectNotReadyError } from './project.errors';
import type { ProjectSettingsHook, ProjectTransitionHook } from './project.hooks';
import {
  ProjectLabelSchemaChangedEvent,
  ProjectLaunchedEvent,
  ProjectStatusChangedEvent,
} from './project.events';
import type {
  CreateProjectInput,
  OverlapInput,
  ProjectsArgs,
  UpdateProjectInput,
} from './project.inputs';
import { isStructuredKind } from './kind-settings';
import { LabelSchemaKind, ProjectStatus } from './project.types';
import {
  isAdditiveSchemaChange,
  PROJECT_DEFAULTS,
  type ProjectSettings,
  sameLabelSchema,
  validateAggregationMethod,
  validateProjectSettings,
} from './validate-project-settings';
import { DEFAULT_AGGREGATOR } from '../aggregation/algorithms';

/** Row lock taken on the project for the rest of the transaction. */
export type ProjectLock = 'none' | 'share' | 'update';

/**
 * Projects: creation, settings, lifecycle and reads. Every method on an existing project starts
 * with `requireProject`: the owner or an admin gets it, anyone else NOT_FOUND (never revealing
 * that it exists). Lifecycle changes lock the project row, so two concurrent transitions see each
 * other's result instead of both applying.
 */
export class ProjectService {
  private readonly transitionHooks: ProjectTransitionHook[] = [];
  private readonly settingsHooks: ProjectSettingsHook[] = [];

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Adds a hook run inside every applied lifecycle transition (see ProjectTransitionHook). */
  onTransition(hook: ProjectTransitionHook): void {
    this.transitionHooks.push(hook);
  }

  /** Adds a hook run inside every settings update (see ProjectSettingsHook). */
  onSettingsChanged(hook: ProjectSettingsHook): void {
    this.settingsHooks.push(hook);
  }

  /** Creates a DRAFT project owned by the caller. Retry-safe with `idempotencyKey`. */
  async create(ctx: RequestContext, input: CreateProjectInput): Promise<Project> {
    const ownerId = ctx.requireUserId();
    const settings = validateProjectSettings({
      name: input.name,
      instructions: input.instructions ?? PROJECT_DEFAULTS.instructions,
      labelSchema: input.labelSchema,
      rewardAmount: input.rewardAmount,
      currency: input.currency,
      ...overlapSettings(input.overlap),
      ...optionalSettings(input, PROJECT_DEFAULTS),
      // Nullable settings, where null means "the kind's default" or "off".
      goldThreshold: input.goldThreshold ?? null,
      modelRetrainEvery: input.modelRetrainEvery ?? PROJECT_DEFAULTS.modelRetrainEvery,
    });
    // Not a validated setting: any boolean is valid, and off is the default (it biases answers).
    const showPrelabelsToWorkers = input.showPrelabelsToWorkers ?? false;
    const aggregationMethod = validateAggregationMethod(
      input.aggregationMethod ?? DEFAULT_AGGREGATOR,
    );
    return this.idempotency.run(
      ctx,
      {
        operation: 'createProject',
        key: input.idempotencyKey,
        params: { ...settings, showPrelabelsToWorkers, aggregationMethod },
      },
      tx => {
        const projects = this.db.repo(tx, Project);
        return projects.save(
          projects.create({
            ...settings,
            showPrelabelsToWorkers,
            aggregationMethod,
            ownerId,
            status: ProjectStatus.DRAFT,
            schemaVersion: 1,
          }),
        );
      },
      {
        toRecord: project => ({ projectId: project.id }),
        fromRecord: (tx, record) =>
          this.db.repo(tx, Project).findOneByOrFail({ id: String(record.projectId) }),
      },
    );
  }

  /**
   * Changes settings. DRAFT: anything, but a label schema change must keep every gold answer
   * inside the schema. ACTIVE/PAUSED: name, instructions, overlap, gold rate, durations, and
   * additive label schema changes (which bump `schemaVersion`); reward and currency are fixed.
   * COMPLETED/ARCHIVED: nothing.
   */
  async update(ctx: RequestContext, id: string, input: UpdateProjectInput): Promise<Project> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.requireProject(tx, id, 'update');
      const { status } = project;
      if (!EDITABLE_STATUSES.includes(status)) {
        throw new ProjectNotEditableError(id, status, `A ${status} project cannot be changed`);
      }
      const launched = status !== ProjectStatus.DRAFT;
      if (launched) {
        if (input.rewardAmount != null && input.rewardAmount !== project.rewardAmount) {
          throw lockedAfterLaunch(project, 'rewardAmount');
        }
        if (input.currency != null && input.currency.toLowerCase() !== project.currency) {
          throw lockedAfterLaunch(project, 'currency');
        }
      }

      const current = settingsOf(project);
      const next = validateProjectSettings({
        name: input.name ?? current.name,
        instructions: input.instructions ?? current.instructions,
        labelSchema: input.labelSchema ?? current.labelSchema,
        rewardAmount: input.rewardAmount ?? current.rewardAmount,
        currency: input.currency ?? current.currency,
        ...(input.overlap
          ? overlapSettings(input.overlap, current.maxOutstandingLeases)
          : {
              minOverlap: current.minOverlap,
              maxOverlap: current.maxOverlap,
              confidenceTarget: current.confidenceTarget,
              maxOutstandingLeases: current.maxOutstandingLeases,
            }),
        ...optionalSettings(input, current),
        // Omitted keeps the value; an explicit null sets the kind's default or turns it off.
        goldThreshold:
          input.goldThreshold !== undefined ? input.goldThreshold : current.goldThreshold,
        modelRetrainEvery:
          input.modelRetrainEvery === undefined
            ? current.modelRetrainEvery
            : input.modelRetrainEvery,
      });

      const schemaChanged = !sameLabelSchema(current.labelSchema, next.labelSchema);
      if (schemaChanged && launched) {
        if (!isAdditiveSchemaChange(current.labelSchema, next.labelSchema)) {
          throw new ProjectNotEditableError(
            id,
            status,
            'After launch the label schema may only gain labels at the end or rename display names',
            { field: 'labelSchema', reason: 'SCHEMA_CHANGE_NOT_ADDITIVE' },
          );
        }
        project.schemaVersion += 1;
      }
      if (schemaChanged && !launched) await this.assertGoldFits(tx, project, next);

      Object.assign(project, next);
      if (input.showPrelabelsToWorkers != null) {
        project.showPrelabelsToWorkers = input.showPrelabelsToWorkers;
      }
      if (input.aggregationMethod != null) {
        project.aggregationMethod = validateAggregationMethod(input.aggregationMethod);
      }
      const saved = await this.db.repo(tx, Project).save(project);
      for (const hook of this.settingsHooks) await hook(tx, { project: saved, previous: current });
      if (schemaChanged && launched) {
        await this.events.publish(
          tx,
          new ProjectLabelSchemaChangedEvent(
            id,
            saved.schemaVersion,
            next.labelSchema.labels.length,
          ),
        );
      }
      return saved;
    });
  }

  /**
   * Applies a lifecycle action (see PROJECT_TRANSITIONS). Refused moves answer
   * INVALID_STATE_TRANSITION with `from`/`to`; repeating an action that already took effect
   * returns the project unchanged. Launch needs at least one non-gold task, at least one gold
   * task when the gold rate is above zero, and at least `qualificationTaskCount` gold tasks
   * (PROJECT_NOT_READY otherwise).
   */
  async transition(ctx: RequestContext, id: string, action: ProjectAction): Promise<Project> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.requireProject(tx, id, 'update');
      const from = project.status;
      const plan = planTransition(from, action);
      if (plan.kind === 'refuse')
        throw new InvalidStateTransitionError('Project', id, from, plan.to);
      if (plan.kind === 'noop') return project;

      const now = tx.now();
      if (action === 'launch') {
        await this.assertReadyToLaunch(tx, project);
        project.launchedAt = now;
      }
      if (plan.to === ProjectStatus.COMPLETED || plan.to === ProjectStatus.ARCHIVED) {
        project.closedAt ??= now;
      }
      project.status = plan.to;
      const saved = await this.db.repo(tx, Project).save(project);
      for (const hook of this.transitionHooks) {
        await hook(tx, { project: saved, action, from, to: plan.to });
      }

      if (action === 'launch') {
        await this.events.publish(tx, new ProjectLaunchedEvent(id, project.ownerId, now));
      }
      await this.events.publish(tx, new ProjectStatusChangedEvent(id, from, plan.to, now));
      return saved;
    });
  }

  /** One project for its owner or an admin; NOT_FOUND for anyone else. */
  findOne(ctx: RequestContext, id: string): Promise<Project> {
    return this.requireProject(ctx, id);
  }

  /** A page of projects: the caller's own, or every project for an admin. Oldest first. */
  async list(ctx: RequestContext, args: ProjectsArgs): Promise<ConnectionShape<Project>> {
    const user = ctx.requireUser();
    const qb = this.db.repo(ctx, Project).createQueryBuilder('project');
    if (!ctx.hasRole(Role.ADMIN)) qb.where('project.owner_id = :ownerId', { ownerId: user.id });
    if (args.status) qb.andWhere('project.status = :status', { status: args.status });
    return paginate(qb, args);
  }

  /**
   * The project `id` if the caller owns it or is an admin, else NOT_FOUND (also for malformed
   * ids). `lock` takes a row lock for the rest of ctx's transaction: `share` keeps the status
   * from changing under a task import, `update` serialises settings and lifecycle changes.
   */
  async requireProject(
    ctx: RequestContext,
    id: string,
    lock: ProjectLock = 'none',
  ): Promise<Project> {
    const user = ctx.requireUser();
    if (!isUuid(id)) throw new NotFoundError('Project', id);
    const qb = this.db
      .repo(ctx, Project)
      .createQueryBuilder('project')
      .where('project.id = :id', { id });
    if (!ctx.hasRole(Role.ADMIN)) qb.andWhere('project.owner_id = :ownerId', { ownerId: user.id });
    if (lock === 'share') qb.setLock('pessimistic_read');
    if (lock === 'update') qb.setLock('pessimistic_write');
    const project = await qb.getOne();
    if (!project) throw new NotFoundError('Project', id);
    return project;
  }

  /** Whether the caller may see `project` (its owner or an admin). */
  canAccess(ctx: RequestContext, project: Pick<Project, 'ownerId'>): boolean {
    return ctx.hasRole(Role.ADMIN) || ctx.user?.id === project.ownerId;
  }

  private async assertReadyToLaunch(tx: RequestContext, project: Project): Promise<void> {
    const [counts] = await this.db.manager(tx).query(
      `SELECT EXISTS (SELECT 1 FROM tasks WHERE project_id = $1 AND NOT is_gold AND status = 'OPEN') AS "hasRegular",
              EXISTS (SELECT 1 FROM tasks WHERE project_id = $1 AND is_gold) AS "hasGold",
              (SELECT count(*)::int FROM tasks WHERE project_id = $1 AND is_gold AND status = 'OPEN') AS "goldCount"`,
      [project.id],
    );
    if (!counts.hasRegular) {
      throw new ProjectNotReadyError(
        project.id,
        'NO_TASKS',
        'Import at least one open non-gold task before launching',
      );
    }
    if (project.goldRate > 0 && !counts.hasGold) {
      throw new ProjectNotReadyError(
        project.id,
        'NO_GOLD_TASKS',
        'A project with a gold rate needs at least one gold task before launching',
      );
    }
    // Training tasks are the project's gold tasks: a worker could never finish a training set
    // larger than the gold there is.
    if (counts.goldCount < project.qualificationTaskCount) {
      throw new ProjectNotReadyError(
        project.id,
        'NOT_ENOUGH_GOLD_TASKS',
        `Qualification needs ${project.qualificationTaskCount} gold tasks; the project has ${counts.goldCount}`,
      );
    }
  }

  /**
   * In DRAFT a schema may change freely, as long as every imported gold answer still fits. A
   * structured kind's gold answers (`gold_answer`) are not re-checked: any gold makes its schema
   * fixed, the same refusal.
   */
  private async assertGoldFits(
    tx: RequestContext,
    project: Project,
    next: ProjectSettings,
  ): Promise<void> {
    if (isStructuredKind(project.labelSchema.kind) || isStructuredKind(next.labelSchema.kind)) {
      const [gold] = await this.db
        .manager(tx)
        .query(`SELECT count(*)::int AS n FROM tasks WHERE project_id = $1 AND is_gold`, [
          project.id,
        ]);
      if (gold.n > 0) {
        throw new ProjectNotEditableError(
          project.id,
          project.status,
          `${gold.n} gold task(s) were imported under this schema; remove them to change it`,
          { field: 'labelSchema', reason: 'GOLD_LABELS_OUTSIDE_SCHEMA' },
        );
      }
      return;
    }
    const [row] = await this.db.manager(tx).query(
      `SELECT count(*)::int AS n FROM tasks
       WHERE project_id = $1 AND is_gold
         AND (NOT (gold_labels <@ $2::text[]) OR ($3 AND cardinality(gold_labels) <> 1))`,
      [
        project.id,
        next.labelSchema.labels.map(label => label.key),
        next.labelSchema.kind === LabelSchemaKind.SINGLE_CHOICE,
      ],
    );
    if (row.n > 0) {
      throw new ProjectNotEditableError(
        project.id,
        project.status,
        `${row.n} gold task(s) have answers the new label schema does not allow`,
        { field: 'labelSchema', reason: 'GOLD_LABELS_OUTSIDE_SCHEMA' },
      );
    }
  }
}

/** The overlap input as settings; an omitted `maxOutstandingLeases` keeps `outstanding`. */
function overlapSettings(
  overlap: OverlapInput,
  outstanding: number = PROJECT_DEFAULTS.maxOutstandingLeases,
): Pick<
  ProjectSettings,
  'minOverlap' | 'maxOverlap' | 'confidenceTarget' | 'maxOutstandingLeases'
> {
  return {
    minOverlap: overlap.minOverlap,
    maxOverlap: overlap.maxOverlap ?? overlap.minOverlap,
    confidenceTarget: overlap.confidenceTarget ?? null,
    maxOutstandingLeases: overlap.maxOutstandingLeases ?? outstanding,
  };
}

function settingsOf(project: Project): ProjectSettings {
  return {
    name: project.name,
    instructions: project.instructions,
    labelSchema: project.labelSchema,
    rewardAmount: project.rewardAmount,
    currency: project.currency,
    minOverlap: project.minOverlap,
    maxOverlap: project.maxOverlap,
    confidenceTarget: project.confidenceTarget,
    maxOutstandingLeases: project.maxOutstandingLeases,
    goldRate: project.goldRate,
    goldThreshold: project.goldThreshold,
    assignmentDurationSeconds: project.assignmentDurationSeconds,
    autoApprovalDelaySeconds: project.autoApprovalDelaySeconds,
    rejectionReversalWindowSeconds: project.rejectionReversalWindowSeconds,
    qualificationTaskCount: project.qualificationTaskCount,
    qualificationPassMark: project.qualificationPassMark,
    qualificationRetryDelaySeconds: project.qualificationRetryDelaySeconds,
    goldExposureCap: project.goldExposureCap,
    modelRetrainEvery: project.modelRetrainEvery,
    modelGateMinAccuracy: project.modelGateMinAccuracy,
  };
}

function lockedAfterLaunch(project: Project, field: string): ProjectNotEditableError {
  return new ProjectNotEditableError(
    project.id,
    project.status,
    `${field} is fixed once the project has launched`,
    { field, reason: 'LOCKED_AFTER_LAUNCH' },
  );
}

/** The numeric settings an input may leave out: on create they default, on update they stay. */
const OPTIONAL_SETTINGS = [
  'goldRate',
  'assignmentDurationSeconds',
  'autoApprovalDelaySeconds',
  'rejectionReversalWindowSeconds',
  'qualificationTaskCount',
  'qualificationPassMark',
  'qualificationRetryDelaySeconds',
  'goldExposureCap',
  'modelGateMinAccuracy',
] as const;
type OptionalSetting = (typeof OPTIONAL_SETTINGS)[number];

/** Each optional setting from `input` where given, else from `base` (the defaults or the project). */
function optionalSettings(
  input: { readonly [K in OptionalSetting]?: number | null },
  base: { readonly [K in OptionalSetting]: number },
): Record<OptionalSetting, number> {
  return Object.fromEntries(OPTIONAL_SETTINGS.map(key => [key, input[key] ?? base[key]])) as Record<
    OptionalSetting,
    number
  >;
}
