/**
 * Worker-thread side of `PrelabelInferenceWorker` (inference-worker.ts): loads and validates one
 * model on start, then serves batches: featurize → predict (prelabel-batch.ts) → reply with the
 * probabilities' buffer transferred, not copied. Replies carry the request id; errors travel as
 * `{ name, code, message, details }` and are rebuilt on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { createFeaturizer } from './algorithms/featurize';
import { FeaturizerSpec } from './algorithms/featurizer-spec';
import { prelabelBatch, PrelabelBatchResult } from './prelabel-batch';
import { PrelabelModelError } from './prelabel.errors';
import { OnnxModel, OnnxModelOptions } from './strategies/onnx-model';

/** What the main thread passes in `workerData`. */
export interface InferenceWorkerData {
  readonly modelBytes: Uint8Array;
  readonly featurizer: FeaturizerSpec;
  readonly nLabels: number;
  readonly modelOptions: Pick<OnnxModelOptions, 'maxBytes' | 'threads' | 'outputName'>;
}

/** Messages from the main thread. */
export type InferenceWorkerRequest =
  | { readonly id: number; readonly type: 'run'; readonly payloads: readonly unknown[] }
  | { readonly id: number; readonly type: 'close' };

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: Record<string, unknown>;
}

/** Replies to the main thread; id 0 is the start-up reply. */
export type InferenceWorkerReply =
  | { readonly id: number; readonly ok: true; readonly result?: PrelabelBatchResult }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

async function serve(data: InferenceWorkerData): Promise<void> {
  const port = parentPort!;
  let model: OnnxModel;
  const featurizer = createFeaturizer(data.featurizer);
  try {
    model = await OnnxModel.load(
      data.modelBytes,
      { nFeatures: featurizer.dimension, nLabels: data.nLabels },
      data.modelOptions,
    );
  } catch (error) {
    port.postMessage({
      id: 0,
      ok: false,
      error: serializeError(error),
    } satisfies InferenceWorkerReply);
    return;
  }
  // Batches run one after another, so replies come back in request order.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: InferenceWorkerRequest) => {
    queue = queue.then(async () => {
      if (request.type === 'close') {
        await model.dispose();
        port.postMessage({ id: request.id, ok: true } satisfies InferenceWorkerReply);
        port.close();
        return;
      }
      try {
        const batch = await prelabelBatch(featurizer, model, request.payloads);
        // Transfer, not copy: the probabilities must own their whole buffer to be moved.
        const probabilities = ownsBuffer(batch.probabilities)
          ? batch.probabilities
          : batch.probabilities.slice();
        const result = { ...batch, probabilities };
        port.postMessage({ id: request.id, ok: true, result } satisfies InferenceWorkerReply, [
          probabilities.buffer as ArrayBuffer,
          result.rows.buffer as ArrayBuffer,
        ]);
      } catch (error) {
        port.postMessage({
          id: request.id,
          ok: false,
          error: serializeError(error),
        } satisfies InferenceWorkerReply);
      }
    });
  });
  port.postMessage({ id: 0, ok: true } satisfies InferenceWorkerReply);
}

function ownsBuffer(array: Float32Array): boolean {
  return (
    array.byteOffset === 0 &&
    array.byteLength === array.buffer.byteLength &&
    !(array.buffer instanceof SharedArrayBuffer)
  );
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof PrelabelModelError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      details: { ...error.details },
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

void serve(workerData as InferenceWorkerData);
