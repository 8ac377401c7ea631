/**
 * Worker-thread side of `runAggregationInWorker` (run-aggregation-in-worker.ts): receives one
 * `AggregationProblem` in `workerData` (its typed arrays transferred, not copied), runs
 * `computeAggregation` and posts the solution back with its buffers transferred. One problem per
 * thread; the thread ends after replying.
 */
import { parentPort, workerData } from 'node:worker_threads';

import {
  type AggregationProblem,
  type AggregationSolution,
  computeAggregation,
  solutionBuffers,
} from '../compute-aggregation';

/** What the main thread passes in `workerData`. */
export interface AggregationWorkerData {
  readonly tag: typeof AGGREGATION_WORKER_TAG;
  readonly problem: AggregationProblem;
}

/** Marks `workerData` meant for this entry, so requiring the file elsewhere does nothing. */
export const AGGREGATION_WORKER_TAG = 'quorum-aggregation';

/** The single reply. */
export type AggregationWorkerReply =
  | { readonly ok: true; readonly solution: AggregationSolution }
  | { readonly ok: false; readonly error: { name: string; message: string; stack?: string } };

function serve(data: AggregationWorkerData): void {
  let reply: AggregationWorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const solution = computeAggregation(data.problem);
    reply = { ok: true, solution };
    transfer = solutionBuffers(solution);
  } catch (error) {
    const { name, message, stack } =
      error instanceof Error ? error : { name: 'Error', message: String(error), stack: undefined };
    reply = { ok: false, error: { name, message, stack } };
  }
  parentPort!.postMessage(reply, transfer);
}

if (parentPort && (workerData as AggregationWorkerData | null)?.tag === AGGREGATION_WORKER_TAG) {
  serve(workerData as AggregationWorkerData);
}
