/**
 * Dawid–Skene on all cores: the same EM as `dawidSkene` (algorithms/dawid-skene.ts, which has
 * the model, the stopping rule and the paper), with each iteration split over worker threads.
 *
 *   tasks are cut into one contiguous range per thread, balanced by number of answers;
 *   per iteration, every thread in parallel:   E-step on its tasks → posterior rows + its share of
 *                                              the log-likelihood; then its M-step partial counts
 *   then the main thread:                      Σ partial counts (in thread order) → M-step
 *                                              normalisation → log π, log p for the next E-step
 *
 * The answers index (CSR by task), the posterior, log π / log p and the per-thread partial counts
 * live in SharedArrayBuffers, so nothing proportional to the data crosses threads per iteration:
 * one short message each way per thread. Memory is the index (4 bytes per answer + 4 per task),
 * the posterior (8·K per task), the parameters, and nThreads copies of the counts (8·K² per
 * worker).
 *
 * The steps are those of `runDawidSkeneEm` (settings, fused E-step and counts, M-step, the
 * `DawidSkeneProgress` stopping rule), in the same order, so the result equals the sequential one
 * up to floating-point summation order (partial sums are added per thread), i.e. to about 1e-12
 * in practice; the tests hold it to 1e-9.
 *
 * Worker entry: `dawid-skene.worker.js` next to this file when running compiled code (dist/), or
 * `dawid-skene.worker.ts` loaded through ts-node's swc transpiler when running from source
 * (jest, ts-node scripts), decided by this file's own extension.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import {
  DawidSkeneIndex,
  DawidSkeneOptions,
  DawidSkeneProgress,
  DawidSkeneResult,
  addPartialSums,
  buildDawidSkeneIndex,
  createDawidSkeneParameters,
  dawidSkene,
  dawidSkeneMaximize,
  dawidSkenePseudoCounts,
  dawidSkeneRunSettings,
} from '../algorithms/dawid-skene';
import { argmaxRows } from '../algorithms/math';
import { ResponseMatrix, validateResponseMatrix } from '../algorithms/response-matrix';
import type {
  DawidSkeneWorkerCommand,
  DawidSkeneWorkerData,
  DawidSkeneWorkerReply,
} from './dawid-skene.worker';

/** Options of `parallelDawidSkene`: those of `dawidSkene` plus the thread count. */
export interface ParallelDawidSkeneOptions extends DawidSkeneOptions {
  /** Worker threads. Default `os.availableParallelism()`; 1 runs `dawidSkene` on this thread. */
  readonly threads?: number;
}

/**
 * Dawid–Skene with each EM iteration split across worker threads; same result as `dawidSkene`.
 *
 * @example const { labels, confusion } = await parallelDawidSkene(matrix, { gold });
 */
export async function parallelDawidSkene(
  m: ResponseMatrix,
  options: ParallelDawidSkeneOptions = {},
): Promise<DawidSkeneResult> {
  validateResponseMatrix(m, options.gold);
  const threads = threadCount(options.threads, m.nTasks);
  if (threads <= 1 || m.task.length === 0 || m.nLabels === 0) return dawidSkene(m, options);
  return runOnIndex(shareIndex(buildDawidSkeneIndex(m)), options, threads);
}

/**
 * The same on an already built index, e.g. one a data generator wrote straight into
 * `allocateSharedIndex` arrays (no ResponseMatrix, no copy). Cells must be sorted within each
 * task, as `buildDawidSkeneIndex` leaves them, for results independent of answer order.
 */
export async function parallelDawidSkeneOnIndex(
  index: DawidSkeneIndex,
  options: ParallelDawidSkeneOptions = {},
): Promise<DawidSkeneResult> {
  validateIndex(index, options.gold);
  const threads = Math.max(1, threadCount(options.threads, index.nTasks));
  return runOnIndex(shareIndex(index), options, threads);
}

/** An empty index whose arrays live in SharedArrayBuffers, for generators to fill in place. */
export function allocateSharedIndex(
  nTasks: number,
  nWorkers: number,
  nLabels: number,
  nAnswers: number,
): DawidSkeneIndex {
  return {
    nTasks,
    nWorkers,
    nLabels,
    taskOffsets: sharedInt32(nTasks + 1),
    cells: sharedInt32(nAnswers),
  };
}

function threadCount(requested: number | undefined, nTasks: number): number {
  const threads = requested ?? availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  }
  return Math.min(threads, Math.max(nTasks, 1));
}

async function runOnIndex(
  index: DawidSkeneIndex,
  options: DawidSkeneOptions,
  threads: number,
): Promise<DawidSkeneResult> {
  const settings = dawidSkeneRunSettings(options);
  const { nTasks, nWorkers, nLabels: K } = index;
  const pseudoCounts = dawidSkenePseudoCounts(nWorkers, K, options);
  const cellsPerWorker = nWorkers * K * K;
  const posterior = sharedFloat64(nTasks * K);
  const parameters = createDawidSkeneParameters(nWorkers, K, sharedFloat64);
  const gold = options.gold ? copyToShared(options.gold, sharedInt32(nTasks)) : undefined;
  // One buffer per thread, not slices of one: the class counts are updated once per task, and
  // two threads writing the same cache line would stall each other on every update (false
  // sharing; it made two threads slower than one).
  const ranges = balancedTaskRanges(index.taskOffsets, threads);
  const partials = ranges.map(() => ({
    counts: sharedFloat64(cellsPerWorker),
    classCounts: sharedFloat64(K),
  }));
  const pool = WorkerPool.start(
    ranges.map(([taskStart, taskEnd], i): DawidSkeneWorkerData => ({
      index,
      gold,
      posterior,
      parameters,
      ...partials[i],
      taskStart,
      taskEnd,
    })),
  );

  try {
    const counts = new Float64Array(cellsPerWorker);
    const classCounts = new Float64Array(K);
    const confusion = new Float64Array(cellsPerWorker);
    const priors = new Float64Array(K);
    /** Adds the threads' partial counts in thread order, then the M-step; returns its loss change. */
    const maximize = () => {
      counts.fill(0);
      classCounts.fill(0);
      for (const partial of partials) {
        addPartialSums(counts, partial.counts);
        addPartialSums(classCounts, partial.classCounts);
      }
      return dawidSkeneMaximize(counts, classCounts, pseudoCounts, parameters, {
        confusion,
        priors,
      });
    };

    // The loop of `runDawidSkeneEm`, with each E-step split over the pool.
    await pool.run('init');
    maximize();
    const progress = new DawidSkeneProgress(settings, index.cells.length);
    while (progress.iterations < settings.maxIterations) {
      const shares = await pool.run('iterate');
      let logLikelihood = 0;
      for (const share of shares) logLikelihood += share;
      if (progress.record(logLikelihood, maximize())) break;
    }
    return {
      probabilities: posterior,
      labels: argmaxRows(posterior, K),
      priors,
      confusion,
      ...progress.trace(),
    };
  } finally {
    await pool.close();
  }
}

/**
 * Splits tasks into `parts` contiguous ranges with about R / parts answers each (binary search
 * on the CSR offsets). Returns [taskStart, taskEnd) pairs covering all tasks; a range may be
 * empty when a few tasks hold most answers.
 */
export function balancedTaskRanges(
  taskOffsets: Int32Array,
  parts: number,
): Array<[number, number]> {
  const nTasks = taskOffsets.length - 1;
  const total = taskOffsets[nTasks];
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let i = 1; i <= parts; i++) {
    let end = nTasks;
    if (i < parts) {
      const target = (total * i) / parts;
      let low = start;
      let high = nTasks;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (taskOffsets[mid] < target) low = mid + 1;
        else high = mid;
      }
      // The boundary nearest the target: the first offset at or past it, or the one before.
      end =
        low > start && target - taskOffsets[low - 1] < taskOffsets[low] - target ? low - 1 : low;
    }
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** The worker threads of one run, each serving one task range. */
class WorkerPool {
  private constructor(private readonly workers: Worker[]) {}

  static start(data: DawidSkeneWorkerData[]): WorkerPool {
    return new WorkerPool(data.map(workerData => spawnWorker(workerData)));
  }

  /** Sends `command` to every thread; resolves with their replies in thread order. */
  run(command: DawidSkeneWorkerCommand): Promise<number[]> {
    return Promise.all(
      this.workers.map(
        worker =>
          new Promise<number>((resolve, reject) => {
            const cleanup = () => {
              worker.off('message', onMessage);
              worker.off('error', onError);
              worker.off('exit', onExit);
            };
            const onMessage = (reply: DawidSkeneWorkerReply) => {
              cleanup();
              if ('error' in reply) reject(new Error(`Dawid–Skene worker failed: ${reply.error}`));
              else resolve(reply.logLikelihood);
            };
            const onError = (error: Error) => {
              cleanup();
              reject(error);
            };
            const onExit = (code: number) => {
              cleanup();
              reject(new Error(`Dawid–Skene worker exited with code ${code}`));
            };
            worker.on('message', onMessage);
            worker.on('error', onError);
            worker.on('exit', onExit);
            worker.postMessage(command);
          }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(worker => worker.terminate()));
  }
}

/**
 * From source (this file is .ts), the worker first loads bin/register-swc.js, which transpiles
 * .ts files with @swc/core: worker threads start as plain Node, without jest's or ts-node's
 * module hooks. Compiled (.js, under dist/), it loads the compiled entry directly.
 */
function spawnWorker(workerData: DawidSkeneWorkerData): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `dawid-skene.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const register = join(__dirname, '../../../../bin/register-swc.js');
  const bootstrap = `require(${JSON.stringify(register)});\nrequire(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function shareIndex(index: DawidSkeneIndex): DawidSkeneIndex {
  return {
    nTasks: index.nTasks,
    nWorkers: index.nWorkers,
    nLabels: index.nLabels,
    taskOffsets: isShared(index.taskOffsets)
      ? index.taskOffsets
      : copyToShared(index.taskOffsets, sharedInt32(index.taskOffsets.length)),
    cells: isShared(index.cells)
      ? index.cells
      : copyToShared(index.cells, sharedInt32(index.cells.length)),
  };
}

function validateIndex(index: DawidSkeneIndex, gold: Int32Array | undefined): void {
  const { nTasks, nWorkers, nLabels, taskOffsets, cells } = index;
  if (
    taskOffsets.length !== nTasks + 1 ||
    taskOffsets[0] !== 0 ||
    taskOffsets[nTasks] !== cells.length
  ) {
    throw new RangeError(
      'taskOffsets must have nTasks + 1 entries from 0 to the number of answers',
    );
  }
  for (let t = 0; t < nTasks; t++) {
    if (taskOffsets[t + 1] < taskOffsets[t])
      throw new RangeError(`taskOffsets decrease at task ${t}`);
  }
  const limit = nWorkers * nLabels;
  for (let p = 0; p < cells.length; p++) {
    if (cells[p] < 0 || cells[p] >= limit) throw new RangeError(`cell ${p} out of range`);
  }
  if (gold) {
    if (gold.length !== nTasks)
      throw new RangeError(`gold has length ${gold.length}, expected ${nTasks}`);
    for (let t = 0; t < nTasks; t++) {
      if (gold[t] < -1 || gold[t] >= nLabels)
        throw new RangeError(`gold label of task ${t} out of range`);
    }
  }
}

function isShared(array: Int32Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

function copyToShared(source: Int32Array, target: Int32Array): Int32Array {
  target.set(source);
  return target;
}
