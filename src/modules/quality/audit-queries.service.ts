import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { agreementReport, type AgreementEstimate } from '../aggregation/algorithms/agreement';
import { ProjectAnswerEncoder } from '../aggregation/encode-project-answers';
import { WorkerQuality } from '../aggregation/worker-quality.entity';
import type { Project } from '../projects/project.entity';
import type { ProjectService } from '../projects/project.service';
import { Role } from '../auth/role';
import { WorkerBlock } from '../workers/worker-block.entity';
import { boundedMeanInterval } from './algorithms/wilson-interval';
import {
  type KindAgreement,
  kindAgreement,
  type KindAgreementReport,
  kindAgreementReport,
  OTHERS_JOIN,
} from './kind-agreement';
import { isStructuredKind } from '../projects/kind-settings';
import type { AuditService } from './audit.service';
import {
  FEEDBACK_ANSWERS_SQL,
  type FeedbackAnswerRow,
  publicationTimes,
  publishedAnswers,
} from './published-quality';
import { QualityRuleRecord } from './quality-rule.entity';
import {
  type MyBlock,
  type MyQuality,
  type ProjectQualityAudit,
  type ProportionView,
  type WorkerQualityAudit,
} from './quality.types';

/** Seed of the agreement bootstrap: the same answers always give the same intervals. */
export const AGREEMENT_BOOTSTRAP_SEED = 1;
/** Resamples of the agreement bootstrap. */
export const AGREEMENT_BOOTSTRAP_SAMPLES = 1000;
/** Bins of the task-confidence histogram over [0, 1]. */
export const CONFIDENCE_BINS = 10;

/** One submitted answer with what the audit needs of its task (one row per assignment). */
export interface AuditAnswerRow {
  readonly assignment_id: string;
  readonly worker_id: string;
  readonly task_id: string;
  /** Label keys (choice kinds); null for a structured answer. */
  readonly answer_labels: string[] | null;
  /** A structured answer and the other workers' answers to its task (owner's audit only). */
  readonly answer?: Record<string, unknown> | null;
  readonly others?: Record<string, unknown>[] | null;
  readonly submitted_at: Date;
  readonly server_duration_ms: number | null;
  readonly counted: boolean;
  readonly excluded: boolean;
  readonly gold_correct: boolean | null;
  readonly task_is_gold: boolean;
  readonly consensus_labels: string[] | null;
  readonly consensus_confidence: number | null;
}

/**
 * A worker's figures over a set of their answers. Definitions (shared by the owner's audit, the
 * worker's own view and the HTML report, so the three never disagree):
 *
 * - gold accuracy: answers to gold tasks whose `gold_correct` is known, and how many were right
 *   (excluded answers included: they are still the worker's answers);
 * - agreement with confident consensus: answers to non-gold tasks that have a consensus whose
 *   confidence reached the project's `confidenceTarget` (any consensus without a target), and how
 *   many equal it as a set of labels; for the structured kinds (spans, boxes, ratings, pairwise),
 *   answers to non-gold tasks other workers answered too, and the sum of each answer's mean
 *   pairwise agreement with theirs (span F1, box F1 at IoU 0.5, within tolerance, same item:
 *   kind-agreement.ts), so the estimate is a mean F1;
 * - median time: the server-measured time between lease and submission, in seconds.
 */
export interface WorkerFigures {
  readonly answers: number;
  readonly excludedAnswers: number;
  readonly goldAccuracy: ProportionView;
  readonly consensusAgreement: ProportionView;
  readonly medianSeconds: number | null;
}

/** `WorkerQualityAudit` plus the aggregation model's confusion matrix (a field resolver shows it). */
export interface WorkerQualityAuditResult extends WorkerQualityAudit {
  /** P(worker answers column | true row), from the latest aggregation fit; null without one. */
  readonly modelConfusion: number[][] | null;
  /** The method of that fit. */
  readonly modelMethod: string | null;
}

/**
 * Quality audit queries (issue 4, "Admin audit"): a worker's figures on a project for its owner
 * and admins, a project's agreement statistics and confidence distribution, and a worker's own
 * figures and block reasons. Read-only; every query runs in one transaction, so its figures are
 * one consistent snapshot.
 */
export class AuditQueriesService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
    private readonly audit: AuditService,
  ) {}

  /** A worker's figures, confusion, blocks and audit events on one of the caller's projects. */
  async workerQualityAudit(
    ctx: RequestContext,
    projectId: string,
    workerId: string,
  ): Promise<WorkerQualityAuditResult> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const rows = isUuid(workerId) ? await this.answerRows(tx, project.id, workerId) : [];
      const figures = workerFigures(
        rows,
        project.confidenceTarget,
        kindAgreement(project.labelSchema),
      );
      const keys = project.labelSchema.labels.map(label => label.key);
      // Blocks on every project are the owner's business only for workers of their project.
      const seesGlobal = ctx.hasRole(Role.ADMIN) || rows.length > 0;
      const blocks = isUuid(workerId)
        ? await this.db
            .repo(tx, WorkerBlock)
            .createQueryBuilder('block')
            .where('block.worker_id = :workerId', { workerId })
            .andWhere(
              seesGlobal
                ? '(block.project_id = :projectId OR block.project_id IS NULL)'
                : 'block.project_id = :projectId',
              { projectId: project.id },
            )
            .orderBy('block.starts_at', 'DESC')
            .addOrderBy('block.id', 'DESC')
            .getMany()
        : [];
      const events = await this.audit.entries(tx, { projectId: project.id, workerId });
      const fit = isUuid(workerId)
        ? await this.db
            .repo(tx, WorkerQuality)
            .findOne({ where: { projectId: project.id, workerId } })
        : null;
      return {
        workerId,
        projectId: project.id,
        ...figures,
        labels: keys,
        confusion: consensusConfusion(rows, keys, project.confidenceTarget),
        blocks,
        events,
        modelConfusion: fit ? modelConfusion(fit) : null,
        modelMethod: fit?.method ?? null,
      };
    });
  }

  /**
   * A project's agreement statistics (Fleiss κ, Krippendorff α, Gwet AC1 and observed agreement
   * with seeded percentile-bootstrap intervals) over the answers aggregation reads (counted, not
   * excluded), and the histogram of its non-gold tasks' consensus confidence.
   */
  async projectQualityAudit(ctx: RequestContext, projectId: string): Promise<ProjectQualityAudit> {
    const { kindAnswers, ...audit } = await this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const structured = isStructuredKind(project.labelSchema.kind);
      const agreement = structured
        ? null
        : agreementJsonOrNull(await this.agreementOf(tx, project));
      const kindAnswers = structured
        ? { schema: project.labelSchema, rows: await this.kindAnswerRows(tx, project) }
        : null;
      const confidences = await queryRows<{ c: number }>(
        this.db.manager(tx),
        `SELECT consensus_confidence AS c FROM tasks
         WHERE project_id = $1 AND NOT is_gold AND consensus_confidence IS NOT NULL`,
        [project.id],
      );
      const histogram = confidenceHistogram(
        confidences.map(row => Number(row.c)),
        CONFIDENCE_BINS,
      );
      const rules = await this.db
        .repo(tx, QualityRuleRecord)
        .find({ where: { projectId: project.id }, order: { createdAt: 'ASC', id: 'ASC' } });
      return {
        projectId: project.id,
        agreement,
        confidenceEdges: histogram.edges,
        confidenceCounts: histogram.counts,
        rules,
        kindAnswers,
      };
    });
    if (kindAnswers === null) return audit;
    // After the read transaction: pairing every answer with every other (D_e of α) can take
    // most of a second on a large spans or boxes project.
    const report =
      kindAnswers.rows.length === 0
        ? null
        : kindAgreementReport(kindAnswers.schema, kindAnswers.rows, AGREEMENT_BOOTSTRAP_SEED);
    return { ...audit, agreement: kindAgreementJson(report) };
  }

  /**
   * The caller's own figures (one project, or all their answers) and the blocks in force on them
   * there. Never gold answers, other workers or task-level gold information: only counts, as
   * published at the latest publication time (published-quality.ts: settled answers, gold in
   * whole batches, consensus only where final), so they never move per answer (promise 8).
   * A project the worker has not answered gives zeros (its existence is not revealed).
   */
  async myQuality(ctx: RequestContext, projectId: string | null): Promise<MyQuality> {
    const user = ctx.requireUser();
    const { publishedAt, nextPublicationAt } = publicationTimes(ctx.now());
    return this.db.withTransaction(ctx, async tx => {
      const rows: AuditAnswerRow[] =
        projectId === null || isUuid(projectId)
          ? publishedAnswers(
              await queryRows<FeedbackAnswerRow>(this.db.manager(tx), FEEDBACK_ANSWERS_SQL, [
                user.id,
                projectId,
              ]),
              publishedAt,
            )
          : [];
      // The confidence target is per project; read each one the worker answered.
      const targets = await queryRows<{ id: string; confidence_target: number | null }>(
        this.db.manager(tx),
        `SELECT DISTINCT p.id, p.confidence_target FROM projects p
         JOIN assignments a ON a.project_id = p.id
         WHERE a.worker_id = $1 AND ($2::uuid IS NULL OR p.id = $2::uuid)`,
        [user.id, projectId !== null && isUuid(projectId) ? projectId : null],
      );
      const targetOf = new Map(targets.map(row => [row.id, row.confidence_target]));
      const projectOf = await this.projectsOfTasks(tx, rows);
      const figures = workerFigures(rows, task => targetOf.get(projectOf.get(task) ?? '') ?? null);
      const now = ctx.now();
      const qb = this.db
        .repo(tx, WorkerBlock)
        .createQueryBuilder('block')
        .where('block.worker_id = :workerId', { workerId: user.id })
        .andWhere('block.lifted_at IS NULL')
        .andWhere('block.starts_at <= :now', { now })
        .andWhere('(block.ends_at IS NULL OR block.ends_at > :now)', { now });
      if (projectId !== null) {
        qb.andWhere('(block.project_id = :projectId OR block.project_id IS NULL)', {
          projectId: isUuid(projectId) ? projectId : null,
        });
      }
      const blocks = await qb.orderBy('block.starts_at', 'DESC').getMany();
      return {
        projectId: projectId ?? '',
        publishedAt,
        nextPublicationAt,
        answers: figures.answers,
        goldAccuracy: figures.goldAccuracy,
        consensusAgreement: figures.consensusAgreement,
        medianSeconds: figures.medianSeconds,
        blocks: blocks.map((block): MyBlock => ({
          projectId: block.projectId,
          reason: block.reason,
          startsAt: block.startsAt,
          endsAt: block.endsAt,
          byRule: block.ruleId !== null,
        })),
      };
    });
  }

  /**
   * Submitted answers (excluded ones included) of a project and/or a worker, in submission order.
   * The caller has checked access. Runs in `ctx`'s transaction.
   */
  async answerRows(
    ctx: RequestContext,
    projectId: string | null,
    workerId: string | null,
  ): Promise<AuditAnswerRow[]> {
    return queryRows<AuditAnswerRow>(
      this.db.manager(ctx),
      `SELECT a.id AS assignment_id, a.worker_id, a.task_id, a.answer_labels, a.submitted_at,
              a.server_duration_ms, a.counted, (a.excluded_at IS NOT NULL) AS excluded,
              a.gold_correct, t.is_gold AS task_is_gold, t.consensus_labels, t.consensus_confidence,
              a.answer, o.others
       FROM assignments a JOIN tasks t ON t.id = a.task_id ${OTHERS_JOIN}
       WHERE ($1::uuid IS NULL OR a.project_id = $1::uuid)
         AND ($2::uuid IS NULL OR a.worker_id = $2::uuid)
         AND a.submitted_at IS NOT NULL
         AND (a.answer_labels IS NOT NULL OR a.answer IS NOT NULL)
       ORDER BY a.submitted_at, a.id`,
      [projectId, workerId],
    );
  }

  /** Agreement over the answers aggregation reads; null when the project has none. */
  async agreementOf(ctx: RequestContext, project: Project) {
    const rows = await queryRows<{
      worker_id: string;
      task_id: string;
      answer_labels: string[];
    }>(
      this.db.manager(ctx),
      `SELECT a.worker_id, a.task_id, a.answer_labels FROM assignments a
       WHERE a.project_id = $1 AND a.counted AND a.excluded_at IS NULL
         AND a.answer_labels IS NOT NULL AND a.submitted_at IS NOT NULL
       ORDER BY a.submitted_at, a.id`,
      [project.id],
    );
    if (rows.length === 0) return null;
    // Structured kinds store no answer labels, so only the choice kinds reach this point.
    const encoder = new ProjectAnswerEncoder(
      project.labelSchema.kind as 'SINGLE_CHOICE' | 'MULTI_LABEL',
      project.labelSchema.labels.map(label => label.key),
    );
    for (const row of rows) {
      encoder.add({
        workerId: row.worker_id,
        taskId: row.task_id,
        answerLabels: row.answer_labels,
        goldLabels: null,
      });
    }
    const { matrix } = encoder.finish();
    return agreementReport(matrix, {
      bootstrap: { seed: AGREEMENT_BOOTSTRAP_SEED, samples: AGREEMENT_BOOTSTRAP_SAMPLES },
    });
  }

  /**
   * A structured project's answers as its agreement statistics read them (kind-agreement.ts):
   * the ones aggregation reads (counted, not excluded), in submission order.
   */
  async kindAnswerRows(
    ctx: RequestContext,
    project: Project,
  ): Promise<Array<{ task: string; worker: string; answer: Record<string, unknown> }>> {
    return queryRows<{ task: string; worker: string; answer: Record<string, unknown> }>(
      this.db.manager(ctx),
      `SELECT a.task_id AS task, a.worker_id AS worker, a.answer FROM assignments a
       WHERE a.project_id = $1 AND a.counted AND a.excluded_at IS NULL
         AND a.answer IS NOT NULL AND a.submitted_at IS NOT NULL
       ORDER BY a.submitted_at, a.id`,
      [project.id],
    );
  }

  private async projectsOfTasks(
    ctx: RequestContext,
    rows: readonly AuditAnswerRow[],
  ): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const taskIds = [...new Set(rows.map(row => row.task_id))];
    const found = await queryRows<{ id: string; project_id: string }>(
      this.db.manager(ctx),
      `SELECT id, project_id FROM tasks WHERE id = ANY($1::uuid[])`,
      [taskIds],
    );
    return new Map(found.map(row => [row.id, row.project_id]));
  }
}

/** Whether two label sets are equal (order does not matter). */
export function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every(label => set.has(label));
}

/** Whether `row`'s task counts for agreement with consensus under `target`. */
function confidentConsensus(row: AuditAnswerRow, target: number | null): boolean {
  return (
    !row.task_is_gold &&
    row.consensus_labels !== null &&
    row.consensus_labels.length > 0 &&
    (target === null ||
      (row.consensus_confidence !== null && Number(row.consensus_confidence) >= target))
  );
}

/**
 * A worker's figures over `rows`; see `WorkerFigures` for the definitions. `agreement`: the
 * project kind's graded agreement (structured kinds), which rows with an `answer` are scored by.
 */
export function workerFigures(
  rows: readonly AuditAnswerRow[],
  target: number | null | ((taskId: string) => number | null),
  agreement: KindAgreement | null = null,
): WorkerFigures {
  const targetOf = typeof target === 'function' ? target : () => target;
  let goldCorrect = 0;
  let goldTotal = 0;
  let agreed = 0;
  let confident = 0;
  let excluded = 0;
  const seconds: number[] = [];
  for (const row of rows) {
    if (row.excluded) excluded++;
    if (row.server_duration_ms !== null) seconds.push(Number(row.server_duration_ms) / 1000);
    if (row.task_is_gold) {
      if (row.gold_correct !== null) {
        goldTotal++;
        if (row.gold_correct) goldCorrect++;
      }
    } else if (agreement !== null && row.answer != null) {
      const score = agreement.withOthers(row.answer, row.others ?? null);
      if (score !== null) {
        confident++;
        agreed += score;
      }
    } else if (confidentConsensus(row, targetOf(row.task_id))) {
      confident++;
      if (sameLabels(row.answer_labels ?? [], row.consensus_labels ?? [])) agreed++;
    }
  }
  return {
    answers: rows.length,
    excludedAnswers: excluded,
    goldAccuracy: proportion(goldCorrect, goldTotal),
    consensusAgreement: proportion(Math.min(agreed, confident), confident),
    medianSeconds: seconds.length > 0 ? median(seconds) : null,
  };
}

/**
 * A proportion with its 95% Wilson interval (`successes` may be a sum of graded outcomes in
 * [0, 1]: boundedMeanInterval); null figures when there are no trials.
 */
export function proportion(successes: number, count: number): ProportionView {
  if (count === 0) return { successes, count, estimate: null, lower: null, upper: null };
  const interval = boundedMeanInterval(successes, count);
  return {
    successes,
    count,
    estimate: interval.value,
    lower: interval.lower,
    upper: interval.upper,
  };
}

/**
 * Counts of the worker's single-label answers against the confident consensus of non-gold
 * tasks: rows the consensus label, columns the answered label, both in schema order. Answers or
 * consensus with several labels (multi-label projects) are not counted.
 */
export function consensusConfusion(
  rows: readonly AuditAnswerRow[],
  keys: readonly string[],
  target: number | null,
): number[][] {
  const index = new Map(keys.map((key, i) => [key, i]));
  const counts = keys.map(() => keys.map(() => 0));
  for (const row of rows) {
    if (!confidentConsensus(row, target)) continue;
    if (row.answer_labels?.length !== 1 || row.consensus_labels?.length !== 1) continue;
    const truth = index.get(row.consensus_labels[0]);
    const answered = index.get(row.answer_labels[0]);
    if (truth !== undefined && answered !== undefined) counts[truth][answered]++;
  }
  return counts;
}

/** The fit's SINGLE_CHOICE confusion as K × K rows; null for other layouts. */
function modelConfusion(fit: WorkerQuality): number[][] | null {
  const K = fit.labelKeys.length;
  if (fit.schemaKind !== 'SINGLE_CHOICE' || !fit.confusion || fit.confusion.length !== K * K) {
    return null;
  }
  return Array.from({ length: K }, (_, k) => fit.confusion!.slice(k * K, (k + 1) * K).map(Number));
}

/** Equal-width bins over [0, 1]; a value of exactly 1 falls in the last bin. */
export function confidenceHistogram(
  values: readonly number[],
  bins: number,
): { edges: number[]; counts: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(value * bins)));
    counts[bin]++;
  }
  return { edges, counts };
}

/** The agreement report as JSON: NaN (undefined statistics) becomes null, per-task values dropped. */
function agreementJson(report: ReturnType<typeof agreementReport>): Record<string, unknown> {
  const estimate = (e: AgreementEstimate) => ({
    value: finiteOrNull(e.value),
    lower: finiteOrNull(e.lower),
    upper: finiteOrNull(e.upper),
    level: e.level,
    samples: e.samples,
  });
  return {
    observedAgreement: estimate(report.observedAgreement),
    fleissKappa: estimate(report.fleissKappa),
    krippendorffAlpha: estimate(report.krippendorffAlpha),
    gwetAC1: estimate(report.gwetAC1),
    ratedTasks: report.ratedTasks,
    pairableTasks: report.pairableTasks,
    bootstrapSeed: AGREEMENT_BOOTSTRAP_SEED,
  };
}

function agreementJsonOrNull(
  report: ReturnType<typeof agreementReport> | null,
): Record<string, unknown> | null {
  return report ? agreementJson(report) : null;
}

/**
 * A structured kind's statistics as JSON, in the keys of the choice kinds' (κ and AC1 null: no
 * fixed categories; point estimates only, without bootstrap intervals), plus the α distance.
 */
function kindAgreementJson(report: KindAgreementReport | null): Record<string, unknown> | null {
  if (report === null) return null;
  const point = (e: { value: number }) => ({
    value: finiteOrNull(e.value),
    lower: null,
    upper: null,
    samples: 0,
  });
  return {
    observedAgreement: point(report.observedAgreement),
    fleissKappa: null,
    krippendorffAlpha: report.krippendorffAlpha && point(report.krippendorffAlpha),
    gwetAC1: null,
    alphaDistance: report.alphaDistance,
    alphaExpectedExact: report.alphaExpectedExact,
    ratedTasks: report.ratedTasks,
    pairableTasks: report.pairableTasks,
    // Seeds the pairs D_e samples on a large spans or boxes project.
    sampleSeed: AGREEMENT_BOOTSTRAP_SEED,
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
