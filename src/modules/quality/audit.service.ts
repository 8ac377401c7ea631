import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { AuditAction, AuditActorKind, AuditLogEntry } from './audit-log.entity';

/** Most entries one audit-log query returns (newest first). */
export const MAX_AUDIT_ENTRIES = 500;

/** What to record; the actor is a rule (`ruleId`) or a person (`userId`). */
export interface AuditRecord {
  readonly projectId: string | null;
  readonly workerId: string | null;
  readonly action: AuditAction;
  readonly reason: string;
  readonly evidence?: Record<string, unknown>;
  readonly actor: { readonly ruleId: string } | { readonly userId: string };
}

/**
 * The append-only audit log: every action a quality rule or a person takes on a worker or their
 * answers. Entries are written in the transaction of the action they record, so an action and its
 * entry commit or roll back together; the table's trigger refuses UPDATE and DELETE.
 */
export class AuditService {
  private readonly recordedHooks: Array<
    (tx: RequestContext, entry: AuditLogEntry) => Promise<void> | void
  > = [];

  constructor(private readonly db: TransactionalConnection) {}

  /** Runs in the recording transaction after each entry (the webhook outbox: FLAG, NOTIFY). */
  onRecorded(hook: (tx: RequestContext, entry: AuditLogEntry) => Promise<void> | void): void {
    this.recordedHooks.push(hook);
  }

  /** Appends one entry at `ctx.now()`; call inside the action's transaction. */
  async record(ctx: RequestContext, record: AuditRecord): Promise<AuditLogEntry> {
    const byRule = 'ruleId' in record.actor;
    const repo = this.db.repo(ctx, AuditLogEntry);
    const entry = await repo.save(
      repo.create({
        projectId: record.projectId,
        workerId: record.workerId,
        actorKind: byRule ? AuditActorKind.RULE : AuditActorKind.USER,
        ruleId: 'ruleId' in record.actor ? record.actor.ruleId : null,
        userId: 'userId' in record.actor ? record.actor.userId : null,
        action: record.action,
        reason: record.reason,
        evidence: record.evidence ?? {},
        occurredAt: ctx.now(),
      }),
    );
    for (const hook of this.recordedHooks) await hook(ctx, entry);
    return entry;
  }

  /**
   * Entries touching a worker and/or a project, newest first (at most 500). The caller has
   * checked that the reader may see them.
   */
  async entries(
    ctx: RequestContext,
    filter: { projectId?: string | null; workerId?: string | null; limit?: number },
  ): Promise<AuditLogEntry[]> {
    if (
      (filter.projectId != null && !isUuid(filter.projectId)) ||
      (filter.workerId != null && !isUuid(filter.workerId))
    ) {
      return [];
    }
    const qb = this.db.repo(ctx, AuditLogEntry).createQueryBuilder('entry');
    if (filter.projectId != null) {
      // Global actions (project null) taken by a rule of this project stay visible through the
      // project filter only if they name it; they are recorded with the rule's project id.
      qb.andWhere('entry.project_id = :projectId', { projectId: filter.projectId });
    }
    if (filter.workerId != null)
      qb.andWhere('entry.worker_id = :workerId', { workerId: filter.workerId });
    return qb
      .orderBy('entry.occurred_at', 'DESC')
      .addOrderBy('entry.id', 'DESC')
      .take(Math.min(filter.limit ?? MAX_AUDIT_ENTRIES, MAX_AUDIT_ENTRIES))
      .getMany();
  }
}
