/**
 * Runs a pre-label model off the main thread: one worker thread holds one validated
 * `OnnxModel` and one featurizer, and turns batches of payloads into label probabilities
 * (prelabel-batch.ts), so neither featurizing nor inference blocks the API's event loop.
 *
 *   main thread                               worker thread (inference.worker.ts)
 *   start(model bytes, featurizer, C)   ──▶   OnnxModel.load + validate  ──▶ ready | error
 *   run(payloads)                       ──▶   featurize → compact → predict
 *                                       ◀──   rows, probabilities (buffer transferred), skipped, timings
 *   close()                             ──▶   dispose session, exit
 *
 * Batches are served in order, one at a time. Model errors thrown in the worker come back as
 * `PrelabelModelError` with the same `code` and `details` (the subclass itself does not cross
 * threads; switch on `code`). If the thread dies, pending and later calls reject.
 *
 * Worker entry: `inference.worker.js` next to this file when running compiled code (dist/), or
 * `inference.worker.ts` through bin/register-swc.js when running from source (jest, ts-node),
 * decided by this file's own extension, as parallel-dawid-skene.ts does.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { FeaturizerSpecInput, parseFeaturizerSpec } from './algorithms/featurizer-spec';
import type {
  InferenceWorkerData,
  InferenceWorkerReply,
  InferenceWorkerRequest,
  SerializedError,
} from './inference.worker';
import type { PrelabelBatchResult } from './prelabel-batch';
import { PrelabelModelError, PrelabelModelErrorCode } from './prelabel.errors';
import type { OnnxModelOptions } from './strategies/onnx-model';

/** What `PrelabelInferenceWorker.start` needs. */
export interface InferenceWorkerOptions {
  /** The ONNX file. Copied to the worker; the caller keeps its bytes. */
  readonly modelBytes: Uint8Array;
  /** How payloads become model input; its dimension must equal the model's input width. */
  readonly featurizer: FeaturizerSpecInput;
  /** C, the number of labels the model must output. */
  readonly nLabels: number;
  /** Passed to `OnnxModel.load` in the worker (size limit, intra-op threads, output name). */
  readonly modelOptions?: Pick<OnnxModelOptions, 'maxBytes' | 'threads' | 'outputName'>;
}

/**
 * A worker thread serving one model. Start with `PrelabelInferenceWorker.start` (which resolves
 * once the model is loaded and validated, or rejects with its `PrelabelModelError`), then
 * `run` batches, then `close`.
 *
 * @example
 * const worker = await PrelabelInferenceWorker.start({ modelBytes, featurizer, nLabels: 3 });
 * try { const { rows, probabilities, skipped } = await worker.run(payloads); } finally { await worker.close(); }
 */
export class PrelabelInferenceWorker {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (reply: InferenceWorkerReply) => void; reject: (error: Error) => void }
  >();
  private failure: Error | undefined;
  private closed = false;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: InferenceWorkerReply) => {
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      waiter?.resolve(reply);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.pending.values()) waiter.reject(this.failure);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', code => {
      if (!this.closed) fail(new Error(`pre-label worker exited with code ${code}`));
    });
  }

  /** Spawns the thread and waits until the model is loaded and validated. */
  static async start(options: InferenceWorkerOptions): Promise<PrelabelInferenceWorker> {
    const data: InferenceWorkerData = {
      modelBytes: options.modelBytes,
      featurizer: parseFeaturizerSpec(options.featurizer),
      nLabels: options.nLabels,
      modelOptions: options.modelOptions ?? {},
    };
    const runner = new PrelabelInferenceWorker(spawnWorker(data));
    const ready = await runner.waitFor(0);
    if (!ready.ok) {
      runner.closed = true;
      await runner.worker.terminate();
      throw reviveError(ready.error);
    }
    return runner;
  }

  /**
   * Featurizes and predicts one batch in the worker. Payloads are structured-cloned to the
   * thread (plain JSON values). Resolves with the featurized rows' probabilities; rejects with
   * `PrelabelModelError` when the model fails on the batch.
   */
  async run(payloads: readonly unknown[]): Promise<PrelabelBatchResult> {
    const reply = await this.send({ id: this.nextId++, type: 'run', payloads });
    if (!reply.ok) throw reviveError(reply.error);
    return reply.result!;
  }

  /** Releases the model and ends the thread. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failure) {
      this.closed = true;
      await this.worker.terminate();
      return;
    }
    const closing = this.send({ id: this.nextId++, type: 'close' });
    this.closed = true;
    await closing.catch(() => undefined);
    await this.worker.terminate();
  }

  private send(request: InferenceWorkerRequest): Promise<InferenceWorkerReply> {
    if (this.closed) return Promise.reject(new Error('pre-label worker is closed'));
    if (this.failure) return Promise.reject(this.failure);
    const reply = this.waitFor(request.id);
    this.worker.postMessage(request);
    return reply;
  }

  private waitFor(id: number): Promise<InferenceWorkerReply> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

/** Rebuilds a worker error: model errors keep their code and details. */
function reviveError(error: SerializedError): Error {
  const revived =
    error.code !== undefined
      ? new PrelabelModelError(error.message, error.code as PrelabelModelErrorCode, error.details)
      : new Error(error.message);
  revived.name = error.name;
  return revived;
}

/**
 * From source (this file is .ts), the worker first loads bin/register-swc.js, which transpiles
 * .ts files with @swc/core: worker threads start as plain Node, without jest's or ts-node's
 * module hooks. Compiled (.js, under dist/), it loads the compiled entry directly.
 */
function spawnWorker(workerData: InferenceWorkerData): Worker {
  const extension = extname(__filename);
  const entry = join(__dirname, `inference.worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  const register = join(__dirname, '../../../bin/register-swc.js');
  const bootstrap = `require(${JSON.stringify(register)});\nrequire(${JSON.stringify(entry)});`;
  return new Worker(bootstrap, { eval: true, workerData });
}
