/**
 * Replay benchmark of dynamic overlap (a script, not a test).
 *
 *   npm run bench:replay [-- FOLDER_OR_NAME ...] [--seed 1] [--targets 0.9,0.95,0.99]
 *                        [--min 2] [--max 5,10] [--gold-rate 0] [--refit-every N]
 *                        [--prior-strength 10] [--model-accuracy p] [--model-gate 0.85]
 *                        [--worker-floor f] [--frontier]
 *   npm run bench:replay -- --concurrency 20 [--datasets rte,temp] [--limit-tasks 200] [--seed 1]
 *                           [--model-accuracy 0.8]
 *
 * FOLDER_OR_NAME: a dataset folder (labels.csv + gold.csv), a name such as `d_sentiment` (read
 * from ../shared/datasets/<name>), or a folder of dataset folders (default ../shared/datasets),
 * of which every dataset with at least 5 answers per task on average is replayed. Files are read
 * as `quorum aggregate` reads them (the latest repeated answer of a worker to a task counts).
 *
 * The marketplace, simulated without a database, through the product's own policy code
 * (src/modules/aggregation/online/algorithms/dynamic-overlap.ts):
 * - Arrival: one seeded random permutation of all answers. Answers arrive in that order, so each
 *   task's answers arrive in a seeded random order, interleaved with every other task's. An
 *   answer to a task the policy has completed is never collected (the task is no longer served).
 * - After each collected answer the task's posterior is recomputed from the current reliabilities
 *   (`evaluateTask`) and the policy decides CONTINUE / COMPLETE_CONFIDENT / COMPLETE_MAX. A task
 *   that runs out of answers before completing keeps the posterior of its last answer.
 * - Reliabilities are learned online as the product learns them: every `--refit-every` collected
 *   answers (default max(100, answers / 100)), Dawid–Skene with gold clamped runs on everything
 *   collected so far; each worker's confusion is shrunk toward their gold-record prior
 *   (`shrinkReliabilities`, product defaults unless `--prior-strength` β is given) with the fit's
 *   class priors. Before the first refit
 *   every worker is a newcomer (the base prior, uniform classes).
 * - Gold: `--gold-rate` (default 0) picks a seeded share of the tasks as known gold, as a
 *   project's gold tasks: they receive all their answers (counted in the budget, as gold costs
 *   money), are clamped in every fit, build each worker's gold record, and are left out of the
 *   accuracy. With the default 0 no gold is used at all: reliabilities come from the fits alone.
 * - The re-check after each refit, as the product runs it (online-aggregation
 *   `recheckCompleted`): a completed task below maxOverlap that the new reliabilities no longer
 *   find confident reopens (its later-arriving answers are collected again); every completed
 *   task's label is refreshed from that re-evaluation.
 * - The label of a task is the top label of its policy posterior at completion or at its last
 *   re-check (not a refit).
 *
 * - Model annotator (`--model-accuracy p`, issue 7's seeded quality gate, simulated here only: the
 *   product's online aggregation does not run this gate). A pre-label model answers every task
 *   once before any human (seeded, its own random stream so the arrival order is unchanged): the
 *   true label with probability p, else one of the K − 1 others uniformly. The truth is the gold
 *   label, or Dawid–Skene on all answers for a task without gold. The model is one more worker
 *   index (nWorkers) in `evaluateTask` and in every refit (its answer joins the fit on the tasks
 *   with a collected human answer, as the product's MODEL annotator does), so its reliability is
 *   learned and shrunk like a worker's; it never counts as an answer: the policy's n is the human
 *   answers only. The gate: while the model's learned accuracy (with known gold, the lower end of
 *   the 95% Wilson interval of its gold record; without gold, the fit's Σ_k p[k]·π[k][k], which
 *   can overrate it) is ≥ `--model-gate`, a task may complete on
 *   fewer than minOverlap human answers — once a human agrees with the model and the posterior
 *   (model included) has the model's label on top at ≥ confidenceTarget. Each policy is then
 *   replayed with and without the model and the human answers used are compared.
 *
 * `--concurrency K` replays through the product instead (bench/replay-concurrent.ts: the real
 * LeasingService and SubmissionService on a scratch PostgreSQL database, K leases outstanding at
 * once, seeded log-normal answer times on a virtual clock), the recommended configuration at
 * concurrency 1 and K per dataset, next to fixed overlap 3 and 5 on the same (sampled) tasks, and
 * writes an accuracy-versus-answers SVG per dataset to docs/replay/<dataset>.svg. `--datasets`
 * picks datasets by name, `--limit-tasks n` a seeded sample of n tasks of each, gold-labelled
 * tasks first (whole datasets take long on a shared machine: s5_adult's 11,040 tasks are ~33,000
 * leases and submits per concurrency). With `--model-accuracy p` the project has a pre-label
 * model: a calibrated simulated one (`simulateSoftModel`) whose probability vectors are stored as
 * a promoted version's predictions, so the product's online posterior takes its soft answers; its
 * SVGs are docs/replay/<dataset>-model-<p>.svg. No gold in this mode, so the seeded quality gate
 * (which trusts a model on gold only) never opens.
 *
 * Baselines on the same arrival order: fixed overlap k = 1..5 (each task's first k answers to
 * arrive; majority vote, ties to the lowest label, and Dawid–Skene on them) and both methods on
 * all answers. Accuracy = right / gold tasks with at least one answer (known gold excluded).
 *
 * - Serving order: tasks are served as their answers arrive (the product serves OPEN tasks in
 *   insertion order and never reorders them by confidence), so the simulation does not serve the
 *   least-confident tasks first; doing so would flatter the policy over the product.
 *
 * Goal (issue 4): the accuracy of fixed overlap 5 (the better of MV and DS on it; all answers for
 * a task with fewer than 5) with at most 55% of the answers fixed overlap 5 used. Judged per
 * dataset over the dynamic configurations run; the "% all" column gives the share of all answers.
 * The final table gives both readings (≤ 55% of fixed-5's answers, ≤ 55% of all answers) and the
 * recommended default configuration's own figures.
 *
 * `--frontier` adds a sweep (minOverlap 1 and 2, maxOverlap 10, targets 0.60..0.99) run twice:
 * with the reliabilities learned online, and with reliabilities from a fit on every answer of the
 * dataset held from the first answer (no live project has them). Its table says, per dataset, the
 * fewest answers at which the threshold rule reaches fixed-5's accuracy in each mode. Measured
 * (seed 1, with the re-check): with known reliabilities every dataset reaches fixed-5's accuracy
 * within 55% of its answers (at a target that varies by dataset, 0.6 to 0.86); with learned ones
 * only cf_amt, temp and wsd do (at 0.68, 0.72, 0.76). So the 55% goal is out of reach of what
 * the product learns online in the first few hundred answers, not of the stopping rule (Wald's
 * sequential test with known error rates is the optimal stopping rule; Wald and Wolfowitz,
 * 1948).
 *
 * Issue 15 (seed 1): the re-check moves the learned frontier by 5–20 points of fixed-5's answers
 * (d_sentiment 84.8% → 62.9%, rte 68.5% → 59.2%, temp 60.2% → 53.4%, cf_amt 57.9% → 52.2%; the
 * target that reaches fixed-5 drops from 0.9 to 0.8 on most datasets); a refit every 50 answers
 * instead of every max(100, answers/100), or β 3 or 30, moved single datasets by up to 13 points
 * either way and still reached 55% on 3 datasets each.
 * With the re-check the recommended target is 0.85 (was 0.9): at seeds 1, 2, 3 it reaches fixed
 * 5's accuracy on 7, 7 and 6 of 8 datasets (s5_adult short by 0.009, 0.048, 0.006; seed 3 also
 * s4_dog by 0.001) with 42–84%, 42–78%, 42–91% of fixed-5's answers, where 2..10 @ 0.9 without
 * the re-check reached it on 5 of 8 with 44–86% (seed 1).
 *
 * Recommended default before issue 15 (2..10 @ 0.9, no re-check; the figures below are that
 * configuration's, kept for the record):
 * minOverlap 2, maxOverlap 10, confidenceTarget 0.9, with the product's shrinkage β = 10
 * (`DEFAULT_PRIOR_STRENGTH`, see dynamic-overlap.ts "Calibration"). Measured (seeds 1, 2, 3;
 * accuracy − fixed-5 accuracy / answers as % of fixed-5's):
 *   bluebirds +.009/86%, +.009/78%, +.028/85%     cf_amt  +.020/68%, +.023/63%, +.017/67%
 *   d_sentiment −.008/73%, +.009/73%, +.003/73%   rte     +.020/77%, +.019/72%, +.011/74%
 *   s4_dog +.005/64%, −.006/66%, +.006/64%        s5_adult −.021/65%, −.036/66%, −.009/64%
 *   temp −.002/67%, +.000/65%, +.006/65%          wsd     +.000/44%, +.000/46%, +.000/44%
 * The old default (β = 2) needed target 0.95 for comparable accuracy, at more answers (seed 1:
 * d_sentiment −.005/74%, rte +.016/79%, cf_amt +.000/74%, s4_dog −.002/65%, temp −.002/69%).
 * So the 55% budget is still met only on wsd: near 55% of fixed-5's answers (2.75 per task) every
 * configuration tried sits 1–5 points below fixed 5 on the other datasets (for scale, fixed 3, at
 * 60%, is 4–7 points below on cf_amt, d_sentiment, rte, s4_dog and temp). Tried and dropped
 * (seed 1, β = 2): a vote-margin ≥ 2 rule on top of the posterior target (Wald's sequential
 * probability ratio test, 1945, in counts) raised accuracy but cost 10–30 points more of fixed-5's
 * answers at every target; minOverlap 3 costs ~10 points more for the same accuracy as minOverlap
 * 2 at a higher target; minOverlap 1 saves answers only where accuracy is lost. With β = 10
 * (seed 1), a lower base accuracy a₀ (0.65, 0.7) or shrinking toward the pooled crowd confusion
 * instead of the one-coin prior moved along the same accuracy/answers curve without crossing the
 * 55% line on any dataset but wsd. The product's own labels are refreshed by its refits, so the
 * "final refit" note (Dawid–Skene on everything collected) is the label a requester sees after the
 * last refit; the goal is judged on the stricter policy label.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { readAnswerFiles } from '../src/cli/read-answers';
import { dawidSkene } from '../src/modules/aggregation/algorithms/dawid-skene';
import { majorityVote } from '../src/modules/aggregation/algorithms/majority-vote';
import type { ResponseMatrix } from '../src/modules/aggregation/algorithms/response-matrix';
import { mulberry32, randomInt } from '../src/modules/aggregation/algorithms/rng';
import type { EncodedResponses } from '../src/modules/aggregation/encode-responses';
import {
  type OverlapPolicy,
  type OverlapVerdict,
  type WorkerFitRecord,
  DEFAULT_PRIOR_STRENGTH,
  evaluateTask,
  overlapDecision,
  shrinkReliabilities,
  validateOverlapPolicy,
} from '../src/modules/aggregation/online/algorithms/dynamic-overlap';
import type { WorkerReliabilities } from '../src/modules/aggregation/algorithms/online-posterior';
import { wilsonInterval } from '../src/modules/quality/algorithms/wilson-interval';
import {
  type ConcurrentOutcome,
  replayConcurrently,
  sampleTasks,
  simulateSoftModel,
} from './replay-concurrent';

const REPO_ROOT = resolve(__dirname, '..');
const DEFAULT_FOLDER = resolve(REPO_ROOT, '../shared/datasets');
const MIN_ANSWERS_PER_TASK = 5;
const BUDGET_SHARE = 0.55;
const FIXED_K = [1, 2, 3, 4, 5];
/** The configuration recommended as a project's default (see the header); always replayed. */
const RECOMMENDED: OverlapPolicy = { minOverlap: 2, maxOverlap: 10, confidenceTarget: 0.85 };

interface Dataset {
  readonly name: string;
  readonly encoded: EncodedResponses;
  readonly gold: Int32Array;
}

interface Outcome {
  readonly accuracy: number;
  readonly answers: number;
}

interface DynamicOutcome extends Outcome {
  readonly policy: OverlapPolicy;
  /** Accuracy of Dawid–Skene refitted on all collected answers at the end (the product's next refit). */
  readonly refitAccuracy: number;
  readonly completedConfident: number;
  readonly completedMax: number;
  readonly refits: number;
  /** Completed tasks a refit's re-check sent back to be served again. */
  readonly reopened: number;
  /** Tasks completed below minOverlap by the model gate (0 without the model). */
  readonly completedByGate: number;
  /** The model's learned accuracy at the last refit (NaN without the model). */
  readonly modelLearnedAccuracy: number;
}

function main(): void {
  const { values, positionals: named } = parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '1' },
      targets: { type: 'string', default: '0.9,0.95,0.99' },
      min: { type: 'string', default: '2' },
      max: { type: 'string', default: '5,10' },
      'gold-rate': { type: 'string', default: '0' },
      'refit-every': { type: 'string' },
      'prior-strength': { type: 'string' },
      'model-accuracy': { type: 'string' },
      'model-gate': { type: 'string', default: '0.85' },
      'worker-floor': { type: 'string' },
      concurrency: { type: 'string' },
      datasets: { type: 'string' },
      'limit-tasks': { type: 'string' },
      frontier: { type: 'boolean', default: false },
    },
  });
  const positionals = [...named, ...(values.datasets ? values.datasets.split(',') : [])];
  if (values.concurrency !== undefined) {
    const concurrency = Number(values.concurrency);
    if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
      throw new Error('--concurrency must be a positive integer');
    }
    const limit = values['limit-tasks'] ? Number(values['limit-tasks']) : undefined;
    const datasets = (positionals.length > 0 ? positionals : [DEFAULT_FOLDER]).flatMap(
      findDatasets,
    );
    const model = values['model-accuracy'] ? Number(values['model-accuracy']) : null;
    void replayThroughProduct(datasets, concurrency, Number(values.seed), limit, model).catch(
      error => {
        process.stderr.write(`${(error as Error).stack}\n`);
        process.exitCode = 1;
      },
    );
    return;
  }
  const seed = Number(values.seed);
  const targets = values.targets!.split(',').map(Number);
  const minOverlap = Number(values.min);
  const maxes = values.max!.split(',').map(Number);
  const goldRate = Number(values['gold-rate']);
  const refitEvery = values['refit-every'] ? Number(values['refit-every']) : undefined;
  const priorStrength = values['prior-strength']
    ? Number(values['prior-strength'])
    : DEFAULT_PRIOR_STRENGTH;
  if (!(goldRate >= 0 && goldRate < 1)) throw new Error('--gold-rate must be in [0, 1)');
  const modelAccuracy = values['model-accuracy'] ? Number(values['model-accuracy']) : null;
  if (modelAccuracy !== null && !(modelAccuracy >= 0 && modelAccuracy <= 1)) {
    throw new Error('--model-accuracy must be in [0, 1]');
  }
  const modelGate = Number(values['model-gate']);
  const workerFloor = values['worker-floor'] ? Number(values['worker-floor']) : null;
  if (workerFloor !== null && !(workerFloor >= 0 && workerFloor < 1)) {
    throw new Error('--worker-floor must be in [0, 1)');
  }
  const modelSummary: string[] = [];

  const datasets = (positionals.length > 0 ? positionals : [DEFAULT_FOLDER]).flatMap(findDatasets);
  const summary: string[] = [];
  const frontierRows: string[] = [];
  process.stdout.write(
    `# Replay: seed ${seed}, minOverlap ${minOverlap}, gold rate ${goldRate}, ` +
      `refit every ${refitEvery ?? 'max(100, answers/100)'} answers, ` +
      `shrinkage β ${priorStrength}` +
      (modelAccuracy === null
        ? ''
        : `, simulated model accuracy ${modelAccuracy}, gate at learned accuracy ≥ ${modelGate}`) +
      '\n' +
      `# Recommended default: ${describePolicy(RECOMMENDED)} with β ${DEFAULT_PRIOR_STRENGTH} ` +
      '(minOverlap 2, maxOverlap 10, confidenceTarget 0.85; one configuration for all datasets)\n',
  );
  for (const dataset of datasets) {
    const R = dataset.encoded.matrix.task.length;
    const perTask = R / dataset.encoded.matrix.nTasks;
    if (perTask < MIN_ANSWERS_PER_TASK) {
      process.stdout.write(`\n${dataset.name}: ${perTask.toFixed(1)} answers per task, skipped\n`);
      continue;
    }
    const started = performance.now();
    const replay = new Replay(
      dataset,
      seed,
      goldRate,
      refitEvery ?? Math.max(100, Math.ceil(R / 100)),
      priorStrength,
      modelAccuracy,
      modelGate,
      workerFloor,
    );
    const lines: string[] = [];
    const row = (name: string, o: Outcome, extra = '') =>
      lines.push(
        `| ${name} | ${o.accuracy.toFixed(4)} | ${o.answers} | ${pct(o.answers, R)} | ${pct(
          o.answers,
          replay.fixedAnswers(5),
        )} | ${extra} |`,
      );
    const mvAll = replay.fixed(Infinity, 'mv');
    const dsAll = replay.fixed(Infinity, 'ds');
    row('MV, all answers', mvAll);
    row('DS, all answers', dsAll);
    const fixed: Record<number, { mv: Outcome; ds: Outcome }> = {};
    for (const k of FIXED_K) {
      fixed[k] = { mv: replay.fixed(k, 'mv'), ds: replay.fixed(k, 'ds') };
      row(`fixed ${k}, MV`, fixed[k].mv);
      row(`fixed ${k}, DS`, fixed[k].ds);
    }
    const reference = Math.max(fixed[5].mv.accuracy, fixed[5].ds.accuracy);
    const budget = BUDGET_SHARE * replay.fixedAnswers(5);
    let best: DynamicOutcome | undefined;
    let bestOfAll: DynamicOutcome | undefined;
    let recommended: DynamicOutcome | undefined;
    const policies: OverlapPolicy[] = maxes.flatMap(maxOverlap =>
      targets.map(confidenceTarget => ({
        minOverlap,
        maxOverlap: Math.max(maxOverlap, minOverlap),
        confidenceTarget,
      })),
    );
    if (!policies.some(policy => describePolicy(policy) === describePolicy(RECOMMENDED))) {
      policies.push(RECOMMENDED);
    }
    for (const policy of policies) {
      validateOverlapPolicy(policy);
      const o = replay.dynamic(policy);
      const isRecommended = describePolicy(policy) === describePolicy(RECOMMENDED);
      if (isRecommended) recommended = o;
      row(
        `dynamic ${policy.minOverlap}..${policy.maxOverlap}, target ${policy.confidenceTarget}` +
          (isRecommended ? ' (recommended)' : ''),
        o,
        `${o.completedConfident} confident, ${o.completedMax} at max, ${o.refits} refits, ${o.reopened} reopened; final refit ${o.refitAccuracy.toFixed(4)}`,
      );
      if (modelAccuracy !== null) {
        const withModel = replay.dynamic(policy, true);
        row(
          `dynamic ${policy.minOverlap}..${policy.maxOverlap}, target ${policy.confidenceTarget} + model ${modelAccuracy}`,
          withModel,
          `${withModel.completedConfident} confident (${withModel.completedByGate} by the model gate), ` +
            `${withModel.completedMax} at max, ${withModel.refits} refits, ${withModel.reopened} reopened; model learned accuracy ` +
            `${withModel.modelLearnedAccuracy.toFixed(3)}; final refit ${withModel.refitAccuracy.toFixed(4)}`,
        );
        modelSummary.push(
          `| ${dataset.name} | ${describePolicy(policy)} | ${o.answers} | ${withModel.answers} | ` +
            `${pct(o.answers - withModel.answers, o.answers)} | ${o.accuracy.toFixed(4)} | ` +
            `${withModel.accuracy.toFixed(4)} | ${withModel.completedByGate} |`,
        );
      }
      const meets = o.accuracy >= reference && o.answers <= budget;
      if (meets && (!best || o.answers < best.answers)) best = o;
      const meetsOfAll = o.accuracy >= reference && o.answers <= BUDGET_SHARE * R;
      if (meetsOfAll && (!bestOfAll || o.answers < bestOfAll.answers)) bestOfAll = o;
    }
    if (values.frontier) frontierRows.push(frontierRow(dataset.name, replay, reference, budget));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `\n## ${dataset.name}: ${dataset.encoded.matrix.nTasks} tasks, ${R} answers ` +
        `(${perTask.toFixed(1)} per task), ${dataset.encoded.labelKeys.length} classes, ` +
        `${replay.evaluatedTasks} tasks scored; ${seconds} s\n\n` +
        '| method | accuracy | answers | % all | % fixed-5 | notes |\n' +
        '| --- | ---: | ---: | ---: | ---: | --- |\n' +
        lines.join('\n') +
        '\n',
    );
    summary.push(
      `| ${dataset.name} | ${reference.toFixed(4)} | ${replay.fixedAnswers(5)} | ${Math.floor(budget)} | ` +
        (best
          ? `met: ${best.policy.minOverlap}..${best.policy.maxOverlap} @ ${best.policy.confidenceTarget}: ` +
            `${best.accuracy.toFixed(4)} with ${best.answers} (${pct(best.answers, replay.fixedAnswers(5))})`
          : 'not met') +
        ' | ' +
        (bestOfAll
          ? `met: ${describe(bestOfAll)} with ${pct(bestOfAll.answers, R)} of all`
          : 'not met') +
        ' | ' +
        `${recommended!.accuracy.toFixed(4)} with ${recommended!.answers} ` +
        `(${pct(recommended!.answers, replay.fixedAnswers(5))} of fixed-5, ${pct(recommended!.answers, R)} of all): ` +
        `${recommended!.accuracy >= reference ? 'accuracy met' : 'accuracy not met'}, ` +
        `${recommended!.answers <= budget ? 'budget met' : 'over budget'}` +
        ' |',
    );
  }
  process.stdout.write(
    '\n## Goal: accuracy of fixed overlap 5 with at most 55% of its answers\n\n' +
      `| dataset | fixed-5 accuracy (best of MV, DS) | fixed-5 answers | 55% of them | ≤ 55% of fixed-5 answers | ≤ 55% of all answers | recommended ${describePolicy(RECOMMENDED)} |\n` +
      '| --- | ---: | ---: | ---: | --- | --- | --- |\n' +
      summary.join('\n') +
      '\n',
  );
  if (values.frontier) {
    process.stdout.write(
      "\n## Frontier: the fewest answers at which a threshold rule reaches fixed overlap 5's accuracy\n\n" +
        `minOverlap ${FRONTIER_MIN_OVERLAPS.join(' or ')}, maxOverlap ${FRONTIER_MAX_OVERLAP}, ` +
        `confidenceTarget ${FRONTIER_TARGETS[0]}..${FRONTIER_TARGETS[FRONTIER_TARGETS.length - 1]} ` +
        `(${FRONTIER_TARGETS.length} targets), same arrival order. "Learned": reliabilities refitted as ` +
        'the product does. "Known": reliabilities from a fit on every answer of the dataset, held ' +
        'from the first answer (no live project has them: an upper bound on what the stopping ' +
        'rule can do with these answers).\n\n' +
        '| dataset | fixed-5 accuracy | learned: fewest answers reaching it | learned: best accuracy within 55% | known: fewest answers reaching it | known: best accuracy within 55% |\n' +
        '| --- | ---: | --- | --- | --- | --- |\n' +
        frontierRows.join('\n') +
        '\n',
    );
  }
  if (modelAccuracy !== null) {
    process.stdout.write(
      `\n## Human answers with a simulated model of accuracy ${modelAccuracy} (gate ${modelGate})\n\n` +
        '| dataset | policy | human answers without model | with model | saved | accuracy without | with | completed by the gate |\n' +
        '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        modelSummary.join('\n') +
        '\n',
    );
  }
}

/** One dataset's arrival order and the simulations run on it. */
class Replay {
  private readonly m: ResponseMatrix;
  private readonly K: number;
  /** Global arrival order: a permutation of response indexes. */
  private readonly order: Int32Array;
  /** Per task, its responses in arrival order (CSR). */
  private readonly taskOffsets: Int32Array;
  private readonly taskResponses: Int32Array;
  /** Known gold label per task (-1 = not known gold): clamped and scored as the gold record. */
  private readonly knownGold: Int32Array;
  /** Gold label per task for scoring (-1 = not scored). */
  private readonly scoredGold: Int32Array;
  readonly evaluatedTasks: number;
  /** The simulated model's answer per task (empty without `--model-accuracy`). */
  private readonly modelLabels: Int32Array;
  private allAnswersReliabilities: WorkerReliabilities | undefined;

  constructor(
    dataset: Dataset,
    seed: number,
    goldRate: number,
    private readonly refitEvery: number,
    private readonly priorStrength: number,
    modelAccuracy: number | null = null,
    private readonly modelGate = 1,
    /** `--worker-floor` (a what-if, not in the product), null = off. */
    private readonly workerFloor: number | null = null,
  ) {
    const m = dataset.encoded.matrix;
    this.m = m;
    this.K = m.nLabels;
    const rng = mulberry32(seed);
    const R = m.task.length;
    this.order = new Int32Array(R);
    for (let r = 0; r < R; r++) this.order[r] = r;
    for (let i = R - 1; i > 0; i--) {
      const j = randomInt(rng, i + 1);
      const swap = this.order[i];
      this.order[i] = this.order[j];
      this.order[j] = swap;
    }
    this.taskOffsets = new Int32Array(m.nTasks + 1);
    for (let r = 0; r < R; r++) this.taskOffsets[m.task[r] + 1]++;
    for (let t = 0; t < m.nTasks; t++) this.taskOffsets[t + 1] += this.taskOffsets[t];
    const fill = this.taskOffsets.slice(0, m.nTasks);
    this.taskResponses = new Int32Array(R);
    for (const r of this.order) this.taskResponses[fill[m.task[r]]++] = r;

    this.knownGold = new Int32Array(m.nTasks).fill(-1);
    this.scoredGold = new Int32Array(m.nTasks).fill(-1);
    let evaluated = 0;
    for (let t = 0; t < m.nTasks; t++) {
      const g = dataset.gold[t];
      if (g < 0 || this.taskOffsets[t + 1] === this.taskOffsets[t]) continue;
      if (goldRate > 0 && rng() < goldRate) {
        this.knownGold[t] = g;
      } else {
        this.scoredGold[t] = g;
        evaluated++;
      }
    }
    this.evaluatedTasks = evaluated;
    this.modelLabels =
      modelAccuracy === null ? new Int32Array(0) : this.simulateModel(dataset, seed, modelAccuracy);
  }

  /**
   * One model answer per task: the truth (gold, else Dawid–Skene on all answers) with probability
   * `accuracy`, else a uniformly drawn other label. Its own stream, so arrivals do not move.
   */
  private simulateModel(dataset: Dataset, seed: number, accuracy: number): Int32Array {
    const { m, K } = this;
    const rng = mulberry32((seed ^ 0x6d6f64) >>> 0);
    const all = new Int32Array(m.task.length);
    for (let r = 0; r < all.length; r++) all[r] = r;
    const fallback = dawidSkene(this.subMatrix(all, all.length)).labels;
    const answers = new Int32Array(m.nTasks);
    for (let t = 0; t < m.nTasks; t++) {
      const truth = dataset.gold[t] >= 0 ? dataset.gold[t] : Math.max(fallback[t], 0);
      if (K < 2 || rng() < accuracy) {
        answers[t] = truth;
      } else {
        const other = randomInt(rng, K - 1);
        answers[t] = other >= truth ? other + 1 : other;
      }
    }
    return answers;
  }

  /** Answers fixed overlap k collects (known gold tasks get all theirs). */
  fixedAnswers(k: number): number {
    let total = 0;
    for (let t = 0; t < this.m.nTasks; t++) {
      const n = this.taskOffsets[t + 1] - this.taskOffsets[t];
      total += this.knownGold[t] >= 0 ? n : Math.min(n, k);
    }
    return total;
  }

  /** Each task's first k answers to arrive, aggregated by majority vote or Dawid–Skene. */
  fixed(k: number, method: 'mv' | 'ds'): Outcome {
    const picked: number[] = [];
    for (let t = 0; t < this.m.nTasks; t++) {
      const start = this.taskOffsets[t];
      const n = this.taskOffsets[t + 1] - start;
      const take = this.knownGold[t] >= 0 ? n : Math.min(n, k);
      for (let i = 0; i < take; i++) picked.push(this.taskResponses[start + i]);
    }
    const sub = this.subMatrix(Int32Array.from(picked), picked.length);
    const labels =
      method === 'mv' ? majorityVote(sub).labels : dawidSkene(sub, { gold: this.knownGold }).labels;
    return { accuracy: this.accuracy(labels), answers: picked.length };
  }

  /** The marketplace under `policy`, reliabilities refitted every `refitEvery` answers. */
  dynamic(policy: OverlapPolicy, withModel = false, knownReliabilities = false): DynamicOutcome {
    const { m, K } = this;
    if (withModel && this.modelLabels.length === 0) throw new Error('no simulated model');
    const R = m.task.length;
    const modelWorker = m.nWorkers;
    const collected = new Int32Array(R);
    let nCollected = 0;
    const taskFill = new Int32Array(m.nTasks); // human answers collected per task
    // Per task, its answers in slots [taskOffsets[t] + t, …): the model's first when withModel.
    const taskWorkers = new Int32Array(R + m.nTasks);
    const taskLabels = new Int32Array(R + m.nTasks);
    const extra = withModel ? 1 : 0;
    if (withModel) {
      for (let t = 0; t < m.nTasks; t++) {
        taskWorkers[this.taskOffsets[t] + t] = modelWorker;
        taskLabels[this.taskOffsets[t] + t] = this.modelLabels[t];
      }
    }
    const done = new Uint8Array(m.nTasks);
    const labels = new Int32Array(m.nTasks).fill(-1);
    const scratch = new Float64Array(K);
    let reliabilities = knownReliabilities
      ? this.reliabilitiesFromAllAnswers()
      : shrinkReliabilities([], new Float64Array(K));
    let modelLearnedAccuracy = NaN;
    let refits = 0;
    let completedConfident = 0;
    let completedMax = 0;
    let completedByGate = 0;
    let reopened = 0;
    for (const r of this.order) {
      const t = m.task[r];
      if (done[t]) continue;
      if (this.belowFloor(reliabilities, m.worker[r], taskFill[t], policy)) continue;
      collected[nCollected++] = r;
      const start = this.taskOffsets[t] + t;
      const humans = ++taskFill[t];
      const slot = start + extra + humans - 1;
      taskWorkers[slot] = m.worker[r];
      taskLabels[slot] = m.label[r];
      if (this.knownGold[t] < 0) {
        const verdict = evaluateTask(
          reliabilities,
          policy,
          taskWorkers.subarray(start, slot + 1),
          taskLabels.subarray(start, slot + 1),
          scratch,
        );
        labels[t] = verdict.topLabel;
        // The model is never counted as an answer: the policy sees the human count only.
        let decision = withModel
          ? overlapDecision(policy, humans, verdict.confidence)
          : verdict.decision;
        if (
          decision === 'CONTINUE' &&
          withModel &&
          modelLearnedAccuracy >= this.modelGate &&
          modelGateOpens(
            policy,
            verdict,
            this.modelLabels[t],
            taskLabels.subarray(start + 1, slot + 1),
          )
        ) {
          decision = 'COMPLETE_CONFIDENT';
          completedByGate++;
        }
        if (decision !== 'CONTINUE') {
          done[t] = 1;
          if (decision === 'COMPLETE_CONFIDENT') completedConfident++;
          else completedMax++;
        }
      }
      if (!knownReliabilities && nCollected % this.refitEvery === 0) {
        ({ reliabilities, modelLearnedAccuracy } = this.refit(
          collected,
          nCollected,
          withModel ? taskFill : null,
        ));
        refits++;
        // The product's re-check after a refit (online-aggregation `recheckCompleted`): a task
        // completed early that the new reliabilities no longer find confident is served again.
        for (let u = 0; u < m.nTasks; u++) {
          if (!done[u] || this.knownGold[u] >= 0 || taskFill[u] >= policy.maxOverlap) continue;
          const s0 = this.taskOffsets[u] + u;
          const end = s0 + extra + taskFill[u];
          const again = evaluateTask(
            reliabilities,
            policy,
            taskWorkers.subarray(s0, end),
            taskLabels.subarray(s0, end),
            scratch,
          );
          labels[u] = again.topLabel;
          const stillDone =
            overlapDecision(policy, taskFill[u], again.confidence) !== 'CONTINUE' ||
            (withModel &&
              modelLearnedAccuracy >= this.modelGate &&
              modelGateOpens(policy, again, this.modelLabels[u], taskLabels.subarray(s0 + 1, end)));
          if (!stillDone) {
            done[u] = 0;
            reopened++;
          }
        }
      }
    }
    const finalFit = dawidSkene(
      this.subMatrix(collected, nCollected, withModel ? taskFill : null),
      { gold: this.knownGold },
    );
    return {
      policy,
      accuracy: this.accuracy(labels),
      refitAccuracy: this.accuracy(finalFit.labels),
      answers: nCollected,
      completedConfident,
      completedMax,
      refits,
      reopened,
      completedByGate,
      modelLearnedAccuracy,
    };
  }

  /**
   * `--worker-floor f`, a what-if the product does not have: past minOverlap, an answer is not
   * bought from a worker the last refit knows whose learned accuracy Σ_k p[k]·π[k][k] is under
   * 1/K + f·(1 − 1/K) (f of the way from guessing to perfect). Newcomers get the base prior, so a
   * floor above it keeps them to answers under the minimum. Never before the first refit.
   */
  private belowFloor(
    reliabilities: WorkerReliabilities,
    worker: number,
    answersSoFar: number,
    policy: OverlapPolicy,
  ): boolean {
    if (this.workerFloor === null || answersSoFar < policy.minOverlap) return false;
    if (worker >= reliabilities.nWorkers) return false;
    const { K } = this;
    let accuracy = 0;
    for (let k = 0; k < K; k++) {
      accuracy += reliabilities.classPriors[k] * reliabilities.emission[(worker * K + k) * K + k];
    }
    return accuracy < 1 / K + this.workerFloor * (1 - 1 / K);
  }

  /**
   * The reliabilities the product would hold had its refit seen every answer of the dataset
   * before the first one arrives (Dawid–Skene on all answers, shrunk as usual): not something a
   * live project can have, the frontier's upper bound (`frontier`). Computed once.
   */
  private reliabilitiesFromAllAnswers(): WorkerReliabilities {
    if (!this.allAnswersReliabilities) {
      const all = new Int32Array(this.m.task.length);
      for (let r = 0; r < all.length; r++) all[r] = r;
      this.allAnswersReliabilities = this.refit(all, all.length).reliabilities;
    }
    return this.allAnswersReliabilities;
  }

  /**
   * Dawid–Skene with known gold clamped on the collected answers → shrunk reliabilities. With
   * `modelOn` (human answers per task), the model's answers on tasks with a human answer join the
   * fit as worker nWorkers, and its learned accuracy is returned with the reliabilities.
   */
  private refit(collected: Int32Array, n: number, modelOn: Int32Array | null = null) {
    const { K } = this;
    const sub = this.subMatrix(collected, n, modelOn);
    const fit = dawidSkene(sub, { gold: this.knownGold });
    const nWorkers = sub.nWorkers;
    const answers = new Int32Array(nWorkers);
    const goldAnswers = new Int32Array(nWorkers);
    const goldCorrect = new Int32Array(nWorkers);
    for (let i = 0; i < sub.task.length; i++) {
      const w = sub.worker[i];
      answers[w]++;
      const g = this.knownGold[sub.task[i]];
      if (g >= 0) {
        goldAnswers[w]++;
        if (sub.label[i] === g) goldCorrect[w]++;
      }
    }
    const records: WorkerFitRecord[] = [];
    for (let w = 0; w < nWorkers; w++) {
      records.push({
        confusion: answers[w] > 0 ? fit.confusion.subarray(w * K * K, (w + 1) * K * K) : null,
        answers: answers[w],
        goldAnswers: goldAnswers[w],
        goldCorrect: goldCorrect[w],
      });
    }
    const reliabilities = shrinkReliabilities(records, fit.priors, {
      priorStrength: this.priorStrength,
    });
    let modelLearnedAccuracy = NaN;
    if (modelOn) {
      const w = this.m.nWorkers;
      if (goldAnswers[w] > 0) {
        // On gold, the lower end of the 95% Wilson interval: a lucky first few gold answers
        // must not open the gate.
        modelLearnedAccuracy = wilsonInterval(goldCorrect[w], goldAnswers[w]).lower;
      } else {
        modelLearnedAccuracy = 0;
        for (let k = 0; k < K; k++) {
          modelLearnedAccuracy += fit.priors[k] * fit.confusion[w * K * K + k * K + k];
        }
      }
    }
    return { reliabilities, modelLearnedAccuracy };
  }

  /**
   * The responses `responses[0..n)` as a matrix; with `modelOn` (human answers per task), plus
   * the model's answer (worker nWorkers) on every task with at least one human answer.
   */
  private subMatrix(
    responses: Int32Array,
    n: number,
    modelOn: Int32Array | null = null,
  ): ResponseMatrix {
    const { m } = this;
    let size = n;
    if (modelOn) for (let t = 0; t < m.nTasks; t++) if (modelOn[t] > 0) size++;
    const task = new Int32Array(size);
    const worker = new Int32Array(size);
    const label = new Int32Array(size);
    for (let i = 0; i < n; i++) {
      const r = responses[i];
      task[i] = m.task[r];
      worker[i] = m.worker[r];
      label[i] = m.label[r];
    }
    if (modelOn) {
      let i = n;
      for (let t = 0; t < m.nTasks; t++) {
        if (modelOn[t] === 0) continue;
        task[i] = t;
        worker[i] = m.nWorkers;
        label[i++] = this.modelLabels[t];
      }
    }
    const nWorkers = m.nWorkers + (modelOn ? 1 : 0);
    return { nTasks: m.nTasks, nWorkers, nLabels: m.nLabels, task, worker, label };
  }

  private accuracy(labels: Int32Array): number {
    let right = 0;
    let total = 0;
    for (let t = 0; t < this.m.nTasks; t++) {
      if (this.scoredGold[t] < 0) continue;
      total++;
      if (labels[t] === this.scoredGold[t]) right++;
    }
    return total > 0 ? right / total : NaN;
  }
}

const FRONTIER_MIN_OVERLAPS = [1, 2];
const FRONTIER_MAX_OVERLAP = 10;
/** 0.60, 0.62, …, 0.98, then 0.99. */
const FRONTIER_TARGETS = [...Array.from({ length: 20 }, (_, i) => 0.6 + 0.02 * i), 0.99].map(
  target => Number(target.toFixed(2)),
);

/**
 * `--frontier`: every configuration of the sweep above, with learned and with known
 * reliabilities; per mode, the cheapest one that reaches `reference` and the most accurate one
 * within `budget` answers. The question it answers: is the 55% goal out of reach of the
 * stopping rule itself (known reliabilities miss it too), or of what the product learns online?
 */
function frontierRow(name: string, replay: Replay, reference: number, budget: number): string {
  const fixed5 = replay.fixedAnswers(5);
  const cells: string[] = [];
  for (const known of [false, true]) {
    let cheapest: DynamicOutcome | undefined;
    let bestWithin: DynamicOutcome | undefined;
    for (const minOverlap of FRONTIER_MIN_OVERLAPS) {
      for (const confidenceTarget of FRONTIER_TARGETS) {
        const policy = { minOverlap, maxOverlap: FRONTIER_MAX_OVERLAP, confidenceTarget };
        const o = replay.dynamic(policy, false, known);
        if (o.accuracy >= reference && (!cheapest || o.answers < cheapest.answers)) cheapest = o;
        if (o.answers <= budget && (!bestWithin || o.accuracy > bestWithin.accuracy)) {
          bestWithin = o;
        }
      }
    }
    cells.push(
      cheapest
        ? `${pct(cheapest.answers, fixed5)} (${describe(cheapest)})`
        : 'never (no target reaches it)',
      bestWithin
        ? `${bestWithin.accuracy.toFixed(4)} (${describePolicy(bestWithin.policy)}, ${pct(bestWithin.answers, fixed5)})`
        : 'none within budget',
    );
  }
  return `| ${name} | ${reference.toFixed(4)} | ${cells.join(' | ')} |`;
}

/**
 * The seeded quality gate of issue 7 for one task (the caller has checked that the model's
 * learned accuracy clears the gate): a human agrees with the model, and the posterior, with the
 * model's answer in it, has the model's label on top at the policy's target or above.
 */
function modelGateOpens(
  policy: OverlapPolicy,
  verdict: OverlapVerdict,
  modelLabel: number,
  humanLabels: ArrayLike<number>,
): boolean {
  if (policy.confidenceTarget === null || verdict.topLabel !== modelLabel) return false;
  if (verdict.confidence < policy.confidenceTarget) return false;
  for (let i = 0; i < humanLabels.length; i++) if (humanLabels[i] === modelLabel) return true;
  return false;
}

/** A dataset folder, a dataset name under the default folder, or a folder of dataset folders. */
/**
 * The `--concurrency` mode (see the header): per dataset, fixed 3 and 5 (best of MV and DS) and
 * the sequential simulation of the recommended configuration on the sampled tasks, then the
 * recommended configuration through the product at concurrency 1 and K; a closing table and an
 * SVG per dataset.
 */
async function replayThroughProduct(
  datasets: readonly Dataset[],
  concurrency: number,
  seed: number,
  limit: number | undefined,
  modelAccuracy: number | null,
): Promise<void> {
  const levels = concurrency === 1 ? [1] : [1, concurrency];
  process.stdout.write(
    `# Replay through the product: seed ${seed}, recommended ${describePolicy(RECOMMENDED)}, ` +
      `concurrency ${levels.join(' and ')}` +
      (limit ? `, a seeded sample of ${limit} tasks per dataset` : '') +
      (modelAccuracy === null
        ? ''
        : `, with a simulated pre-label model of accuracy ${modelAccuracy} (soft answers)`) +
      '\n',
  );
  const summary: string[] = [];
  // The replay datasets, as in the sequential mode (at least 5 answers per task on average).
  const replayable = datasets.filter(
    d => d.encoded.matrix.task.length >= MIN_ANSWERS_PER_TASK * d.encoded.matrix.nTasks,
  );
  for (const full of replayable) {
    const sample = sampleTasks(full.encoded, full.gold, limit, seed);
    const dataset: Dataset = { name: full.name, encoded: sample.encoded, gold: sample.gold };
    const R = dataset.encoded.matrix.task.length;
    const replay = new Replay(
      dataset,
      seed,
      0,
      Math.max(100, Math.ceil(R / 100)),
      DEFAULT_PRIOR_STRENGTH,
    );
    const fixed = FIXED_K.map(k => {
      const mv = replay.fixed(k, 'mv');
      const ds = replay.fixed(k, 'ds');
      return mv.accuracy >= ds.accuracy ? mv : ds;
    });
    const five = replay.fixedAnswers(5);
    const sequential = [0.8, 0.85, 0.9, 0.95, 0.99].map(target =>
      replay.dynamic({ ...RECOMMENDED, confidenceTarget: target }),
    );
    const product: ConcurrentOutcome[] = [];
    for (const k of levels) {
      const started = performance.now();
      const o = await replayConcurrently(dataset.encoded, dataset.gold, RECOMMENDED, {
        concurrency: k,
        seed,
        database: `quorum_replay_${process.pid}_${k}`,
        model:
          modelAccuracy === null
            ? undefined
            : simulateSoftModel(dataset.encoded, dataset.gold, modelAccuracy, seed),
      });
      product.push(o);
      process.stdout.write(
        `${dataset.name} @ concurrency ${k}: accuracy ${o.accuracy.toFixed(4)}, ${o.answers} answers ` +
          `(${pct(o.answers, five)} of fixed-5), ${o.skipped} skips recorded, ${o.returns} returned, ` +
          `${o.openTasks} left open (out of answers), ` +
          `${(o.virtualSeconds / 3600).toFixed(1)} virtual hours, ${o.refits} refits\n`,
      );
      // The wall time on stderr: stdout is the run's figures, the same for the same command.
      process.stderr.write(
        `${dataset.name} @ concurrency ${k}: ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
      );
    }
    summary.push(
      `| ${dataset.name} | ${dataset.encoded.matrix.nTasks} | ${fixed[4].accuracy.toFixed(4)} | ${five} | ` +
        `${fixed[2].accuracy.toFixed(4)} | ` +
        product.map(o => `${o.accuracy.toFixed(4)} | ${pct(o.answers, five)}`).join(' | ') +
        ' |',
    );
    writeCurve(
      modelAccuracy === null ? dataset.name : `${dataset.name}-model-${modelAccuracy}`,
      fixed,
      sequential,
      product,
      levels,
      // The title names the run's options, so a curve says which command drew it.
      [
        `--concurrency ${concurrency}`,
        limit ? `--limit-tasks ${limit}` : '',
        modelAccuracy === null ? '' : `--model-accuracy ${modelAccuracy}`,
      ]
        .filter(Boolean)
        .join(' '),
    );
  }
  process.stdout.write(
    `\n## Recommended ${describePolicy(RECOMMENDED)} through the product\n\n` +
      '| dataset | tasks | fixed-5 accuracy (best of MV, DS) | fixed-5 answers | fixed-3 accuracy | ' +
      levels.map(k => `accuracy @ ${k} | % of fixed-5 @ ${k}`).join(' | ') +
      ' |\n| --- | ---: | ---: | ---: | ---: | ' +
      levels.map(() => '---: | ---:').join(' | ') +
      ' |\n' +
      summary.join('\n') +
      '\n',
  );
}

/**
 * docs/replay/<dataset>.svg: accuracy against answers for fixed overlap 1..5 (a line), the
 * sequential simulation of the recommended configuration at targets 0.8..0.99 (a line) and the
 * product's runs at each concurrency (points).
 */
function writeCurve(
  name: string,
  fixed: readonly Outcome[],
  sequential: readonly Outcome[],
  product: readonly ConcurrentOutcome[],
  levels: readonly number[],
  options: string,
): void {
  const all = [...fixed, ...sequential, ...product];
  const xMax = Math.max(...all.map(o => o.answers)) * 1.05;
  const accuracies = all.map(o => o.accuracy).filter(Number.isFinite);
  const yMin = Math.floor(Math.min(...accuracies) * 20) / 20;
  const yMax = Math.min(1, Math.ceil(Math.max(...accuracies) * 20) / 20 + 0.001);
  const W = 480,
    H = 320,
    L = 56,
    B = 40,
    T = 28,
    Rm = 16;
  const x = (v: number) => L + (v / xMax) * (W - L - Rm);
  const y = (v: number) => H - B - ((v - yMin) / (yMax - yMin || 1)) * (H - B - T);
  const line = (points: readonly Outcome[], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points
      .map(o => `${x(o.answers).toFixed(1)},${y(o.accuracy).toFixed(1)}`)
      .join(' ')}"/>` +
    points
      .map(
        o =>
          `<circle cx="${x(o.answers).toFixed(1)}" cy="${y(o.accuracy).toFixed(1)}" r="3" fill="${color}"/>`,
      )
      .join('');
  const legend: Array<[string, string]> = [
    ['fixed overlap 1..5 (best of MV, DS)', '#888'],
    ['dynamic 2..10, targets 0.8..0.99 (sequential simulation)', '#1f77b4'],
    ...levels.map((k, i): [string, string] => [
      `product, 2..10 @ 0.9, concurrency ${k}`,
      i === 0 ? '#2ca02c' : '#d62728',
    ]),
  ];
  const ticks: string[] = [];
  for (let v = yMin; v <= yMax + 1e-9; v += 0.05) {
    ticks.push(
      `<line x1="${L}" x2="${W - Rm}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>` +
        `<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`,
    );
  }
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">` +
    `<text x="${L}" y="13" font-size="13">${name}: accuracy vs answers</text>` +
    `<text x="${L}" y="25" font-size="10" fill="#555">npm run bench:replay -- ${options}</text>` +
    ticks.join('') +
    `<line x1="${L}" x2="${W - Rm}" y1="${H - B}" y2="${H - B}" stroke="#333"/>` +
    `<text x="${(W + L) / 2}" y="${H - 8}" text-anchor="middle">answers (0 to ${Math.round(xMax)})</text>` +
    line(fixed, '#888') +
    line(sequential, '#1f77b4') +
    product
      .map(
        (o, i) =>
          `<circle cx="${x(o.answers).toFixed(1)}" cy="${y(o.accuracy).toFixed(1)}" r="5" fill="${i === 0 ? '#2ca02c' : '#d62728'}"/>`,
      )
      .join('') +
    legend
      .map(
        ([text, color], i) =>
          `<text x="${W - Rm}" y="${H - B - 8 - 12 * (legend.length - 1 - i)}" text-anchor="end" fill="${color}">${text}</text>`,
      )
      .join('') +
    '</svg>\n';
  const folder = resolve(REPO_ROOT, 'docs/replay');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.svg`), svg);
}

function findDatasets(argument: string): Dataset[] {
  let folder = resolve(argument);
  if (!existsSync(folder) && !argument.includes('/')) folder = join(DEFAULT_FOLDER, argument);
  if (existsSync(join(folder, 'labels.csv'))) return [loadDataset(folder)];
  if (!existsSync(folder)) throw new Error(`${argument}: no such dataset or folder`);
  return readdirSync(folder, { withFileTypes: true })
    .filter(entry => entry.isDirectory() && existsSync(join(folder, entry.name, 'labels.csv')))
    .map(entry => entry.name)
    .sort()
    .map(name => loadDataset(join(folder, name)));
}

function loadDataset(folder: string): Dataset {
  const goldFile = join(folder, 'gold.csv');
  const encoded = readAnswerFiles({
    input: join(folder, 'labels.csv'),
    gold: existsSync(goldFile) ? goldFile : undefined,
  });
  const gold = encoded.gold ?? new Int32Array(encoded.matrix.nTasks).fill(-1);
  return { name: folder.split('/').filter(Boolean).pop()!, encoded, gold };
}

function describe(o: DynamicOutcome): string {
  return `${o.policy.minOverlap}..${o.policy.maxOverlap} @ ${o.policy.confidenceTarget}: ${o.accuracy.toFixed(4)}`;
}

function describePolicy(policy: OverlapPolicy): string {
  return `${policy.minOverlap}..${policy.maxOverlap} @ ${policy.confidenceTarget}`;
}

function pct(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1)}%`;
}

main();
