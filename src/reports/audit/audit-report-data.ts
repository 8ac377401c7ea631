/**
 * Everything the audit report shows, as plain data: the quality service fills it from the
 * database (or the `report --demo` CLI from a dataset file), `renderAuditReport` draws it.
 * JSON-friendly on purpose (arrays, numbers, strings), so it can also be returned by an API or
 * saved next to the HTML. Every string here may be user content: the renderer escapes all of it.
 *
 * Times are milliseconds since the Unix epoch and are shown in UTC.
 */
import type { ActionKind, ActionScope } from '../../modules/quality/algorithms/quality-rule';

/** The data behind one audit report. */
export interface AuditReportData {
  readonly project: AuditProject;
  /** The label schema in index order: confusion matrices use these indexes. */
  readonly labels: readonly AuditLabel[];
  /** When the data was read; shown in the header (the renderer never reads the clock). */
  readonly generatedAt: number;
  /** Caveats shown under the header, e.g. "answer times are simulated". */
  readonly notes?: readonly string[];
  readonly summary: AuditSummary;
  readonly workers: readonly AuditWorker[];
  /** All answers against the reference labels (see `confusionReference`). */
  readonly overallConfusion: ConfusionCounts;
  /** What the confusion matrices compare answers with, e.g. "gold where known, else consensus". */
  readonly confusionReference: string;
  /** Top posterior probability of each non-gold task's consensus (tasks with answers). */
  readonly taskConfidence: readonly number[] | Float64Array;
  readonly answersOverTime: AnswersOverTime;
  /** Agreement statistics of the answers; null when not computed. */
  readonly agreement: AuditAgreement | null;
  /** Actions rules and people took (or would take, in a dry-run), newest first or any order. */
  readonly ruleEvents: readonly AuditRuleEvent[];
  /** Thresholds to draw as reference lines; from the project's rules. */
  readonly thresholds?: {
    /** Gold accuracy below which a rule blocks; drawn on the accuracy chart. */
    readonly goldAccuracy?: number;
  };
  /** How many workers get their own confusion heat map (most answers first). Default 6. */
  readonly topWorkers?: number;
}

export interface AuditProject {
  readonly id: string;
  readonly name: string;
  readonly status?: string;
  /** Aggregation method name, e.g. 'dawid-skene'. */
  readonly aggregationMethod: string;
  /** Dynamic overlap's target for the top posterior; drawn on the confidence histogram. */
  readonly confidenceTarget?: number | null;
}

export interface AuditLabel {
  readonly key: string;
  readonly displayName: string;
}

export interface AuditSummary {
  readonly tasks: number;
  readonly completedTasks: number;
  readonly goldTasks: number;
  readonly answers: number;
  readonly workers: number;
  /** Answers excluded from aggregation (kept stored). */
  readonly excludedAnswers?: number;
  /**
   * Accuracy of the consensus labels against known answers, e.g. on gold tasks held out from
   * aggregation; `basis` says on what.
   */
  readonly consensusAccuracy?: {
    readonly correct: number;
    readonly total: number;
    readonly basis: string;
  } | null;
}

/** Rows: reference label index; columns: answered label index; cells: answer counts. */
export type ConfusionCounts = readonly (readonly number[])[];

export type AuditWorkerStatus = 'ACTIVE' | 'FLAGGED' | 'BLOCKED';

export interface AuditWorker {
  readonly id: string;
  /** Display name (user content). */
  readonly name: string;
  readonly answers: number;
  /** Answers to gold tasks, and how many were right. */
  readonly gold: { readonly correct: number; readonly total: number };
  /** Answers to tasks with a confident consensus, and how many agreed with it. */
  readonly consensus?: { readonly agreed: number; readonly total: number } | null;
  /** Median time per answer, seconds; null when unknown. */
  readonly medianSeconds: number | null;
  /** The aggregation model's estimate of the worker's accuracy (e.g. Dawid–Skene), 0..1. */
  readonly modelAccuracy?: number | null;
  /** This worker's answers against the reference labels. */
  readonly confusion?: ConfusionCounts | null;
  readonly status: AuditWorkerStatus;
}

/** An estimate with its confidence interval (the shape of aggregation's AgreementEstimate). */
export interface AuditEstimate {
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
  readonly level: number;
}

export interface AuditAgreement {
  readonly observedAgreement: AuditEstimate;
  readonly fleissKappa: AuditEstimate;
  readonly krippendorffAlpha: AuditEstimate;
  readonly gwetAC1: AuditEstimate;
  readonly ratedTasks: number;
  readonly pairableTasks: number;
}

/** Answers per time bucket, oldest first. */
export interface AnswersOverTime {
  readonly bucketSeconds: number;
  readonly buckets: readonly {
    readonly start: number;
    readonly answers: number;
    /** Of which on gold tasks. */
    readonly goldAnswers?: number;
  }[];
}

/** One action taken on a worker, by a rule or a person. */
export interface AuditRuleEvent {
  readonly at: number;
  readonly workerId: string;
  /** Rule name or the person's display name (user content). */
  readonly actor: string;
  readonly actorKind: 'RULE' | 'ADMIN' | 'REQUESTER';
  readonly actions: readonly {
    readonly kind: ActionKind;
    readonly scope: ActionScope;
    readonly durationSeconds?: number | null;
  }[];
  /** Why, with the evidence figures (user-visible text). */
  readonly reason: string;
  /** True when the rule only would have acted (dry-run). */
  readonly dryRun?: boolean;
}
