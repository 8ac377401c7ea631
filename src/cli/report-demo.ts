/**
 * Demo data for the audit report, from a benchmark dataset folder (`labels.csv`:
 * worker,task,label and `gold.csv`: task,label): real answers and real figures, without a
 * database. Used by `npm run report -- --demo` and by the screenshot test.
 *
 * - A seeded 15% of the tasks with known answers act as the project's gold tasks (clamped in
 *   Dawid–Skene, scoring workers, read by the rules); the other known answers are held out to
 *   measure the consensus' accuracy.
 * - Aggregation: the registry's 'dawid-skene' with that gold; agreement: `agreementReport`.
 * - The datasets carry no times, so submission times and durations are simulated (seeded): tasks
 *   are answered in file order over two weeks, each worker with their own typical pace. The
 *   report says so in its notes.
 * - A demo rule set is dry-run over the simulated history; its firings are the report's events.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import { agreementReport } from '../modules/aggregation/algorithms/agreement';
import { aggregators } from '../modules/aggregation/algorithms/index';
import { mulberry32, Rng } from '../modules/aggregation/algorithms/rng';
import { encodeResponses } from '../modules/aggregation/encode-responses';
import { dryRunRules, ProjectAnswerEvent } from '../modules/quality/algorithms/dry-run';
import { parseQualityRule, QualityRule } from '../modules/quality/algorithms/quality-rule';
import type { AuditReportData } from '../reports/audit/audit-report-data';
import {
  auditEventsFromDryRun,
  buildAuditReportData,
} from '../reports/audit/build-audit-report-data';
import { CliError } from './cli-error';

/** Options of `buildDemoReportData`. */
export interface DemoOptions {
  /** Shown as the report's generation time. */
  readonly generatedAt: number;
  /** Seed of the gold split and the simulated times. Default 2024. */
  readonly seed?: number;
  /** Share of the tasks with known answers used as gold. Default 0.15. */
  readonly goldShare?: number;
}

/** The rules the demo dry-runs, in the declarative format (see quality-rule.ts). */
export const DEMO_RULES: readonly QualityRule[] = [
  {
    name: 'Gold accuracy below 50%',
    collector: { kind: 'GOLD_ACCURACY', window: { lastN: 15 }, minCount: 8 },
    conditions: [{ metric: 'accuracy', op: '<', value: 0.5 }],
    action: [
      { kind: 'BLOCK', scope: 'PROJECT', durationSeconds: 7 * 86400 },
      { kind: 'REOPEN_TASKS', answers: 'ALL' },
    ],
  },
  {
    name: 'Disagrees with confident consensus',
    collector: { kind: 'CONSENSUS_AGREEMENT', window: { lastN: 30 }, minCount: 15 },
    conditions: [{ metric: 'agreement', op: '<', value: 0.5 }],
    action: [{ kind: 'FLAG' }, { kind: 'NOTIFY', to: ['REQUESTER'] }],
  },
  {
    name: 'Answers too fast',
    collector: { kind: 'ANSWER_TIME', window: { lastN: 10 }, minCount: 10 },
    conditions: [{ metric: 'medianSeconds', op: '<', value: 3 }],
    action: { kind: 'FLAG' },
  },
  {
    name: 'Same answer over and over',
    collector: { kind: 'SAME_ANSWER_SHARE', window: { lastN: 20 }, minCount: 20 },
    conditions: [{ metric: 'share', op: '>', value: 0.8 }],
    action: { kind: 'FLAG' },
  },
].map(parseQualityRule);

const DAY = 86400_000;
/** Start of the simulated project: Monday 2 March 2026, 08:00 UTC. */
const SIMULATED_START = Date.UTC(2026, 2, 2, 8);
const SIMULATED_DAYS = 14;

/** Reads the dataset in `folder` and builds the demo report's data; see the file header. */
export function buildDemoReportData(folder: string, options: DemoOptions): AuditReportData {
  const rows = readCsv(join(folder, 'labels.csv'), ['worker', 'task', 'label']).map(
    ([worker, task, label]) => ({ worker, task, label }),
  );
  const truthRows = readCsv(join(folder, 'gold.csv'), ['task', 'label']);
  const encoded = encodeResponses(
    rows,
    {},
    truthRows.map(([t, l]) => [t, l] as const),
  );
  const m = encoded.matrix;
  const truth = encoded.gold ?? new Int32Array(m.nTasks).fill(-1);
  const rng = mulberry32(options.seed ?? 2024);

  // Gold for the project: a seeded share of the tasks with known answers; the rest held out.
  const goldShare = options.goldShare ?? 0.15;
  const gold = new Int32Array(m.nTasks).fill(-1);
  const heldOut = new Int32Array(m.nTasks).fill(-1);
  for (let t = 0; t < m.nTasks; t++) {
    if (truth[t] < 0) continue;
    if (rng() < goldShare) gold[t] = truth[t];
    else heldOut[t] = truth[t];
  }

  const fit = aggregators['dawid-skene'](m, { gold });
  const agreement = agreementReport(m, { bootstrap: { samples: 500, seed: 1 } });
  const { submittedAt, durationMs } = simulateTimes(m, rng);
  const confidenceTarget = 0.95;

  const events: ProjectAnswerEvent[] = [];
  for (let r = 0; r < m.task.length; r++) {
    const t = m.task[r];
    const isGold = gold[t] >= 0;
    const consensusLabel = fit.labels[t];
    const confident =
      !isGold &&
      consensusLabel >= 0 &&
      fit.probabilities[t * m.nLabels + consensusLabel] >= confidenceTarget;
    events.push({
      workerId: encoded.workerIds[m.worker[r]],
      taskId: encoded.taskIds[t],
      submittedAt: submittedAt[r],
      durationMs: durationMs[r],
      isGold,
      goldCorrect: isGold ? m.label[r] === gold[t] : null,
      agreedWithConfidentConsensus: confident ? m.label[r] === consensusLabel : null,
      answerKey: m.label[r],
    });
  }
  const dryRun = dryRunRules(DEMO_RULES, events);
  const { events: ruleEvents, statuses } = auditEventsFromDryRun(dryRun);
  const dataset = basename(folder);

  return buildAuditReportData({
    project: {
      id: `demo-${dataset}`,
      name: `Demo: ${dataset} dataset`,
      status: 'ACTIVE',
      aggregationMethod: 'dawid-skene',
      confidenceTarget,
    },
    labels: encoded.labelKeys.map(key => ({ key, displayName: `class ${key}` })),
    generatedAt: options.generatedAt,
    notes: [
      `Answers, workers and known labels are the real "${dataset}" dataset; ${percent(goldShare)} of the tasks with known labels serve as gold, the rest measure the consensus.`,
      'Submission times and durations are simulated (the dataset has none), so the time chart and the answer-time figures are illustrative.',
      `Rule events are a dry-run of ${DEMO_RULES.length} demo rules over the simulated history; consensus agreement uses the final Dawid–Skene consensus (hindsight).`,
    ],
    answers: { matrix: m, submittedAt, durationMs },
    workers: encoded.workerIds.map(id => ({ id, name: `worker ${id}` })),
    gold,
    consensus: {
      probabilities: fit.probabilities,
      labels: fit.labels,
      workerAccuracy: fit.workerSkill,
    },
    evaluation: { truth: heldOut, basis: 'held-out known labels' },
    agreement,
    ruleEvents,
    statuses,
    thresholds: { goldAccuracy: 0.5 },
  });
}

/**
 * Seeded submission times and durations: task t is answered around day 14·t/nTasks (tasks in
 * file order), within a working day; each worker's durations are log-normal around their own
 * median (itself log-normal around 18 s).
 */
function simulateTimes(
  m: { nTasks: number; nWorkers: number; task: Int32Array; worker: Int32Array },
  rng: Rng,
): { submittedAt: Float64Array; durationMs: Float64Array } {
  const paceSeconds = Float64Array.from(
    { length: m.nWorkers },
    () => 18 * Math.exp(0.55 * gaussian(rng)),
  );
  const submittedAt = new Float64Array(m.task.length);
  const durationMs = new Float64Array(m.task.length);
  for (let r = 0; r < m.task.length; r++) {
    const day = Math.floor((m.task[r] / Math.max(1, m.nTasks)) * SIMULATED_DAYS);
    // Answers cluster in a 10-hour working day, busier in its middle.
    const hour = 10 * ((rng() + rng() + rng()) / 3);
    submittedAt[r] = Math.round(SIMULATED_START + day * DAY + hour * 3600_000);
    durationMs[r] = Math.round(1000 * paceSeconds[m.worker[r]] * Math.exp(0.4 * gaussian(rng)));
  }
  return { submittedAt, durationMs };
}

/** A standard normal draw (Box–Muller). */
function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** A small CSV with a known header and no quoting (the benchmark datasets' format). */
function readCsv(path: string, header: readonly string[]): string[][] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter(line => line.trim().length > 0);
  const found = (lines[0] ?? '').split(',').map(s => s.trim().toLowerCase());
  if (found.join(',') !== header.join(',')) {
    throw new CliError(
      `${path}: expected the header "${header.join(',')}", found "${lines[0] ?? ''}"`,
    );
  }
  return lines.slice(1).map((line, i) => {
    const fields = line.split(',').map(s => s.trim());
    if (fields.length !== header.length) {
      throw new CliError(`${path}: line ${i + 2}: expected ${header.length} fields`);
    }
    return fields;
  });
}
