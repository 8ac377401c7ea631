/**
 * Worker-thread side of `parallelDawidSkene`: owns one contiguous task range and, on each
 * command from the main thread, runs helper steps of `algorithms/dawid-skene.ts` over it,
 * reading and writing the SharedArrayBuffers it was given (nothing is copied per iteration):
 *
 *   'init'     majority-vote start for its tasks, then its M-step partial counts
 *   'iterate'  E-step for its tasks (posterior rows + log-likelihood share) fused with its partial
 *              counts (`dawidSkeneEStepAccumulate`, bit-identical to the two steps)
 *
 * The partial counts go to this thread's own slice of the shared partial arrays; the main thread
 * adds the slices in thread order and runs the M-step normalisation. Replies with
 * `{ logLikelihood }` or `{ error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';

import {
  DawidSkeneIndex,
  DawidSkeneParameters,
  dawidSkeneAccumulate,
  dawidSkeneEStepAccumulate,
  dawidSkeneInitialPosterior,
} from '../algorithms/dawid-skene';

/** What the main thread passes in `workerData`; every array is backed by a SharedArrayBuffer. */
export interface DawidSkeneWorkerData {
  readonly index: DawidSkeneIndex;
  readonly gold: Int32Array | undefined;
  readonly posterior: Float64Array;
  /** Written by the main thread's M-step between commands. */
  readonly parameters: DawidSkeneParameters;
  /** This thread's partial emission counts (nWorkers × K × K). */
  readonly counts: Float64Array;
  /** This thread's partial class counts (K). */
  readonly classCounts: Float64Array;
  readonly taskStart: number;
  readonly taskEnd: number;
}

/** Messages from the main thread. */
export type DawidSkeneWorkerCommand = 'init' | 'iterate';

/** Replies to the main thread. */
export type DawidSkeneWorkerReply = { logLikelihood: number } | { error: string };

function serve(data: DawidSkeneWorkerData): void {
  const { index, gold, posterior, parameters, counts, classCounts } = data;
  const { taskStart, taskEnd } = data;
  parentPort!.on('message', (command: DawidSkeneWorkerCommand) => {
    try {
      let logLikelihood = 0;
      counts.fill(0);
      classCounts.fill(0);
      if (command === 'init') {
        dawidSkeneInitialPosterior(index, gold, taskStart, taskEnd, posterior);
        dawidSkeneAccumulate(index, posterior, taskStart, taskEnd, counts, classCounts);
      } else {
        logLikelihood = dawidSkeneEStepAccumulate(
          index,
          parameters,
          gold,
          taskStart,
          taskEnd,
          posterior,
          counts,
          classCounts,
        );
      }
      parentPort!.postMessage({ logLikelihood } satisfies DawidSkeneWorkerReply);
    } catch (error) {
      parentPort!.postMessage({
        error: (error as Error)?.stack ?? String(error),
      } satisfies DawidSkeneWorkerReply);
    }
  });
}

if (parentPort && workerData?.index) serve(workerData as DawidSkeneWorkerData);
