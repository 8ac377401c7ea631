/**
 * Runs any registry method off the calling thread: one short-lived worker thread per run computes
 * `computeAggregation(problem)` (compute-aggregation.ts), so a long Dawid–Skene fit never blocks
 * the API's event loop. The problem's typed arrays are transferred to the thread (the caller must
 * not use `problem.matrix` / `problem.gold` / `problem.soft` afterwards) and the solution's arrays come back the
 * same way, so nothing proportional to the data is copied.
 *
 *   main thread                                worker thread (aggregation.worker.ts)
 *   new Worker(problem, transfer buffers) ──▶  computeAggregation(problem)
 *                                         ◀──  solution (buffers transferred) | error
 *   terminate
 *
 * A thread costs a few milliseconds to start from compiled code (more from source, where it
 * transpiles the algorithms first): small next to any run worth moving off the request path.
 * For Dawid–Skene on very large projects the service uses `parallelDawidSkene` instead, which
 * splits each EM iteration over all cores.
 *
 * Worker entry: `aggregation.worker.js` next to this file when running compiled code (dist/), or
 * `aggregation.worker.ts` through bin/register-swc.js when running from source (jest, ts-node),
 * decided by this file's own extension, as parallel-dawid-skene.ts does.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import type { AggregationProblem, AggregationSolution } from '../compute-aggregation';
import {
  AGGREGATION_WORKER_TAG,
  type AggregationWorkerData,
  type AggregationWorkerReply,
} from './aggregation.worker';

/** How a run is executed: in a worker thread by default; tests may swap in something else. */
export type AggregationRunner = (problem: AggregationProblem) => Promise<AggregationSolution>;

/**
 * Computes `problem` in a fresh worker thread. Rejects with the worker's error (same name and
 * message) if the computation throws, or if the thread dies.
 *
 * @example const solution = await runAggregationInWorker({ method: 'dawid-skene', kind: 'SINGLE_CHOICE', nKeys: 2, matrix });
 */
export const runAggregationInWorker: AggregationRunner = problem => {
  const workerData: AggregationWorkerData = { tag: AGGREGATION_WORKER_TAG, problem };
  const worker = spawnWorker(workerData, problemBuffers(problem));
  return new Promise<AggregationSolution>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    worker.once('message', (reply: AggregationWorkerReply) =>
      settle(() => {
        if (reply.ok) resolve(reply.solution);
        else reject(reviveError(reply.error));
      }),
    );
    worker.once('error', error => settle(() => reject(error)));
    worker.once('exit', code =>
      settle(() =>
        reject(new Error(`aggregation worker exited with code ${code} before replying`)),
      ),
    );
  });
};

function problemBuffers(problem: AggregationProblem): ArrayBuffer[] {
  const arrays = [
    problem.matrix.task,
    problem.matrix.worker,
    problem.matrix.label,
    problem.gold,
    problem.answerSets?.offsets,
    problem.answerSets?.keys,
    problem.soft?.response,
    problem.soft?.probabilities,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const array of arrays) {
    if (array && array.buffer instanceof ArrayBuffer && array.buffer.byteLength > 0) {
      buffers.add(array.buffer);
    }
  }
  return [...buffers];
}

function reviveError(error: { name: string; message: string; stack?: string }): Error {
  const revived =
    error.name === 'RangeError' ? new RangeError(error.message) : new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/**
 * From source (this file is .ts), the worker first loads bin/register-swc.js, which transpiles
 * .ts files with @swc/core: worker threads start as plain Node, without jest's or ts-node's
 * module hooks. Compiled (.js, under dist/), it loads the compiled entry directly.
 */
function spawnWorker(workerData: AggregationWorkerData, transferList: ArrayBuffer[]): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `aggregation.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData, transferList });
  const register = join(__dirname, '../../../../bin/register-swc.js');
  const bootstrap = `require(${JSON.stringify(register)});\nrequire(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData, transferList });
}
