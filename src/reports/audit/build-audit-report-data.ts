/**
 * Assembles `AuditReportData` from answers in matrix form and the aggregation's output: the
 * per-worker figures, confusion matrices, confidence histogram input and answers per time bucket.
 * Pure; the quality service (answers from the database, encoded by encode-responses.ts) and the
 * `report --demo` CLI (answers from a dataset file) both build their reports here, so the
 * figures mean the same in both.
 *
 * Definitions:
 * - Reference label of task t (confusion matrices): its gold label when it is a gold task, else
 *   its consensus label.
 * - A worker's gold accuracy: their answers to gold tasks that match the gold label.
 * - A worker's agreement with confident consensus: over their answers to non-gold tasks whose
 *   consensus posterior reached the project's confidence target (all non-gold tasks with a
 *   consensus when there is no target), the share equal to the consensus label.
 * - Task confidence: the consensus label's posterior, for non-gold tasks with answers (gold tasks
 *   are clamped to their known label and would only pile up at 1).
 */
import type { AgreementReport } from '../../modules/aggregation/algorithms/agreement';
import type { ResponseMatrix } from '../../modules/aggregation/algorithms/response-matrix';
import type { DryRunReport } from '../../modules/quality/algorithms/dry-run';
import type {
  AnswersOverTime,
  AuditReportData,
  AuditRuleEvent,
  AuditWorker,
  AuditWorkerStatus,
} from './audit-report-data';

/** Answers as a response matrix plus the time of each response. */
export interface TimedAnswers {
  readonly matrix: ResponseMatrix;
  /** Per response r: submission time, ms since the epoch. */
  readonly submittedAt: Float64Array;
  /** Per response r: time spent, ms. */
  readonly durationMs: Float64Array;
}

/** What `buildAuditReportData` needs: the report's header fields as they are, and the answers. */
export interface BuildAuditReportInput extends Pick<
  AuditReportData,
  'project' | 'labels' | 'generatedAt' | 'notes'
> {
  readonly answers: TimedAnswers;
  /** Worker index → id and display name. */
  readonly workers: readonly { readonly id: string; readonly name: string }[];
  /** Per task: gold label index, -1 when not gold. */
  readonly gold: Int32Array;
  /** The aggregation's output: posteriors (nTasks × K), labels (-1: none), worker accuracy. */
  readonly consensus: {
    readonly probabilities: Float64Array;
    readonly labels: Int32Array;
    readonly workerAccuracy?: Float64Array;
  };
  /** Per task: 1 when complete; default: has a consensus that reached the target (or any). */
  readonly taskComplete?: Uint8Array;
  /** Known answers the consensus was not given (e.g. held-out gold), to measure its accuracy. */
  readonly evaluation?: { readonly truth: Int32Array; readonly basis: string };
  readonly agreement?: AgreementReport | null;
  readonly ruleEvents?: readonly AuditRuleEvent[];
  /** Worker id → status; missing workers are ACTIVE. */
  readonly statuses?: ReadonlyMap<string, AuditWorkerStatus>;
  readonly excludedAnswers?: number;
  readonly thresholds?: AuditReportData['thresholds'];
  readonly topWorkers?: number;
  /** Time bucket of the answers chart; default: the smallest of 1 min … 30 d giving ≤ 60 buckets. */
  readonly bucketSeconds?: number;
}

/** Builds the report data; see the file header for the definitions. */
export function buildAuditReportData(input: BuildAuditReportInput): AuditReportData {
  const { matrix: m, submittedAt, durationMs } = input.answers;
  const K = m.nLabels;
  const R = m.task.length;
  if (submittedAt.length !== R || durationMs.length !== R) {
    throw new RangeError('submittedAt and durationMs need one entry per response');
  }
  if (input.workers.length !== m.nWorkers) {
    throw new RangeError(`workers has ${input.workers.length} entries, the matrix ${m.nWorkers}`);
  }
  if (input.labels.length !== K) {
    throw new RangeError(`labels has ${input.labels.length} entries, the matrix ${K}`);
  }
  const { probabilities, labels: consensus } = input.consensus;
  const target = input.project.confidenceTarget ?? null;

  const confidence = new Float64Array(m.nTasks).fill(NaN);
  for (let t = 0; t < m.nTasks; t++) {
    if (consensus[t] >= 0) confidence[t] = probabilities[t * K + consensus[t]];
  }
  const confident = (t: number) =>
    input.gold[t] < 0 && consensus[t] >= 0 && (target === null || confidence[t] >= target);
  const reference = (t: number) => (input.gold[t] >= 0 ? input.gold[t] : consensus[t]);

  const answered = new Uint8Array(m.nTasks);
  const perWorker = input.workers.map(() => ({
    answers: 0,
    goldCorrect: 0,
    goldTotal: 0,
    agreed: 0,
    confidentTotal: 0,
    durations: [] as number[],
    confusion: zeros(K),
  }));
  const overall = zeros(K);
  for (let r = 0; r < R; r++) {
    const t = m.task[r];
    const w = perWorker[m.worker[r]];
    const l = m.label[r];
    answered[t] = 1;
    w.answers++;
    w.durations.push(durationMs[r] / 1000);
    if (input.gold[t] >= 0) {
      w.goldTotal++;
      if (l === input.gold[t]) w.goldCorrect++;
    } else if (confident(t)) {
      w.confidentTotal++;
      if (l === consensus[t]) w.agreed++;
    }
    const ref = reference(t);
    if (ref >= 0) {
      w.confusion[ref][l]++;
      overall[ref][l]++;
    }
  }

  const workers: AuditWorker[] = input.workers.map((worker, index) => {
    const s = perWorker[index];
    return {
      id: worker.id,
      name: worker.name,
      answers: s.answers,
      gold: { correct: s.goldCorrect, total: s.goldTotal },
      consensus: { agreed: s.agreed, total: s.confidentTotal },
      medianSeconds: s.durations.length > 0 ? medianOf(s.durations) : null,
      modelAccuracy: input.consensus.workerAccuracy?.[index] ?? null,
      confusion: s.confusion,
      status: input.statuses?.get(worker.id) ?? 'ACTIVE',
    };
  });

  let tasks = 0;
  let completed = 0;
  let goldTasks = 0;
  const taskConfidence: number[] = [];
  for (let t = 0; t < m.nTasks; t++) {
    tasks++;
    if (input.gold[t] >= 0) goldTasks++;
    const complete = input.taskComplete
      ? input.taskComplete[t] === 1
      : consensus[t] >= 0 && (target === null || confidence[t] >= target);
    if (complete) completed++;
    if (answered[t] && input.gold[t] < 0 && Number.isFinite(confidence[t])) {
      taskConfidence.push(confidence[t]);
    }
  }

  let consensusAccuracy: AuditReportData['summary']['consensusAccuracy'] = null;
  if (input.evaluation) {
    let correct = 0;
    let total = 0;
    for (let t = 0; t < m.nTasks; t++) {
      if (input.evaluation.truth[t] < 0 || !answered[t]) continue;
      total++;
      if (consensus[t] === input.evaluation.truth[t]) correct++;
    }
    consensusAccuracy = { correct, total, basis: input.evaluation.basis };
  }

  return {
    project: input.project,
    labels: input.labels,
    generatedAt: input.generatedAt,
    notes: input.notes,
    summary: {
      tasks,
      completedTasks: completed,
      goldTasks,
      answers: R,
      workers: workers.filter(w => w.answers > 0).length,
      excludedAnswers: input.excludedAnswers,
      consensusAccuracy,
    },
    workers,
    overallConfusion: overall,
    confusionReference: 'gold label on gold tasks, consensus elsewhere',
    taskConfidence,
    answersOverTime: bucketAnswers(submittedAt, m, input.gold, input.bucketSeconds),
    agreement: input.agreement
      ? {
          observedAgreement: input.agreement.observedAgreement,
          fleissKappa: input.agreement.fleissKappa,
          krippendorffAlpha: input.agreement.krippendorffAlpha,
          gwetAC1: input.agreement.gwetAC1,
          ratedTasks: input.agreement.ratedTasks,
          pairableTasks: input.agreement.pairableTasks,
        }
      : null,
    ruleEvents: input.ruleEvents ?? [],
    thresholds: input.thresholds,
    topWorkers: input.topWorkers,
  };
}

/**
 * The firings of a dry-run as report events (marked `dryRun`), and the statuses the workers
 * would have at the end of it.
 */
export function auditEventsFromDryRun(report: DryRunReport): {
  events: AuditRuleEvent[];
  statuses: Map<string, AuditWorkerStatus>;
} {
  const events: AuditRuleEvent[] = report.firings.map(f => ({
    at: f.at,
    workerId: f.workerId,
    actor: f.ruleName,
    actorKind: 'RULE',
    actions: f.actions.map(a => ({
      kind: a.kind,
      scope: a.scope,
      durationSeconds: 'durationSeconds' in a ? a.durationSeconds : null,
    })),
    reason: f.reason,
    dryRun: true,
  }));
  const statuses = new Map<string, AuditWorkerStatus>();
  for (const w of report.workers) {
    if (w.blockedAtEnd) statuses.set(w.workerId, 'BLOCKED');
    else if (w.flaggedAtEnd) statuses.set(w.workerId, 'FLAGGED');
  }
  return { events, statuses };
}

/** Bucket sizes to choose from, seconds; the smallest giving at most 60 buckets wins. */
const BUCKETS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400];

/** Answers (and gold answers) per bucket, aligned to multiples of the bucket size (UTC). */
export function bucketAnswers(
  submittedAt: Float64Array,
  m: Pick<ResponseMatrix, 'task'>,
  gold: Int32Array,
  bucketSeconds?: number,
): AnswersOverTime {
  if (submittedAt.length === 0) return { bucketSeconds: bucketSeconds ?? 3600, buckets: [] };
  let min = Infinity;
  let max = -Infinity;
  for (const t of submittedAt) {
    min = Math.min(min, t);
    max = Math.max(max, t);
  }
  const size =
    bucketSeconds ??
    BUCKETS.find(s => (max - min) / (s * 1000) <= 60) ??
    BUCKETS[BUCKETS.length - 1];
  const ms = size * 1000;
  const first = Math.floor(min / ms) * ms;
  const n = Math.floor((max - first) / ms) + 1;
  const answers = new Array<number>(n).fill(0);
  const goldAnswers = new Array<number>(n).fill(0);
  for (let r = 0; r < submittedAt.length; r++) {
    const b = Math.floor((submittedAt[r] - first) / ms);
    answers[b]++;
    if (gold[m.task[r]] >= 0) goldAnswers[b]++;
  }
  return {
    bucketSeconds: size,
    buckets: answers.map((a, b) => ({
      start: first + b * ms,
      answers: a,
      goldAnswers: goldAnswers[b],
    })),
  };
}

function zeros(K: number): number[][] {
  return Array.from({ length: K }, () => new Array<number>(K).fill(0));
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
