import { In } from 'typeorm';
import { BadUserInputError, NotFoundError, UnauthorizedError } from '../../common/errors';
import { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { hydrateRow, queryRows } from '../../db/query-rows';
import { joinPieces, type SqlPiece } from '../../db/statement-batch';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { EventBus } from '../../events/event-bus';
import { Assignment } from '../marketplace/assignment.entity';
import type { SubmittedAnswer } from '../marketplace/assignment.hooks';
import type { ReviewService } from '../marketplace/review.service';
import { ASSIGNMENT_LIMITS } from '../marketplace/assignment.inputs';
import { Role } from '../auth/role';
import type { Project } from '../projects/project.entity';
import type { ProjectService } from '../projects/project.service';
import { Task } from '../marketplace/task.entity';
import type { WorkerStandingService } from '../workers/worker-standing.service';
import { WorkerBlockedEvent, WorkerUnblockedEvent } from '../workers/worker-block.events';
import { type HistoryNeed, historyNeeded } from './algorithms/collect-evidence';
import { dryRunRules, type ProjectAnswerEvent } from './algorithms/dry-run';
import {
  evaluateRule,
  INITIAL_RULE_STATE,
  rearmPolicy,
  type RuleDecision,
} from './algorithms/evaluate-rule';
import {
  type QualityAction,
  type QualityRule,
  type RuleIssue,
  validateQualityRule,
} from './algorithms/quality-rule';
import { historyFromEvents, type AnswerEvent } from './algorithms/worker-history';
import { AuditAction } from './audit-log.entity';
import type { AuditService } from './audit.service';
import type { ExclusionService } from './exclusion.service';
import { QualityRuleRecord } from './quality-rule.entity';
import { DryRunResult } from './quality.types';
import { type KindAgreement, kindAgreement, OTHERS_JOIN } from './kind-agreement';
import { QualityRuleState } from './rule-state.entity';

/** Most rules one project may have (each is evaluated after every answer). */
export const MAX_RULES_PER_PROJECT = 20;

/** Most answers a dry-run replays (newest kept): bounds one request's work. */
export const MAX_DRY_RUN_ANSWERS = 200_000;

/** One answer row as rules read it. */
interface AnswerRow {
  id: string;
  worker_id: string;
  task_id: string;
  submitted_at: Date;
  server_duration_ms: number | null;
  is_gold: boolean;
  gold_correct: boolean | null;
  answer_labels: string[] | null;
  agreed: boolean | null;
  /** A structured kind's answer, and the other workers' (counted) answers to its task. */
  answer: Record<string, unknown> | null;
  others: Record<string, unknown>[] | null;
}

/**
 * The columns and join that say how an answer (`a`, task `t`, project `p`) agrees. Choice kinds:
 * `agreed` compares the answer with the task's consensus when that consensus is confident
 * (confidence ≥ the project's target, or any consensus when the project has no target).
 * Structured kinds: `others` (OTHERS_JOIN), from which `toEvent` computes the graded agreement.
 */
const AGREEMENT_COLUMNS = `a.answer, o.others,
           CASE WHEN t.consensus_labels IS NOT NULL
                 AND t.consensus_confidence >= COALESCE(p.confidence_target, 0)
                THEN a.answer_labels = t.consensus_labels END AS agreed`;

/**
 * Selects answers of worker $1 on project $2 as rules read them (agreement: AGREEMENT_COLUMNS).
 * $3: only gold (GOLD), only non-gold answers with an agreement (CONFIDENT_CONSENSUS: a
 * confident consensus, or other workers' answers) or all (ALL); $4 since (nullable); $5 limit;
 * $6 an answer to leave out (nullable: the one a submit is recording, whose agreement is not
 * stored yet).
 */
const WORKER_ANSWERS_SQL = `
  SELECT * FROM (
    SELECT a.id, a.worker_id, a.task_id, a.submitted_at, a.server_duration_ms, a.is_gold,
           a.gold_correct, a.answer_labels, ${AGREEMENT_COLUMNS}
    FROM assignments a
    JOIN tasks t ON t.id = a.task_id
    JOIN projects p ON p.id = a.project_id ${OTHERS_JOIN}
    WHERE a.worker_id = $1 AND a.project_id = $2 AND a.submitted_at IS NOT NULL
      AND ($4::timestamptz IS NULL OR a.submitted_at >= $4::timestamptz)
      AND ($6::uuid IS NULL OR a.id <> $6::uuid)
  ) answers
  WHERE ($3 = 'ALL' OR ($3 = 'GOLD' AND is_gold) OR ($3 = 'CONFIDENT_CONSENSUS'
         AND (agreed IS NOT NULL OR others IS NOT NULL) AND NOT is_gold))
  ORDER BY submitted_at DESC, id DESC
  LIMIT $5`;

/**
 * The other workers' counted answers to task $1 (worker $2), for the agreement of a structured
 * answer being submitted ($3, not written yet); null when none.
 */
const OTHERS_OF_TASK_SQL = `
  SELECT json_agg(answer ORDER BY submitted_at, id) FROM assignments
  WHERE task_id = $1 AND worker_id <> $2 AND id <> $3
    AND counted AND excluded_at IS NULL AND answer IS NOT NULL`;

/**
 * The version of project $1's rules: every rule's id and row version (`xmin`, new on every
 * update), so a rule created, changed, enabled or disabled by any process changes it. Read in
 * each submit's one read statement and compared with the version this process cached.
 */
const RULES_VERSION_SQL = `
  SELECT coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '')
  FROM quality_rules WHERE project_id = $1`;

/** A project's enabled rules, parsed, as this process caches them (per rules version). */
interface CachedRules {
  readonly version: string;
  readonly rules: ReadonlyArray<{
    readonly record: QualityRuleRecord;
    readonly rule: QualityRule;
    readonly need: HistoryNeed;
  }>;
  /** One history read per kind of relevant answer, wide enough for every rule of that kind. */
  readonly reads: ReadonlyArray<{
    relevant: HistoryNeed['relevant'];
    sinceSeconds: number | null;
    lastN: number;
  }>;
}

/** What a submit's read statement brings the rules step (`prefetchSubmitted`). */
interface RulesRead {
  /** The rules version the reads were planned from, and the one stored now. */
  readonly planned: string | null;
  readonly version: string;
  readonly states: Array<{ rule_id: string; armed: boolean; last_fired_at: string | null }>;
  /** Structured kinds: the other workers' answers to the submitted answer's task. */
  readonly others: Record<string, unknown>[] | null;
  /** Per `CachedRules.reads`, newest first, the answer being submitted left out. */
  readonly histories: AnswerRow[][];
}

/**
 * Quality rules: storing them (validated JSON, owner or admin; GLOBAL actions admins only),
 * dry-runs over a project's history, and live evaluation after every submitted answer inside the
 * submit transaction (`onAnswerSubmitted`, registered as an assignment submission hook), with
 * every action recorded in the append-only audit log.
 */
export class QualityRulesService {
  /** Per project: its enabled rules as last loaded, checked against their version per submit. */
  private readonly rulesCache = new Map<string, CachedRules>();

  constructor(
    private readonly db: TransactionalConnection,
    private readonly events: EventBus,
    private readonly projects: ProjectService,
    private readonly review: ReviewService,
    private readonly exclusions: ExclusionService,
    private readonly audit: AuditService,
    private readonly standing: WorkerStandingService,
  ) {}

  /** Adds a rule to a project (owner or admin). BAD_USER_INPUT with `issues` for a bad rule. */
  async createRule(
    ctx: RequestContext,
    projectId: string,
    definition: Record<string, unknown>,
  ): Promise<QualityRuleRecord> {
    const userId = ctx.requireUserId();
    const rule = this.validate(ctx, definition);
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId, 'share');
      const rules = this.db.repo(tx, QualityRuleRecord);
      if (
        (await rules.countBy({ projectId: project.id, enabled: true })) >= MAX_RULES_PER_PROJECT
      ) {
        throw new BadUserInputError(
          `A project has at most ${MAX_RULES_PER_PROJECT} enabled rules`,
          {
            field: 'projectId',
          },
        );
      }
      const record = await rules.save(
        rules.create({
          projectId: project.id,
          name: rule.name,
          definition,
          enabled: true,
          hasGlobalAction: hasGlobalAction(rule),
          createdBy: userId,
        }),
      );
      await this.audit.record(tx, {
        projectId: project.id,
        workerId: null,
        action: AuditAction.RULE_CREATED,
        reason: `rule "${rule.name}" created`,
        actor: { userId },
        evidence: { ruleId: record.id, definition },
      });
      return record;
    });
  }

  /** Replaces a rule's definition and/or enables or disables it (owner or admin). */
  async updateRule(
    ctx: RequestContext,
    ruleId: string,
    definition: Record<string, unknown> | null | undefined,
    enabled: boolean | null | undefined,
  ): Promise<QualityRuleRecord> {
    const userId = ctx.requireUserId();
    const rule = definition ? this.validate(ctx, definition) : null;
    return this.db.withTransaction(ctx, async tx => {
      const record = await this.requireRule(tx, ruleId);
      if (record.hasGlobalAction && !tx.hasRole(Role.ADMIN)) {
        throw new UnauthorizedError('Only admins change a rule that acts on every project');
      }
      if (rule && definition) {
        record.definition = definition;
        record.name = rule.name;
        record.hasGlobalAction = hasGlobalAction(rule);
        // A changed rule is a new rule: it starts armed for every worker.
        await this.db.repo(tx, QualityRuleState).delete({ ruleId: record.id });
      }
      if (enabled != null) record.enabled = enabled;
      await this.db.repo(tx, QualityRuleRecord).save(record);
      await this.audit.record(tx, {
        projectId: record.projectId,
        workerId: null,
        action: enabled === false ? AuditAction.RULE_DISABLED : AuditAction.RULE_UPDATED,
        reason: `rule "${record.name}" ${enabled === false ? 'disabled' : 'updated'}`,
        actor: { userId },
        evidence: { ruleId: record.id, definition: record.definition, enabled: record.enabled },
      });
      return record;
    });
  }

  /** Soft delete: the rule is disabled and kept, so the audit log still names it. */
  deleteRule(ctx: RequestContext, ruleId: string): Promise<QualityRuleRecord> {
    return this.updateRule(ctx, ruleId, undefined, false);
  }

  /** A project's rules, enabled first, oldest first (owner or admin). */
  async listRules(ctx: RequestContext, projectId: string): Promise<QualityRuleRecord[]> {
    const project = await this.projects.requireProject(ctx, projectId);
    return this.db.repo(ctx, QualityRuleRecord).find({
      where: { projectId: project.id },
      order: { enabled: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
  }

  /**
   * What `definition` would have done over the project's history (owner or admin); acts on
   * nothing. Consensus agreement uses today's consensus (see dry-run.ts's caveat).
   */
  async dryRun(
    ctx: RequestContext,
    projectId: string,
    definition: Record<string, unknown>,
  ): Promise<DryRunResult> {
    const rule = this.validate(ctx, definition);
    const project = await this.projects.requireProject(ctx, projectId);
    const rows = await queryRows<AnswerRow>(
      this.db.manager(ctx),
      `SELECT * FROM (
         SELECT a.id, a.worker_id, a.task_id, a.submitted_at, a.server_duration_ms, a.is_gold,
                a.gold_correct, a.answer_labels, ${AGREEMENT_COLUMNS}
         FROM assignments a JOIN tasks t ON t.id = a.task_id JOIN projects p ON p.id = a.project_id
         ${OTHERS_JOIN}
         WHERE a.project_id = $1 AND a.submitted_at IS NOT NULL
         ORDER BY a.submitted_at DESC, a.id DESC LIMIT $2) newest
       ORDER BY submitted_at, id`,
      [project.id, MAX_DRY_RUN_ANSWERS],
    );
    const agreement = kindAgreement(project.labelSchema);
    const events: ProjectAnswerEvent[] = rows.map(row => ({
      ...toEvent(row, agreement),
      workerId: row.worker_id,
      taskId: row.task_id,
    }));
    const report = dryRunRules([rule], events, { endAt: ctx.now().getTime() });
    return Object.assign(new DryRunResult(), {
      answers: report.totals.answers,
      workersTouched: report.totals.workersTouched,
      answersPrevented: report.totals.answersPrevented,
      workers: report.workers
        .filter(w => w.firings > 0)
        .map(w => ({
          workerId: w.workerId,
          answers: w.answers,
          answersPrevented: w.answersPrevented,
          firings: w.firings,
          firstFiredAt: w.firstFiredAt === null ? null : new Date(w.firstFiredAt),
          blockedAtEnd: w.blockedAtEnd,
          flaggedAtEnd: w.flaggedAtEnd,
        })),
      firings: report.firings.map(f => ({
        workerId: f.workerId,
        at: new Date(f.at),
        actions: f.actions.map(a => a.kind),
        reason: f.reason,
        evidence: evidenceJson(f.evidence),
        answersToExclude: f.answersToExclude,
      })),
    });
  }

  /**
   * The submission step's reads (`SubmissionStep.prefetch`), planned from the rules this process
   * cached for the project: their version (so a change anywhere is seen in this same statement),
   * the worker's rule states and the worker's answers each rule looks at (one read per kind of
   * answer). The answer being submitted is not written yet; `onAnswerSubmitted` adds it.
   */
  prefetchSubmitted(
    submitted: SubmittedAnswer,
    cached = this.rulesCache.get(submitted.project.id),
  ): SqlPiece {
    const { project, assignment } = submitted;
    const now = assignment.submittedAt!.getTime();
    // Only a structured answer under an agreement rule compares with the others' answers.
    const needsOthers =
      assignment.answer !== null &&
      (cached?.reads.some(read => read.relevant === 'CONFIDENT_CONSENSUS') ?? false);
    const pieces: SqlPiece[] = [
      { sql: 'SELECT $1::text', params: [cached?.version ?? null] },
      { sql: RULES_VERSION_SQL, params: [project.id] },
      {
        sql: `SELECT coalesce(json_agg(s), '[]'::json) FROM (
                SELECT rule_id, armed, last_fired_at FROM quality_rule_states
                WHERE worker_id = $1 AND rule_id = ANY($2::uuid[])) s`,
        params: [assignment.workerId, cached?.rules.map(r => r.record.id) ?? []],
      },
      needsOthers
        ? {
            sql: OTHERS_OF_TASK_SQL,
            params: [assignment.taskId, assignment.workerId, assignment.id],
          }
        : { sql: 'SELECT NULL::json', params: [] },
      ...(cached?.reads ?? []).map(read => ({
        sql: `SELECT coalesce(json_agg(h ORDER BY h.submitted_at DESC, h.id DESC), '[]'::json)
              FROM (${WORKER_ANSWERS_SQL}) h`,
        params: [
          assignment.workerId,
          project.id,
          read.relevant,
          read.sinceSeconds === null ? null : new Date(now - read.sinceSeconds * 1000),
          read.lastN,
          assignment.id,
        ],
      })),
    ];
    return joinPieces(
      pieces,
      ([planned, version, states, others, ...histories]) =>
        `SELECT json_build_object('planned', (${planned}), 'version', (${version}),
           'states', (${states}), 'others', (${others}),
           'histories', json_build_array(${histories.map(h => `(${h})`).join(', ')}))`,
    );
  }

  /**
   * The submission hook: evaluates the project's enabled rules for the submitting worker inside
   * the submit transaction and carries out what fires. If an action touched the answer just
   * submitted or its task (REJECT_PENDING, REOPEN_TASKS), the in-memory rows the submit path
   * still uses are refreshed, so it does not complete a task whose slot was just freed.
   *
   * With `prefetched` planned from rules still current, nothing is read here; otherwise (rules
   * changed, first submit of the project in this process) the rules are loaded and cached, and
   * each rule reads its history after the answer is written, as it would without a cache.
   */
  async onAnswerSubmitted(
    tx: RequestContext,
    submitted: SubmittedAnswer,
    prefetched?: unknown,
  ): Promise<void> {
    const { project, assignment } = submitted;
    let read = prefetched as RulesRead | undefined;
    let rules = this.rulesCache.get(project.id);
    if (!read || rules?.version !== read.version || read.planned !== read.version) {
      // Not planned from the current rules: load them, then read as the plan says.
      rules = await this.loadRules(tx, project.id);
      if (rules.rules.length === 0) return;
      const [again] = await this.db.readTogether(tx, [this.prefetchSubmitted(submitted, rules)]);
      read = again as RulesRead;
    }
    if (rules.rules.length === 0) return;
    const workerId = assignment.workerId;
    const states = new Map(
      read.states.map(s => [
        s.rule_id,
        {
          armed: s.armed,
          lastFiredAt: s.last_fired_at === null ? null : new Date(s.last_fired_at),
        },
      ]),
    );
    const now = tx.now();
    const agreement = kindAgreement(project.labelSchema);
    const current = currentAnswerRow(submitted, read.others);
    let touched = false;
    for (const { record, rule, need } of rules.rules) {
      const since =
        need.sinceSeconds === null ? null : new Date(now.getTime() - need.sinceSeconds * 1000);
      const rows = plannedHistory(read, rules, need, since, current).reverse();
      const stored = states.get(record.id);
      const before = stored
        ? { armed: stored.armed, lastFiredAt: stored.lastFiredAt?.getTime() ?? null }
        : INITIAL_RULE_STATE;
      const decision = evaluateRule(
        rule,
        historyFromEvents(rows.map(row => toEvent(row, agreement))),
        now.getTime(),
        before,
      );
      if (decision.state !== before) {
        await this.db.defer(tx, {
          sql: `INSERT INTO quality_rule_states (rule_id, worker_id, armed, last_fired_at)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (rule_id, worker_id) DO UPDATE
                  SET armed = EXCLUDED.armed, last_fired_at = EXCLUDED.last_fired_at,
                      updated_at = now()`,
          params: [
            record.id,
            workerId,
            decision.state.armed,
            decision.state.lastFiredAt === null ? null : new Date(decision.state.lastFiredAt),
          ],
        });
      }
      if (!decision.fired) continue;
      const windowIds = rows
        .slice(decision.evidence.window.firstIndex, decision.evidence.window.endIndex)
        .map(r => r.id);
      for (const action of decision.actions) {
        touched =
          (await this.apply(tx, {
            record,
            rule,
            project,
            workerId,
            decision,
            action,
            windowIds,
          })) || touched;
      }
    }
    if (touched) {
      const manager = this.db.manager(tx);
      const stored = await manager.findOneByOrFail(Task, { id: submitted.task.id });
      // The online step's posterior is stored with the submit's last statement: the row only
      // has a newer one when an action took an answer of this task out of the count (its
      // count-change hook recomputed it), which shows in the count.
      if (stored.countedAnswers !== submitted.task.countedAnswers) {
        Object.assign(submitted.task, stored);
      }
      Object.assign(assignment, await manager.findOneByOrFail(Assignment, { id: assignment.id }));
    }
  }

  /**
   * A person lifted a block: every rule of that scope that blocks or flags until lifted starts
   * armed again for the worker (evaluate-rule.ts), and the lifting is audited.
   */
  async onWorkerUnblocked(ctx: RequestContext, event: WorkerUnblockedEvent): Promise<void> {
    await this.db.withTransaction(ctx, async tx => {
      const byRule = await this.db.repo(tx, QualityRuleRecord).existsBy({ id: event.liftedBy });
      if (!byRule) {
        await this.audit.record(tx, {
          projectId: event.projectId,
          workerId: event.workerId,
          action: AuditAction.UNBLOCK,
          reason: 'block lifted by a person',
          actor: { userId: event.liftedBy },
          evidence: { blockId: event.blockId },
        });
      }
      const rules = await this.db.repo(tx, QualityRuleRecord).find({
        where: event.projectId === null ? {} : { projectId: event.projectId },
      });
      const permanent = rules.filter(r => {
        const parsed = validateQualityRule(r.definition);
        return parsed.ok && rearmPolicy(parsed.rule).kind === 'NEVER';
      });
      if (permanent.length > 0) {
        await this.db
          .repo(tx, QualityRuleState)
          .delete({ workerId: event.workerId, ruleId: In(permanent.map(r => r.id)) });
      }
    });
  }

  /**
   * A person blocked a worker (`blockWorker`): audited after the block commits. Blocks made by
   * rules are audited in their own transaction instead.
   */
  async onWorkerBlocked(ctx: RequestContext, event: WorkerBlockedEvent): Promise<void> {
    if (event.blockedBy === null) return;
    await this.db.withTransaction(ctx, tx =>
      this.audit.record(tx, {
        projectId: event.projectId,
        workerId: event.workerId,
        action: AuditAction.BLOCK,
        reason: event.reason,
        actor: { userId: event.blockedBy! },
        evidence: { blockId: event.blockId },
      }),
    );
  }

  /** Carries out one action; returns whether it may have touched the submitted answer. */
  private async apply(
    tx: RequestContext,
    firing: {
      record: QualityRuleRecord;
      rule: QualityRule;
      project: Project;
      workerId: string;
      decision: RuleDecision;
      action: QualityAction;
      windowIds: string[];
    },
  ): Promise<boolean> {
    const { record, project, workerId, decision, action } = firing;
    const now = tx.now();
    const scopeProjectId = action.scope === 'GLOBAL' ? null : project.id;
    const reason = `rule "${record.name}": ${decision.reason}`;
    const evidence = {
      ...evidenceJson(decision.evidence),
      scope: action.scope,
      ruleName: record.name,
    };
    const actor = { ruleId: record.id };
    switch (action.kind) {
      case 'BLOCK': {
        const endsAt =
          action.durationSeconds === null
            ? null
            : new Date(now.getTime() + action.durationSeconds * 1000);
        const block = await this.standing.block(tx, {
          workerId,
          projectId: scopeProjectId,
          reason,
          endsAt,
          ruleId: record.id,
        });
        await this.audit.record(tx, {
          projectId: project.id,
          workerId,
          action: AuditAction.BLOCK,
          reason,
          actor,
          evidence: { ...evidence, blockId: block.id, endsAt: endsAt?.toISOString() ?? null },
        });
        return false;
      }
      case 'UNBLOCK': {
        const lifted = await this.standing.lift(tx, {
          workerId,
          projectId: scopeProjectId,
          ruleId: record.id,
        });
        await this.audit.record(tx, {
          projectId: project.id,
          workerId,
          action: AuditAction.UNBLOCK,
          reason,
          actor,
          evidence: { ...evidence, blocksLifted: lifted.map(b => b.id) },
        });
        return false;
      }
      case 'FLAG':
        await this.audit.record(tx, {
          projectId: project.id,
          workerId,
          action: AuditAction.FLAG,
          reason,
          actor,
          evidence: {
            ...evidence,
            flaggedUntil:
              action.durationSeconds === null
                ? null
                : new Date(now.getTime() + action.durationSeconds * 1000).toISOString(),
          },
        });
        return false;
      case 'NOTIFY':
        // Delivery (mail, webhooks) is not built; the entry is the notification admins and the
        // owner read through `qualityAuditLog`.
        await this.audit.record(tx, {
          projectId: project.id,
          workerId,
          action: AuditAction.NOTIFY,
          reason,
          actor,
          evidence: { ...evidence, to: action.to },
        });
        return false;
      case 'REJECT_PENDING': {
        const pending = await queryRows<{ id: string }>(
          this.db.manager(tx),
          `SELECT id FROM assignments WHERE worker_id = $1 AND status = 'SUBMITTED'
             AND ($2::uuid IS NULL OR project_id = $2::uuid) ORDER BY id`,
          [workerId, scopeProjectId],
        );
        const ids = pending.map(p => p.id);
        // The review service's own reject path (slots freed, count-change hooks, events that
        // keep the money in escrow), acting as the rule: reviewed_by records the rule's id.
        for (let i = 0; i < ids.length; i += ASSIGNMENT_LIMITS.maxBulkReview) {
          await this.asRule(tx, record.id, ruleTx =>
            this.review.rejectAssignments(
              ruleTx,
              ids.slice(i, i + ASSIGNMENT_LIMITS.maxBulkReview),
              reason.slice(0, ASSIGNMENT_LIMITS.maxReasonLength),
            ),
          );
        }
        await this.audit.record(tx, {
          projectId: project.id,
          workerId,
          action: AuditAction.REJECT_PENDING,
          reason,
          actor,
          evidence: { ...evidence, assignmentsRejected: ids.length },
        });
        return ids.length > 0;
      }
      case 'REOPEN_TASKS': {
        const result = await this.exclusions.excludeAnswers(tx, {
          workerId,
          projectId: scopeProjectId,
          assignmentIds: action.answers === 'WINDOW' ? firing.windowIds : undefined,
          reason,
          actor,
          action: AuditAction.REOPEN_TASKS,
          evidence,
        });
        return result.answers > 0;
      }
    }
  }

  /**
   * Loads and caches a project's enabled rules, parsed, with their version (`RULES_VERSION_SQL`
   * computed from the same rows). Rules that no longer parse are left out, not failed on.
   */
  private async loadRules(ctx: RequestContext, projectId: string): Promise<CachedRules> {
    const manager = this.db.manager(ctx);
    const rows = await queryRows<Record<string, unknown> & { row_version: string }>(
      manager,
      `SELECT *, xmin::text AS row_version FROM quality_rules WHERE project_id = $1 ORDER BY id`,
      [projectId],
    );
    const version = rows.map(row => `${String(row.id)}:${row.row_version}`).join(',');
    const rules = rows
      .map(row => hydrateRow(manager, QualityRuleRecord, row))
      .filter(record => record.enabled)
      .sort(
        (a, b) =>
          a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .flatMap(record => {
        const parsed = validateQualityRule(record.definition);
        // Stored rules are validated; a future format change skips, not fails.
        return parsed.ok
          ? [{ record, rule: parsed.rule, need: historyNeeded(parsed.rule.collector) }]
          : [];
      });
    const reads = (['GOLD', 'CONFIDENT_CONSENSUS', 'ALL'] as const).flatMap(relevant => {
      const needs = rules.filter(r => r.need.relevant === relevant).map(r => r.need);
      if (needs.length === 0) return [];
      const sinceSeconds = needs.some(n => n.sinceSeconds === null)
        ? null
        : Math.max(...needs.map(n => n.sinceSeconds!));
      const lastN = Math.max(...needs.map(n => n.lastN ?? 1_000_000));
      return [{ relevant, sinceSeconds, lastN }];
    });
    const cached: CachedRules = { version, rules, reads };
    this.rulesCache.set(projectId, cached);
    return cached;
  }

  /**
   * Runs `work` in `tx`'s transaction as the rule: an internal admin identity whose id is the
   * rule's. Events the work publishes are handed to `tx`, so they are delivered after its commit.
   */
  private async asRule<T>(
    tx: RequestContext,
    ruleId: string,
    work: (ruleTx: RequestContext) => Promise<T>,
  ): Promise<T> {
    const deferred: Array<() => Promise<void> | void> = [];
    const ruleTx = RequestContext.create({
      requestId: tx.requestId,
      clock: tx.clock,
      user: { id: ruleId, roles: [Role.ADMIN], via: 'api-key' },
    }).inTransaction(tx.transactionManager!, deferred);
    const result = await work(ruleTx);
    for (const callback of deferred) await tx.afterCommit(callback);
    return result;
  }

  private async requireRule(ctx: RequestContext, ruleId: string): Promise<QualityRuleRecord> {
    const record = isUuid(ruleId)
      ? await this.db.repo(ctx, QualityRuleRecord).findOneBy({ id: ruleId })
      : null;
    if (!record) throw new NotFoundError('QualityRule', ruleId);
    try {
      await this.projects.requireProject(ctx, record.projectId, 'share');
    } catch {
      throw new NotFoundError('QualityRule', ruleId);
    }
    return record;
  }

  /** Validates a definition; GLOBAL actions need an admin. */
  private validate(ctx: RequestContext, definition: Record<string, unknown>): QualityRule {
    const result = validateQualityRule(definition);
    if (!result.ok) throw invalidRule(result.issues);
    if (hasGlobalAction(result.rule) && !ctx.hasRole(Role.ADMIN)) {
      const index = result.rule.actions.findIndex(a => a.scope === 'GLOBAL');
      const path = Array.isArray(definition.action) ? `$.action[${index}].scope` : '$.action.scope';
      throw new BadUserInputError('Only admins write rules that act on every project', {
        field: path,
        issues: [{ path, message: 'GLOBAL scope is for admins; use PROJECT' }],
      });
    }
    return result.rule;
  }
}

function hasGlobalAction(rule: QualityRule): boolean {
  return rule.actions.some(action => action.scope === 'GLOBAL');
}

/** BAD_USER_INPUT naming the first field at fault, with every issue. */
function invalidRule(issues: readonly RuleIssue[]): BadUserInputError {
  return new BadUserInputError(
    `Invalid quality rule: ${issues.map(i => `${i.path}: ${i.message}`).join('; ')}`,
    {
      field: issues[0]?.path ?? '$',
      issues: issues.map(i => ({ path: i.path, message: i.message })),
    },
  );
}

/**
 * An answer row as rules read it. A structured answer's agreement is graded (`agreement`, the
 * project kind's): its mean agreement with the other workers' answers to the task; its key for
 * SAME_ANSWER_SHARE is the answer's JSON.
 */
function toEvent(row: AnswerRow, agreement: KindAgreement | null): AnswerEvent {
  const structured = agreement !== null && row.answer !== null;
  return {
    submittedAt: new Date(row.submitted_at).getTime(),
    durationMs: Math.max(0, row.server_duration_ms ?? 0),
    isGold: row.is_gold,
    goldCorrect: row.is_gold ? row.gold_correct === true : null,
    agreedWithConfidentConsensus: row.is_gold ? null : row.agreed,
    ...(structured
      ? { agreementScore: row.is_gold ? null : agreement.withOthers(row.answer, row.others) }
      : {}),
    answerKey: structured ? JSON.stringify(row.answer) : (row.answer_labels ?? []).join('\u001f'),
  };
}

/** Evidence as JSON (NaN becomes null). */
function evidenceJson(evidence: RuleDecision['evidence']): Record<string, unknown> {
  const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  return {
    kind: evidence.kind,
    count: evidence.count,
    minCount: evidence.minCount,
    successes: evidence.successes,
    metrics: Object.fromEntries(Object.entries(evidence.metrics).map(([k, v]) => [k, finite(v)])),
    window: {
      lastN: evidence.window.lastN,
      sinceSeconds: evidence.window.sinceSeconds,
      from: evidence.window.from === null ? null : new Date(evidence.window.from).toISOString(),
      to: evidence.window.to === null ? null : new Date(evidence.window.to).toISOString(),
    },
  };
}

/**
 * The answer being submitted as the rules read answers (it is not written yet); `others`: the
 * other workers' answers to its task (structured kinds, read with the rules).
 */
function currentAnswerRow(
  submitted: SubmittedAnswer,
  others: Record<string, unknown>[] | null,
): AnswerRow {
  const { assignment, task, project } = submitted;
  const labels = assignment.answerLabels ?? [];
  const consensus = task.consensusLabels;
  const confident =
    consensus !== null &&
    task.consensusConfidence !== null &&
    task.consensusConfidence >= (project.confidenceTarget ?? 0);
  return {
    id: assignment.id,
    worker_id: assignment.workerId,
    task_id: assignment.taskId,
    submitted_at: assignment.submittedAt!,
    server_duration_ms: assignment.serverDurationMs,
    is_gold: assignment.isGold,
    gold_correct: assignment.goldCorrect,
    answer_labels: labels,
    agreed: confident
      ? labels.length === consensus.length && labels.every((label, i) => label === consensus[i])
      : null,
    answer: assignment.answer,
    others: assignment.answer === null ? null : others,
  };
}

/**
 * What `WORKER_ANSWERS_SQL` would return for one rule once the answer being submitted is
 * written: the planned read of its kind (wide enough for every rule of the kind) with that answer
 * added in order, narrowed to the rule's own window. Newest first.
 */
function plannedHistory(
  read: RulesRead,
  rules: CachedRules,
  need: HistoryNeed,
  since: Date | null,
  current: AnswerRow,
): AnswerRow[] {
  const index = rules.reads.findIndex(r => r.relevant === need.relevant);
  const relevant =
    need.relevant === 'ALL' ||
    (need.relevant === 'GOLD' && current.is_gold) ||
    (need.relevant === 'CONFIDENT_CONSENSUS' &&
      (current.agreed !== null || current.others !== null) &&
      !current.is_gold);
  const time = (row: AnswerRow) => new Date(row.submitted_at).getTime();
  const rows = [...read.histories[index]];
  if (relevant) {
    const at = rows.findIndex(
      row => time(row) < time(current) || (time(row) === time(current) && row.id < current.id),
    );
    rows.splice(at < 0 ? rows.length : at, 0, current);
  }
  return rows
    .filter(row => since === null || time(row) >= since.getTime())
    .slice(0, need.lastN ?? 1_000_000);
}
