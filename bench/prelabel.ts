/**
 * End-to-end pre-label benchmark (issue 7; a script, not a test: speed goals live here).
 *
 *   npm run bench:prelabel [-- --tasks 100000 --batch 1000 --dimension 256 --pool 4
 *                              --skip-embedded --keep-db]
 *
 * For PostgreSQL (a fresh database on BENCH_PG_ADMIN_URL, default
 * postgres://postgres@127.0.0.1:5432/test, dropped at the end unless --keep-db) and then for
 * the embedded database (PGlite in memory):
 *   1. runs the migrations, seeds a requester and a single-choice project (pos / neg / neutral)
 *      with `--tasks` short synthetic texts (multi-row INSERTs of 10,000 rows);
 *   2. trains a softmax regression on 3,000 other seeded texts featurized with the hashed-text
 *      spec (words 1–2, characters 3–5, D = --dimension), exports it with
 *      `exportLogisticRegressionToOnnx` and registers it through `PrelabelService.registerModel`
 *      (the real validation: load + trial run in a worker thread);
 *   3. `startPrelabeling` and drains the job queue: the real job (`prelabel.run`) reads tasks in
 *      keyset batches of --batch, featurizes and predicts them in its worker thread and writes
 *      `prelabel_predictions`. The service's `onBatchTimings` hook gives each batch's read,
 *      featurize, inference, worker round trip and write times; "other" is the rest of the wall
 *      time (job claim, worker start, run bookkeeping);
 *   4. prints tasks/s end to end (startPrelabeling → drained), the split in %, and raw
 *      onnxruntime-node throughput (`OnnxModel.predict`, same model, same batch size, same
 *      session options as the worker, median of 20 calls) next to it.
 * Goals (PostgreSQL): ≥ 10,000 tasks/s end to end; featurizing + inference < 20% of the time.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';

import {
  formatRate,
  insertBenchProject,
  syllables,
  withAdmin,
  withScratchDatabase,
} from './bench-support';
import { systemClock } from '../src/common/clock';
import { createLogger } from '../src/common/logger';
import { RequestContext } from '../src/common/request-context';
import type { DatabaseConfig } from '../src/config/app-config';
import { closeDataSource, createDataSource } from '../src/db/data-source';
import { TransactionalConnection } from '../src/db/transactional-connection';
import { EventBus } from '../src/events/event-bus';
import { mulberry32, type Rng } from '../src/modules/aggregation/algorithms/rng';
import { Role } from '../src/modules/auth/role';
import { IdempotencyService } from '../src/modules/idempotency/idempotency.service';
import { DatabaseJobQueue } from '../src/modules/jobs/database-job-queue';
import { createFeaturizer } from '../src/modules/prelabel/algorithms/featurize';
import { trainLogisticRegression } from '../src/modules/prelabel/algorithms/logistic-regression';
import { exportLogisticRegressionToOnnx } from '../src/modules/prelabel/onnx-export';
import { PrelabelRunStatus } from '../src/modules/prelabel/prelabel-run.entity';
import {
  type PrelabelBatchTimings,
  PrelabelService,
} from '../src/modules/prelabel/prelabel.service';
import { OnnxModel } from '../src/modules/prelabel/strategies/onnx-model';
import { ProjectService } from '../src/modules/projects/project.service';

const { values: flags } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    dimension: { type: 'string', default: '256' },
    pool: { type: 'string', default: '4' },
    seed: { type: 'string', default: '7' },
    'skip-embedded': { type: 'boolean', default: false },
    'keep-db': { type: 'boolean', default: false },
  },
});
const TASKS = positive('tasks');
const BATCH = positive('batch');
const D = positive('dimension');
const POOL = positive('pool');
const SEED = positive('seed');
const LABELS = ['pos', 'neg', 'neutral'] as const;
const C = LABELS.length;
const TRAINING_TEXTS = 3000;
const FEATURIZER = { kind: 'hashed-text', field: 'text', dimension: D } as const;
/** Issue 7's goals on PostgreSQL. */
const GOAL_TASKS_PER_SECOND = 10_000;
const GOAL_MODEL_SHARE = 0.2;

function positive(name: 'tasks' | 'batch' | 'dimension' | 'pool' | 'seed'): number {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`--${name} must be a positive integer`);
  }
  return value;
}

/**
 * Short texts (5–15 words, about 60 characters) with a label: the vocabulary of 2,000 made-up
 * words is split in C groups, and 60% of a text's words come from its label's group, so the
 * model has something to learn and its predictions are not uniform.
 */
class TextGenerator {
  private readonly vocabulary: string[];

  constructor(private readonly rng: Rng) {
    this.vocabulary = Array.from({ length: 2000 }, () => syllables(rng, 1 + Math.floor(rng() * 3)));
  }

  next(): { text: string; label: number } {
    const label = Math.floor(this.rng() * C);
    const groupSize = Math.floor(this.vocabulary.length / C);
    const count = 5 + Math.floor(this.rng() * 11);
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      const group = this.rng() < 0.6 ? label : Math.floor(this.rng() * C);
      words.push(this.vocabulary[group * groupSize + Math.floor(this.rng() * groupSize)]);
    }
    return { text: words.join(' '), label };
  }
}

/** The ONNX bytes of a softmax regression trained on `TRAINING_TEXTS` seeded texts. */
function trainModel(generator: TextGenerator): { bytes: Uint8Array; trainingAccuracy: number } {
  const featurizer = createFeaturizer(FEATURIZER);
  const samples = Array.from({ length: TRAINING_TEXTS }, () => generator.next());
  const features = new Float32Array(TRAINING_TEXTS * D);
  featurizer.featurizeBatch(
    samples.map(sample => ({ text: sample.text })),
    features,
  );
  const labels = Int32Array.from(samples.map(sample => sample.label));
  const { model } = trainLogisticRegression(
    { features, nSamples: TRAINING_TEXTS, nFeatures: D, nClasses: C, labels },
    { maxIterations: 100 },
  );
  let correct = 0;
  for (let n = 0; n < TRAINING_TEXTS; n++) {
    let best = 0;
    const logit = (k: number) => {
      let sum = model.bias[k];
      for (let j = 0; j < D; j++) sum += features[n * D + j] * model.weights[j * C + k];
      return sum;
    };
    for (let k = 1; k < C; k++) if (logit(k) > logit(best)) best = k;
    if (best === labels[n]) correct++;
  }
  const bytes = exportLogisticRegressionToOnnx(model, {
    featurizer: FEATURIZER,
    labelKeys: [...LABELS],
    version: 'bench',
  });
  return { bytes, trainingAccuracy: correct / TRAINING_TEXTS };
}

/** Requester + project + `TASKS` tasks, in multi-row INSERTs of 10,000 rows. */
async function seed(dataSource: DataSource, generator: TextGenerator) {
  const { requesterId, projectId } = await insertBenchProject(dataSource, {
    emailTag: 'prelabel',
    name: 'Bench: sentiment',
    instructions: 'Pick the sentiment.',
    labels: LABELS.map(key => ({ key, displayName: key })),
    overlap: 3,
  });
  const chunk = 10_000;
  for (let start = 0; start < TASKS; start += chunk) {
    const size = Math.min(chunk, TASKS - start);
    const externalIds: string[] = new Array(size);
    const payloads: string[] = new Array(size);
    for (let i = 0; i < size; i++) {
      externalIds[i] = `text-${start + i}`;
      payloads[i] = JSON.stringify({ text: generator.next().text });
    }
    await dataSource.query(
      `INSERT INTO tasks (project_id, external_id, payload)
       SELECT $1, t.external_id, t.payload::jsonb FROM unnest($2::text[], $3::text[]) AS t(external_id, payload)`,
      [projectId, externalIds, payloads],
    );
  }
  await dataSource.query('ANALYZE tasks');
  return { requesterId, projectId };
}

/** Median ms of `OnnxModel.predict` on one batch of `BATCH` featurized texts (20 calls after 3). */
async function rawOnnx(bytes: Uint8Array, generator: TextGenerator): Promise<number> {
  const featurizer = createFeaturizer(FEATURIZER);
  const features = new Float32Array(BATCH * D);
  featurizer.featurizeBatch(
    Array.from({ length: BATCH }, () => ({ text: generator.next().text })),
    features,
  );
  const model = await OnnxModel.load(bytes, { nFeatures: D, nLabels: C });
  try {
    for (let i = 0; i < 3; i++) await model.predict(features, BATCH);
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      await model.predict(features, BATCH);
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    await model.dispose();
  }
}

interface RunReport {
  readonly seconds: number;
  readonly processed: number;
  readonly predicted: number;
  readonly totals: Record<'read' | 'featurize' | 'inference' | 'messaging' | 'write', number>;
  readonly batches: number;
}

/** Seeds, registers the model, pre-labels through the job queue; returns the timings. */
async function benchmark(
  label: string,
  database: DatabaseConfig,
  modelBytes: Uint8Array,
): Promise<RunReport> {
  const dataSource = await createDataSource(database);
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const seedStart = performance.now();
    const { requesterId, projectId } = await seed(dataSource, new TextGenerator(mulberry32(SEED)));
    process.stdout.write(
      `[${label}] seeded ${TASKS} tasks in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`,
    );

    const logger = createLogger('warn');
    const db = new TransactionalConnection(dataSource);
    const projects = new ProjectService(db, new EventBus(logger), new IdempotencyService(db));
    const jobs = new DatabaseJobQueue(db, logger);
    const batches: PrelabelBatchTimings[] = [];
    const prelabels = new PrelabelService(db, projects, jobs, {
      batchSize: BATCH,
      onBatchTimings: timings => batches.push(timings),
    });
    prelabels.registerJobs();
    const ctx = RequestContext.create({
      user: { id: requesterId, roles: [Role.REQUESTER], via: 'jwt' },
      clock: systemClock,
    });
    const model = await prelabels.registerModel(ctx, {
      projectId,
      version: 'bench-1',
      modelBytes,
      featurizer: FEATURIZER,
      labelKeys: [...LABELS],
    });

    const start = performance.now();
    const run = await prelabels.startPrelabeling(ctx, { projectId, modelVersionId: model.id });
    await jobs.drain(RequestContext.create({ clock: systemClock }));
    const seconds = (performance.now() - start) / 1000;
    const finished = await prelabels.prelabelRun(ctx, run.id);
    if (finished.status !== PrelabelRunStatus.DONE) {
      throw new Error(`[${label}] run ended ${finished.status}: ${finished.error ?? ''}`);
    }
    const [{ count }] = await dataSource.query(
      'SELECT count(*)::int AS count FROM prelabel_predictions WHERE model_version_id = $1',
      [model.id],
    );
    if (count !== TASKS) throw new Error(`[${label}] ${count} predictions stored, not ${TASKS}`);
    const sum = (pick: (t: PrelabelBatchTimings) => number) =>
      batches.reduce((total, t) => total + pick(t), 0);
    return {
      seconds,
      processed: finished.processed,
      predicted: finished.predicted,
      batches: batches.length,
      totals: {
        read: sum(t => t.readMs),
        featurize: sum(t => t.featurizeMs),
        inference: sum(t => t.inferenceMs),
        messaging: sum(t => t.workerMs - t.featurizeMs - t.inferenceMs),
        write: sum(t => t.writeMs),
      },
    };
  } finally {
    await closeDataSource(dataSource);
  }
}

function print(label: string, report: RunReport, rawMsPerBatch: number, goals: boolean): void {
  const wallMs = report.seconds * 1000;
  const rate = report.processed / report.seconds;
  const other = wallMs - Object.values(report.totals).reduce((a, b) => a + b, 0);
  const share = (ms: number) => `${((100 * ms) / wallMs).toFixed(1)}%`;
  const lines = [
    `[${label}] ${report.processed} tasks (${report.predicted} predicted) in ${report.batches} batches ` +
      `of ${BATCH}: ${report.seconds.toFixed(2)} s, ${formatRate(rate)} tasks/s end to end`,
    `  read       ${share(report.totals.read).padStart(6)}  ${report.totals.read.toFixed(0)} ms`,
    `  featurize  ${share(report.totals.featurize).padStart(6)}  ${report.totals.featurize.toFixed(0)} ms`,
    `  inference  ${share(report.totals.inference).padStart(6)}  ${report.totals.inference.toFixed(0)} ms`,
    `  messaging  ${share(report.totals.messaging).padStart(6)}  ${report.totals.messaging.toFixed(0)} ms (worker round trip minus featurize and inference)`,
    `  write      ${share(report.totals.write).padStart(6)}  ${report.totals.write.toFixed(0)} ms`,
    `  other      ${share(other).padStart(6)}  ${other.toFixed(0)} ms (job claim, worker start, run bookkeeping)`,
    `  raw onnxruntime-node, same model, batch ${BATCH}: ${rawMsPerBatch.toFixed(2)} ms/batch, ` +
      `${formatRate((BATCH * 1000) / rawMsPerBatch)} rows/s`,
  ];
  if (goals) {
    const modelShare = (report.totals.featurize + report.totals.inference) / wallMs;
    lines.push(
      `  goal ≥ ${formatRate(GOAL_TASKS_PER_SECOND)} tasks/s end to end: ${formatRate(rate)} — ` +
        (rate >= GOAL_TASKS_PER_SECOND ? 'met' : 'NOT met'),
      `  goal featurize + inference < ${GOAL_MODEL_SHARE * 100}% of the time: ` +
        `${(modelShare * 100).toFixed(1)}% — ${modelShare < GOAL_MODEL_SHARE ? 'met' : 'NOT met'}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const generator = new TextGenerator(mulberry32(SEED + 1));
  const { bytes, trainingAccuracy } = trainModel(generator);
  const rawMs = await rawOnnx(bytes, generator);
  process.stdout.write(
    `bench:prelabel — ${TASKS} texts, batch ${BATCH}, hashed-text D ${D}, C ${C}, ` +
      `${bytes.length} B model (training accuracy ${(trainingAccuracy * 100).toFixed(1)}%), ` +
      `Node ${process.version}\n`,
  );

  const database = `quorum_bench_prelabel_${process.pid}`;
  await withScratchDatabase(
    database,
    async url => {
      const [{ server_version: version }] = await withAdmin(
        async admin => (await admin.query('SHOW server_version')).rows,
      );
      const label = `PostgreSQL ${version}, pool ${POOL}`;
      const report = await benchmark(
        label,
        { url, dataDir: '', poolSize: POOL, migrationsRun: true, logging: false },
        bytes,
      );
      print(label, report, rawMs, true);
    },
    { keep: flags['keep-db'] },
  );

  if (!flags['skip-embedded']) {
    const label = 'PGlite in memory';
    const report = await benchmark(
      label,
      { url: null, dataDir: 'memory://', poolSize: 1, migrationsRun: true, logging: false },
      bytes,
    );
    print(label, report, rawMs, false);
  }
}

main().catch(error => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
