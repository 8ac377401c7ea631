import type { RequestContext } from '../common/request-context';
import { queryRows } from '../db/query-rows';
import type { TransactionalConnection } from '../db/transactional-connection';
import type { ResponseMatrix } from '../modules/aggregation/algorithms/response-matrix';
import type { Project } from '../modules/projects/project.entity';
import type { ProjectService } from '../modules/projects/project.service';
import { LabelSchemaKind } from '../modules/projects/project.types';
import { TaskStatus } from '../modules/marketplace/task.types';
import { ACTION_KINDS, type ActionKind } from '../modules/quality/algorithms/quality-rule';
import {
  AuditAction,
  AuditActorKind,
  type AuditLogEntry,
} from '../modules/quality/audit-log.entity';
import type { AuditQueriesService } from '../modules/quality/audit-queries.service';
import type { AuditService } from '../modules/quality/audit.service';
import type { AuditReportData, AuditRuleEvent, AuditWorkerStatus } from './audit/audit-report-data';
import { buildAuditReportData } from './audit/build-audit-report-data';
import { renderAuditReport } from './audit/render-audit-report';

/** Separates the keys of a multi-label answer set in its report label. */
const SET_SEPARATOR = '\u0000';

/**
 * The audit report of a stored project (issue 4): reads its tasks, answers, consensus, blocks and
 * audit log in one transaction, assembles `AuditReportData` with `buildAuditReportData` (the
 * same builder as `report --demo`) and renders the self-contained HTML. Served by the
 * `auditReport` query and `npm run report -- --project <id>`.
 *
 * What it shows:
 * - answers: every submitted answer, excluded ones included (the summary counts those apart),
 *   so a worker's figures match `workerQualityAudit`;
 * - consensus: the stored consensus of each task (its posterior for single-choice projects); the
 *   report computes nothing the aggregation has not stored;
 * - agreement: the statistics of `projectQualityAudit` (counted, non-excluded answers);
 * - labels: a single-choice project's schema; for a multi-label project, each answer set seen
 *   is one label ("cat + dog"), gold and consensus sets included.
 */
export class AuditReportService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly queries: AuditQueriesService,
    private readonly audit: AuditService,
  ) {}

  /** The report's HTML for one of the caller's projects (owner or admin). */
  async auditReportHtml(ctx: RequestContext, projectId: string): Promise<string> {
    return renderAuditReport(await this.auditReportData(ctx, projectId));
  }

  /** The report's data for one of the caller's projects (owner or admin). */
  async auditReportData(ctx: RequestContext, projectId: string): Promise<AuditReportData> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const manager = this.db.manager(tx);
      const tasks = await queryRows<{
        id: string;
        is_gold: boolean;
        gold_labels: string[] | null;
        status: string;
        consensus_labels: string[] | null;
        consensus_confidence: number | null;
        posterior: number[] | null;
      }>(
        manager,
        `SELECT id, is_gold, gold_labels, status, consensus_labels, consensus_confidence, posterior
         FROM tasks WHERE project_id = $1 ORDER BY created_at, id`,
        [project.id],
      );
      // The report's matrices are of label keys: the choice kinds' answers.
      const answers = (await this.queries.answerRows(tx, project.id, null)).filter(
        (row): row is typeof row & { answer_labels: string[] } => row.answer_labels !== null,
      );
      const workerIds = [...new Set(answers.map(row => row.worker_id))];
      const names = await queryRows<{ id: string; display_name: string }>(
        manager,
        `SELECT id, display_name FROM users WHERE id = ANY($1::uuid[])`,
        [workerIds],
      );
      const nameOf = new Map(names.map(row => [row.id, row.display_name]));
      const blocked = await queryRows<{ worker_id: string }>(
        manager,
        `SELECT DISTINCT worker_id FROM worker_blocks
         WHERE worker_id = ANY($1::uuid[]) AND (project_id = $2 OR project_id IS NULL)
           AND lifted_at IS NULL AND starts_at <= $3 AND (ends_at IS NULL OR ends_at > $3)`,
        [workerIds, project.id, ctx.now()],
      );
      const entries = await this.audit.entries(tx, { projectId: project.id });
      const ruleNames = await queryRows<{ id: string; name: string }>(
        manager,
        `SELECT id, name FROM quality_rules WHERE project_id = $1`,
        [project.id],
      );
      const agreement = await this.queries.agreementOf(tx, project);

      const labels = new LabelIndex(project);
      for (const task of tasks) {
        if (task.gold_labels) labels.of(task.gold_labels);
        if (task.consensus_labels?.length) labels.of(task.consensus_labels);
      }
      const taskIndex = new Map(tasks.map((task, t) => [task.id, t]));
      const workerIndex = new Map(workerIds.map((id, w) => [id, w]));
      const R = answers.length;
      const matrixTask = new Int32Array(R);
      const matrixWorker = new Int32Array(R);
      const matrixLabel = new Int32Array(R);
      const submittedAt = new Float64Array(R);
      const durationMs = new Float64Array(R);
      answers.forEach((row, r) => {
        matrixTask[r] = taskIndex.get(row.task_id)!;
        matrixWorker[r] = workerIndex.get(row.worker_id)!;
        matrixLabel[r] = labels.of(row.answer_labels);
        submittedAt[r] = new Date(row.submitted_at).getTime();
        // Submission always measures the time; 0 only for rows written around the service.
        durationMs[r] = Number(row.server_duration_ms ?? 0);
      });
      const K = labels.size;
      const matrix: ResponseMatrix = {
        nTasks: tasks.length,
        nWorkers: workerIds.length,
        nLabels: K,
        task: matrixTask,
        worker: matrixWorker,
        label: matrixLabel,
      };
      const gold = new Int32Array(tasks.length).fill(-1);
      const consensus = new Int32Array(tasks.length).fill(-1);
      const probabilities = new Float64Array(tasks.length * K);
      const taskComplete = new Uint8Array(tasks.length);
      tasks.forEach((task, t) => {
        if (task.is_gold && task.gold_labels?.length) gold[t] = labels.of(task.gold_labels);
        if (task.status === TaskStatus.COMPLETE) taskComplete[t] = 1;
        if (!task.consensus_labels?.length) return;
        const label = labels.of(task.consensus_labels);
        consensus[t] = label;
        if (labels.singleChoice && task.posterior?.length === K) {
          task.posterior.forEach((p, k) => (probabilities[t * K + k] = Number(p)));
        } else {
          probabilities[t * K + label] = Number(task.consensus_confidence ?? 1);
        }
      });

      const statuses = new Map<string, AuditWorkerStatus>();
      for (const entry of entries) {
        if (entry.workerId && entry.action === AuditAction.FLAG) {
          statuses.set(entry.workerId, 'FLAGGED');
        }
      }
      for (const row of blocked) statuses.set(row.worker_id, 'BLOCKED');
      const ruleNameOf = new Map(ruleNames.map(row => [row.id, row.name]));

      return buildAuditReportData({
        project: {
          id: project.id,
          name: project.name,
          status: project.status,
          aggregationMethod: project.aggregationMethod,
          confidenceTarget: project.confidenceTarget,
        },
        labels: labels.labels(),
        generatedAt: ctx.now().getTime(),
        notes: [
          'Answers include excluded ones; agreement statistics use counted, non-excluded answers.',
        ],
        answers: { matrix, submittedAt, durationMs },
        workers: workerIds.map(id => ({ id, name: nameOf.get(id) ?? id })),
        gold,
        consensus: { probabilities, labels: consensus },
        taskComplete,
        agreement,
        ruleEvents: entries
          .filter(entry => entry.workerId !== null)
          .map(entry => ruleEvent(entry, ruleNameOf))
          .filter((event): event is AuditRuleEvent => event !== null),
        statuses,
        excludedAnswers: answers.filter(row => row.excluded).length,
      });
    });
  }
}

/** An audit-log entry as a report event; null for entries that are not actions on a worker. */
function ruleEvent(entry: AuditLogEntry, ruleNameOf: Map<string, string>): AuditRuleEvent | null {
  const kind = actionKindOf(entry.action);
  if (kind === null) return null;
  const byRule = entry.actorKind === AuditActorKind.RULE;
  return {
    at: entry.occurredAt.getTime(),
    workerId: entry.workerId!,
    actor: byRule ? (ruleNameOf.get(entry.ruleId ?? '') ?? 'rule') : 'admin',
    actorKind: byRule ? 'RULE' : 'ADMIN',
    actions: [{ kind, scope: entry.projectId === null ? 'GLOBAL' : 'PROJECT' }],
    reason: entry.reason,
  };
}

/** Rule action kinds map one to one; a person's exclusion shows as re-opening tasks. */
function actionKindOf(action: AuditAction): ActionKind | null {
  if ((ACTION_KINDS as readonly string[]).includes(action)) return action as ActionKind;
  if (action === AuditAction.EXCLUDE_ANSWERS) return 'REOPEN_TASKS';
  return null;
}

/** Label indexes of the report: the schema (single choice) or answer sets seen (multi-label). */
class LabelIndex {
  readonly singleChoice: boolean;
  private readonly index = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly displayName: Map<string, string>;

  constructor(project: Project) {
    this.singleChoice = project.labelSchema.kind === LabelSchemaKind.SINGLE_CHOICE;
    this.displayName = new Map(project.labelSchema.labels.map(l => [l.key, l.displayName]));
    if (this.singleChoice) for (const label of project.labelSchema.labels) this.add(label.key);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index of an answer; adds it (multi-label, or a key the schema no longer has). */
  of(answer: readonly string[]): number {
    const code = [...answer].sort().join(SET_SEPARATOR);
    return this.index.get(code) ?? this.add(code);
  }

  labels(): { key: string; displayName: string }[] {
    return this.keys.map(code => ({
      key: code.split(SET_SEPARATOR).join('+'),
      displayName: code
        .split(SET_SEPARATOR)
        .map(key => this.displayName.get(key) ?? key)
        .join(' + '),
    }));
  }

  private add(code: string): number {
    this.index.set(code, this.keys.length);
    this.keys.push(code);
    return this.keys.length - 1;
  }
}
