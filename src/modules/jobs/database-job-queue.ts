import type { Logger } from '../../common/logger';
import { RequestContext } from '../../common/request-context';
import { hydrateRow, queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { Job, JobStatus } from './job.entity';
import type { EnqueueOptions, JobHandler, JobInfo, JobQueue } from './job-queue';

/** Tuning of `DatabaseJobQueue`; the defaults suit the sweeps and short jobs. */
export interface DatabaseJobQueueOptions {
  /**
   * How long a claimed job may run before another process may take it over as crashed.
   * Longer than any handler's run time, or a slow job runs twice at once. Default 300 s.
   */
  readonly lockSeconds?: number;
  /** Retry n waits min(retryBaseSeconds · 2^(n−1), retryMaxSeconds). Defaults 5 s and 1 h. */
  readonly retryBaseSeconds?: number;
  readonly retryMaxSeconds?: number;
  /** DONE and FAILED jobs older than this are deleted by the hourly prune. Default 7 days. */
  readonly retainFinishedSeconds?: number;
}

/** Prefix of the unique key of a recurring job's single row. */
export const RECURRING_KEY_PREFIX = 'recurring:';

/** Recurring rows are never FAILED: each run is its own attempt. */
const RECURRING_MAX_ATTEMPTS = 1_000_000;

/** A safety net for `drain`: more rounds than this means a job keeps re-enqueueing itself now. */
const MAX_DRAIN_ROUNDS = 1_000;

interface NewJob {
  name: string;
  payload: Record<string, unknown>;
  runAt: Date;
  maxAttempts: number;
  uniqueKey: string | null;
}

/**
 * One job row. The conflict target names the partial unique index (same predicate), so a key
 * that is only DONE or FAILED does not block a new job.
 */
const INSERT_JOB_SQL = `INSERT INTO jobs (name, payload, run_at, max_attempts, unique_key)
  VALUES ($1, $2::jsonb, $3, $4, $5)
  ON CONFLICT (unique_key)
    WHERE unique_key IS NOT NULL AND status IN ('PENDING', 'RUNNING')
    DO NOTHING`;

function insertParams(job: NewJob): unknown[] {
  return [job.name, JSON.stringify(job.payload), job.runAt, job.maxAttempts, job.uniqueKey];
}

interface Registration {
  readonly handler: JobHandler;
  /** Set for recurring jobs. */
  readonly everyMs?: number;
}

interface ClaimedRow {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  run_at: Date;
}

/**
 * `JobQueue` over the `jobs` table, the same on PostgreSQL and on the embedded database.
 *
 * Claiming is one statement: `SELECT … FOR UPDATE SKIP LOCKED` picks due rows no other process
 * is claiming, and the same statement marks them RUNNING with `locked_until = now + lockSeconds`,
 * so the claim commits before the handler starts and the handler's own transactions never hold a
 * queue lock. A process that dies mid-job leaves the row RUNNING; once `locked_until` passes, any
 * process claims it again (at-least-once delivery). Finishing checks `attempts` too, so a process
 * whose lock lapsed cannot overwrite the outcome of the process that took over.
 *
 * Why not pg-boss: pg-boss 10 (the last line on Node 20) needs PostgreSQL proper and its own
 * schema, so the embedded database could not run timed work at all; this needs one table that
 * both engines already have, and tests drain it synchronously with an injected clock.
 */
export class DatabaseJobQueue implements JobQueue {
  private readonly registrations = new Map<string, Registration>();
  private readonly lockMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly db: TransactionalConnection,
    private readonly logger: Logger,
    options: DatabaseJobQueueOptions = {},
  ) {
    this.lockMs = (options.lockSeconds ?? 300) * 1000;
    this.retryBaseMs = (options.retryBaseSeconds ?? 5) * 1000;
    this.retryMaxMs = (options.retryMaxSeconds ?? 3600) * 1000;
    const retainMs = (options.retainFinishedSeconds ?? 7 * 24 * 3600) * 1000;
    this.registerRecurring('jobs.prune-finished', 3600_000, async ctx => ({
      deleted: await this.pruneFinished(ctx, new Date(ctx.now().getTime() - retainMs)),
    }));
  }

  register(name: string, handler: JobHandler): void {
    this.add(name, { handler });
  }

  registerRecurring(name: string, everyMs: number, handler: JobHandler): void {
    if (!(everyMs > 0)) throw new RangeError(`recurring job ${name}: everyMs must be positive`);
    this.add(name, { handler, everyMs });
  }

  async enqueue(
    ctx: RequestContext,
    name: string,
    payload: Record<string, unknown> = {},
    options: EnqueueOptions = {},
  ): Promise<Job | null> {
    if (!this.registrations.has(name)) throw new Error(`No handler registered for job ${name}`);
    return this.insert(ctx, {
      name,
      payload,
      runAt: options.runAt ?? ctx.now(),
      maxAttempts: options.maxAttempts ?? 5,
      uniqueKey: options.uniqueKey ?? null,
    });
  }

  async enqueueHeld(
    ctx: RequestContext,
    name: string,
    payload: Record<string, unknown> = {},
    options: EnqueueOptions = {},
  ): Promise<void> {
    if (!this.registrations.has(name)) throw new Error(`No handler registered for job ${name}`);
    await this.db.defer(ctx, {
      sql: INSERT_JOB_SQL,
      params: insertParams({
        name,
        payload,
        runAt: options.runAt ?? ctx.now(),
        maxAttempts: options.maxAttempts ?? 5,
        uniqueKey: options.uniqueKey ?? null,
      }),
    });
  }

  pendingSql(keyParam: string): string {
    return `EXISTS (SELECT 1 FROM jobs WHERE unique_key = ${keyParam} AND status IN ('PENDING', 'RUNNING'))`;
  }

  async scheduleRecurring(ctx: RequestContext): Promise<void> {
    for (const [name, registration] of this.registrations) {
      if (registration.everyMs === undefined) continue;
      await this.insert(ctx, {
        name,
        payload: {},
        runAt: ctx.now(),
        maxAttempts: RECURRING_MAX_ATTEMPTS,
        uniqueKey: `${RECURRING_KEY_PREFIX}${name}`,
      });
    }
  }

  async runDue(ctx: RequestContext, limit = 20): Promise<number> {
    if (ctx.isInTransaction) {
      // Jobs run in their own transactions; on the embedded database a claim issued from inside
      // another transaction would wait for that transaction's single connection forever.
      throw new Error('runDue must not be called inside a transaction');
    }
    const claimed = await this.claim(ctx, limit);
    for (const row of claimed) await this.run(ctx, row);
    return claimed.length;
  }

  async drain(ctx: RequestContext): Promise<number> {
    let total = 0;
    for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
      const ran = await this.runDue(ctx, 100);
      if (ran === 0) return total;
      total += ran;
    }
    throw new Error(
      `drain: jobs still due after ${MAX_DRAIN_ROUNDS} rounds (a job re-enqueues itself)`,
    );
  }

  /** Deletes DONE and FAILED jobs last updated before `before`; recurring rows are never finished. */
  async pruneFinished(ctx: RequestContext, before: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.db.manager(ctx),
      `DELETE FROM jobs WHERE status IN ('DONE', 'FAILED') AND updated_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  private add(name: string, registration: Registration): void {
    if (this.registrations.has(name)) throw new Error(`Job ${name} is already registered`);
    this.registrations.set(name, registration);
  }

  private async insert(ctx: RequestContext, job: NewJob): Promise<Job | null> {
    const manager = this.db.manager(ctx);
    const rows = await queryRows<Record<string, unknown>>(
      manager,
      `${INSERT_JOB_SQL} RETURNING *`,
      insertParams(job),
    );
    return rows[0] ? hydrateRow(manager, Job, rows[0]) : null;
  }

  private async claim(ctx: RequestContext, limit: number): Promise<ClaimedRow[]> {
    const now = ctx.now();
    const rows = await queryRows<ClaimedRow>(
      this.db.dataSource.manager,
      `WITH due AS (
         SELECT id FROM jobs
         WHERE name = ANY($3::text[])
           AND ((status = 'PENDING' AND run_at <= $1) OR (status = 'RUNNING' AND locked_until <= $1))
         ORDER BY run_at, id
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       UPDATE jobs j
       SET status = 'RUNNING', attempts = j.attempts + 1, locked_until = $4, updated_at = now()
       FROM due WHERE j.id = due.id
       RETURNING j.id, j.name, j.payload, j.attempts, j.max_attempts, j.run_at`,
      [now, limit, [...this.registrations.keys()], new Date(now.getTime() + this.lockMs)],
    );
    return rows.sort(
      (a, b) => a.run_at.getTime() - b.run_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  private async run(ctx: RequestContext, row: ClaimedRow): Promise<void> {
    const registration = this.registrations.get(row.name)!;
    const info: JobInfo = {
      id: row.id,
      name: row.name,
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
    };
    const jobCtx = RequestContext.create({ requestId: `job:${row.id}`, clock: ctx.clock });
    let outcome: { result: Record<string, unknown> | null; error: string | null };
    try {
      outcome = {
        result: (await registration.handler(jobCtx, row.payload, info)) ?? null,
        error: null,
      };
    } catch (error) {
      this.logger.error({ err: error, job: info }, 'job failed');
      outcome = { result: null, error: error instanceof Error ? error.message : String(error) };
    }
    await this.finish(ctx, row, registration, outcome);
  }

  private async finish(
    ctx: RequestContext,
    row: ClaimedRow,
    registration: Registration,
    outcome: { result: Record<string, unknown> | null; error: string | null },
  ): Promise<void> {
    const now = ctx.now().getTime();
    let status: JobStatus;
    let runAt: Date | null = null;
    let attempts = row.attempts;
    if (registration.everyMs !== undefined) {
      status = JobStatus.PENDING;
      runAt = new Date(now + registration.everyMs);
      attempts = 0;
    } else if (outcome.error === null) {
      status = JobStatus.DONE;
    } else if (row.attempts >= row.max_attempts) {
      status = JobStatus.FAILED;
    } else {
      status = JobStatus.PENDING;
      runAt = new Date(now + this.retryDelayMs(row.attempts));
    }
    const updated = await queryRows<{ id: string }>(
      this.db.dataSource.manager,
      `UPDATE jobs
       SET status = $3, run_at = COALESCE($4, run_at), attempts = $5, result = $6::jsonb,
           last_error = $7, locked_until = NULL, updated_at = now()
       WHERE id = $1 AND status = 'RUNNING' AND attempts = $2
       RETURNING id`,
      [
        row.id,
        row.attempts,
        status,
        runAt,
        attempts,
        outcome.result === null ? null : JSON.stringify(outcome.result),
        outcome.error,
      ],
    );
    if (updated.length === 0) {
      this.logger.warn(
        { job: { id: row.id, name: row.name } },
        'job outcome not recorded: its lock lapsed and another run took it over',
      );
    }
  }

  /** Exponential backoff: retry n (n = attempts so far) waits base · 2^(n−1), capped. */
  retryDelayMs(attempts: number): number {
    return Math.min(this.retryBaseMs * 2 ** Math.max(0, attempts - 1), this.retryMaxMs);
  }
}
