import type { RequestContext } from '../../common/request-context';
import type { Job } from './job.entity';

/** What a handler learns about the job it runs. */
export interface JobInfo {
  readonly id: string;
  readonly name: string;
  /** 1 on the first run, 2 on the first retry, … */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * Does the work of one job. Delivery is at least once (a process may crash after the work and
 * before the job is marked done, and the job then runs again once its lock lapses), so handlers
 * must be idempotent: the sweeps are, because they only act on rows still in the state they
 * look for. A handler opens its own transactions through the services it calls; `ctx` carries
 * the queue's clock and no user. What it returns is stored in `jobs.result`.
 */
export type JobHandler = (
  ctx: RequestContext,
  payload: Record<string, unknown>,
  job: JobInfo,
) => Promise<Record<string, unknown> | void>;

export interface EnqueueOptions {
  /** Not before this time (default: `ctx.now()`). */
  readonly runAt?: Date;
  /**
   * At most one PENDING or RUNNING job per key (`jobs_unique_pending_key`): enqueueing a key
   * that is already waiting does nothing and returns null, e.g. one refit per project at a time.
   */
  readonly uniqueKey?: string;
  /** Runs before the job is marked FAILED (default 5). */
  readonly maxAttempts?: number;
}

/**
 * Deferred and timed work kept in the `jobs` table (lease expiry, auto-approval; later
 * aggregation refits and payouts). Configured in the container; the production loop is
 * `Scheduler`, tests call `drain(ctx)` after advancing a `ManualClock`.
 *
 * Enqueueing inside a transaction joins it: a job enqueued by a mutation that rolls back never
 * existed (no outbox needed).
 */
export interface JobQueue {
  /** The handler for jobs called `name`; one per name, registered before the queue runs. */
  register(name: string, handler: JobHandler): void;

  /**
   * Work that runs every `everyMs` milliseconds: one job row with unique key `recurring:<name>`,
   * rescheduled after each run (success or failure), so any number of processes share one
   * schedule and the table does not grow. A run that was missed (process down, clock advanced)
   * runs once, not once per missed interval.
   */
  registerRecurring(name: string, everyMs: number, handler: JobHandler): void;

  /** Adds a job; null when `uniqueKey` is already pending or running. */
  enqueue(
    ctx: RequestContext,
    name: string,
    payload?: Record<string, unknown>,
    options?: EnqueueOptions,
  ): Promise<Job | null>;

  /**
   * `enqueue` for a caller that does not need the row: the insert is held back
   * (`TransactionalConnection.defer`) and goes out with the transaction's next statement or its
   * COMMIT, so a hot transaction (the submit) spends no round trip on it. Same uniqueness.
   */
  enqueueHeld(
    ctx: RequestContext,
    name: string,
    payload?: Record<string, unknown>,
    options?: EnqueueOptions,
  ): Promise<void>;

  /**
   * A boolean SQL expression, true while a job with unique key `keyParam` (a parameter such as
   * `$8::text`) is PENDING or RUNNING, i.e. while enqueueing that key would do nothing: for a
   * caller that reads it in a statement it sends anyway and enqueues only when it is false.
   */
  pendingSql(keyParam: string): string;

  /** Makes sure each recurring job has its row (idempotent; the scheduler calls it at start). */
  scheduleRecurring(ctx: RequestContext): Promise<void>;

  /**
   * Claims up to `limit` jobs due at `ctx.now()` (and RUNNING jobs whose lock lapsed: their
   * process crashed), runs them one after another and records the outcome. Returns how many ran.
   */
  runDue(ctx: RequestContext, limit?: number): Promise<number>;

  /**
   * `runDue` until nothing is due at `ctx.now()`: what tests call after advancing the clock.
   * Jobs enqueued by the jobs it runs, if due, run too. Returns how many ran in all.
   */
  drain(ctx: RequestContext): Promise<number>;
}
