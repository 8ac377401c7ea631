/**
 * Raw pre-label throughput (a script, not a test: speed goals live here, never in timed tests).
 *
 *   node -r ./bin/register-swc.js bench/prelabel-raw.ts [--rows 10000] [--dimension 256]
 *        [--labels 5] [--texts 100000] [--repeat 20] [--threads 1,2] [--seed 1]
 *
 * No database and no files: the numbers the end-to-end pre-label benchmark (issue 7) compares
 * itself against.
 *
 *   1. Featurizing: `--texts` synthetic short texts (5–15 words from a seeded 2,000-word
 *      vocabulary, about 60 characters) with the default hashed-text spec (words 1–2, characters
 *      3–5, log-tf, L2) into one preallocated Float32Array, D = --dimension; then the same rows
 *      as numeric vectors (`numeric-vector` on a JSON array of D numbers). Rows per second over
 *      the whole batch, best of 3 runs after one warm-up.
 *   2. Inference: a softmax regression (D × C, random weights) exported with
 *      `exportLogisticRegressionToOnnx` and loaded with `OnnxModel.load`, one batch of --rows rows
 *      of D float32 features per call: median of --repeat calls after 3 warm-up calls, for each
 *      intra-op thread count in --threads; and `predictProbabilities` (the TypeScript model, a
 *      plain float64 loop) on the same batch for comparison.
 *   3. Worker thread: the texts of (1) through `PrelabelInferenceWorker` in batches of --rows
 *      (payloads cloned to the thread, featurized and predicted there, probabilities transferred
 *      back), with the D × C model of (2): end-to-end rows per second seen by the main thread,
 *      and the worker's own featurize / inference split.
 */
import { parseArgs } from 'node:util';

import { formatRate, syllables } from './bench-support';
import { mulberry32 } from '../src/modules/aggregation/algorithms/rng';
import { createFeaturizer } from '../src/modules/prelabel/algorithms/featurize';
import {
  LogisticRegressionModel,
  predictProbabilities,
} from '../src/modules/prelabel/algorithms/logistic-regression';
import { exportLogisticRegressionToOnnx } from '../src/modules/prelabel/onnx-export';
import { PrelabelInferenceWorker } from '../src/modules/prelabel/inference-worker';
import { OnnxModel } from '../src/modules/prelabel/strategies/onnx-model';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    dimension: { type: 'string', default: '256' },
    labels: { type: 'string', default: '5' },
    texts: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1,2' },
    seed: { type: 'string', default: '1' },
  },
});
const ROWS = Number(values.rows);
const D = Number(values.dimension);
const C = Number(values.labels);
const TEXTS = Number(values.texts);
const REPEAT = Number(values.repeat);
const THREADS = values.threads.split(',').map(Number);
const SEED = Number(values.seed);

async function main(): Promise<void> {
  console.log(
    `prelabel-raw: Node ${process.version}, rows ${ROWS}, D ${D}, C ${C}, texts ${TEXTS}, seed ${SEED}`,
  );
  const payloads = syntheticTexts(TEXTS);
  benchmarkFeaturizers(payloads);
  const modelBytes = await benchmarkInference();
  await benchmarkWorker(payloads, modelBytes);
}

/** Short texts: 5–15 words from a seeded vocabulary of 2,000 made-up words. */
function syntheticTexts(count: number): Array<{ text: string }> {
  const rng = mulberry32(SEED);
  const vocabulary = Array.from({ length: 2000 }, () => syllables(rng, 1 + Math.floor(rng() * 3)));
  return Array.from({ length: count }, () => {
    const words = 5 + Math.floor(rng() * 11);
    const text = Array.from({ length: words }, () => vocabulary[Math.floor(rng() * 2000)]);
    return { text: text.join(' ') };
  });
}

function benchmarkFeaturizers(payloads: Array<{ text: string }>): void {
  const rng = mulberry32(SEED + 2);
  const meanLength = payloads.reduce((sum, p) => sum + p.text.length, 0) / TEXTS;
  const text = createFeaturizer({ kind: 'hashed-text', field: 'text', dimension: D });
  const out = new Float32Array(TEXTS * D);
  const textSeconds = bestOf(3, () => text.featurizeBatch(payloads, out));
  console.log(
    `featurize hashed-text  ${TEXTS} texts (mean ${meanLength.toFixed(0)} chars) → ${TEXTS} × ${D}: ` +
      `${formatRate(TEXTS / textSeconds)} rows/s (${(textSeconds * 1000).toFixed(0)} ms)`,
  );

  const vectors = Array.from({ length: TEXTS }, () => ({
    features: Array.from({ length: D }, () => rng()),
  }));
  const numeric = createFeaturizer({ kind: 'numeric-vector', field: 'features', dimension: D });
  const numericSeconds = bestOf(3, () => numeric.featurizeBatch(vectors, out));
  console.log(
    `featurize numeric-vector ${TEXTS} × ${D}: ${formatRate(TEXTS / numericSeconds)} rows/s ` +
      `(${(numericSeconds * 1000).toFixed(0)} ms)`,
  );
}

async function benchmarkInference(): Promise<Uint8Array> {
  const rng = mulberry32(SEED + 1);
  const model: LogisticRegressionModel = {
    nFeatures: D,
    nClasses: C,
    weights: Float32Array.from({ length: D * C }, () => rng() - 0.5),
    bias: Float32Array.from({ length: C }, () => rng() - 0.5),
  };
  const bytes = exportLogisticRegressionToOnnx(model, {
    featurizer: { kind: 'numeric-vector', field: 'features', dimension: D },
    labelKeys: Array.from({ length: C }, (_, k) => `label${k}`),
    version: 'bench',
  });
  const batch = Float32Array.from({ length: ROWS * D }, () => rng());

  for (const threads of THREADS) {
    const onnxModel = await OnnxModel.load(bytes, { nFeatures: D, nLabels: C }, { threads });
    try {
      for (let i = 0; i < 3; i++) await onnxModel.predict(batch, ROWS);
      const times: number[] = [];
      for (let i = 0; i < REPEAT; i++) {
        const start = process.hrtime.bigint();
        await onnxModel.predict(batch, ROWS);
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
      }
      const median = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      console.log(
        `onnxruntime-node ${ROWS} × ${D} → ${C}, ${threads} thread(s), ${bytes.length} B model: ` +
          `${(median * 1000).toFixed(2)} ms/batch median of ${REPEAT}, ${formatRate(ROWS / median)} rows/s`,
      );
    } finally {
      await onnxModel.dispose();
    }
  }

  const tsSeconds = bestOf(3, () => predictProbabilities(model, batch, ROWS));
  console.log(
    `TypeScript predictProbabilities same batch: ${(tsSeconds * 1000).toFixed(2)} ms/batch, ` +
      `${formatRate(ROWS / tsSeconds)} rows/s`,
  );
  return bytes;
}

async function benchmarkWorker(payloads: Array<{ text: string }>, modelBytes: Uint8Array) {
  // The benchmark model was exported with a numeric-vector spec; the worker featurizes text with
  // the hashed-text spec of the same dimension, which is all the model's input needs.
  const worker = await PrelabelInferenceWorker.start({
    modelBytes,
    featurizer: { kind: 'hashed-text', field: 'text', dimension: D },
    nLabels: C,
    modelOptions: { threads: 1 },
  });
  try {
    await worker.run(payloads.slice(0, ROWS));
    let featurizeMs = 0;
    let inferenceMs = 0;
    const start = process.hrtime.bigint();
    for (let offset = 0; offset < payloads.length; offset += ROWS) {
      const result = await worker.run(payloads.slice(offset, offset + ROWS));
      featurizeMs += result.featurizeMs;
      inferenceMs += result.inferenceMs;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(
      `worker thread ${payloads.length} texts in batches of ${ROWS}: ${formatRate(payloads.length / seconds)} rows/s ` +
        `(${(seconds * 1000).toFixed(0)} ms: featurize ${featurizeMs.toFixed(0)} ms, ` +
        `inference ${inferenceMs.toFixed(0)} ms, the rest cloning and messaging)`,
    );
  } finally {
    await worker.close();
  }
}

/** Best wall time in seconds of `runs` calls, after one warm-up call. */
function bestOf(runs: number, work: () => unknown): number {
  work();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
