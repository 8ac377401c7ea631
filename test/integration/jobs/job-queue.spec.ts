import { ManualClock } from '../../../src/common/clock';
import { createLogger } from '../../../src/common/logger';
import { RequestContext } from '../../../src/common/request-context';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { DatabaseJobQueue } from '../../../src/modules/jobs/database-job-queue';
import { Scheduler } from '../../../src/modules/jobs/scheduler';
import { useTestDatabase } from '../../helpers/test-db';

interface JobRow {
  name: string;
  status: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
  result: Record<string, unknown> | null;
}

describe(DatabaseJobQueue.name, () => {
  const db = useTestDatabase({ poolSize: 8 });
  let clock: ManualClock;
  let queue: DatabaseJobQueue;
  let ctx: RequestContext;

  beforeEach(async () => {
    await db.current.dataSource.query('DELETE FROM jobs');
    clock = new ManualClock('2026-05-01T00:00:00.000Z');
    queue = new DatabaseJobQueue(
      new TransactionalConnection(db.current.dataSource),
      createLogger('silent'),
      { retryBaseSeconds: 5, retryMaxSeconds: 60, lockSeconds: 120 },
    );
    ctx = RequestContext.create({ clock });
  });

  const rows = (name: string): Promise<JobRow[]> =>
    db.current.dataSource.query(
      'SELECT name, status, attempts, run_at, last_error, result FROM jobs WHERE name = $1 ORDER BY created_at',
      [name],
    );

  it('runs an enqueued job once, with its payload, and stores its result', async () => {
    const seen: unknown[] = [];
    queue.register('echo', async (_ctx, payload, job) => {
      seen.push({ payload, attempt: job.attempt });
      return { echoed: payload.value };
    });
    const job = await queue.enqueue(ctx, 'echo', { value: 42 });
    expect(job).toMatchObject({ name: 'echo', status: 'PENDING', attempts: 0, maxAttempts: 5 });

    expect(await queue.drain(ctx)).toBe(1);
    expect(await queue.drain(ctx)).toBe(0);
    expect(seen).toEqual([{ payload: { value: 42 }, attempt: 1 }]);
    expect(await rows('echo')).toMatchObject([
      { status: 'DONE', attempts: 1, last_error: null, result: { echoed: 42 } },
    ]);
  });

  it('waits for runAt by the injected clock, not the wall clock', async () => {
    let runs = 0;
    queue.register('later', async () => void runs++);
    await queue.enqueue(ctx, 'later', {}, { runAt: new Date(clock.now().getTime() + 60_000) });

    clock.advance(59_999);
    expect(await queue.drain(ctx)).toBe(0);
    clock.advance(1);
    expect(await queue.drain(ctx)).toBe(1);
    expect(runs).toBe(1);
  });

  it('keeps one pending job per unique key, and accepts the key again once it is done', async () => {
    queue.register('refit', async () => undefined);
    expect(await queue.enqueue(ctx, 'refit', {}, { uniqueKey: 'project-1' })).not.toBeNull();
    expect(await queue.enqueue(ctx, 'refit', {}, { uniqueKey: 'project-1' })).toBeNull();
    expect(await queue.enqueue(ctx, 'refit', {}, { uniqueKey: 'project-2' })).not.toBeNull();
    await queue.drain(ctx);
    expect(await queue.enqueue(ctx, 'refit', {}, { uniqueKey: 'project-1' })).not.toBeNull();
    expect((await rows('refit')).map(row => row.status)).toEqual(['DONE', 'DONE', 'PENDING']);
  });

  it('retries a failing job with exponential backoff, then marks it FAILED', async () => {
    let runs = 0;
    queue.register('flaky', async () => {
      runs++;
      throw new Error(`boom ${runs}`);
    });
    await queue.enqueue(ctx, 'flaky', {}, { maxAttempts: 3 });
    const start = clock.now().getTime();

    expect(await queue.drain(ctx)).toBe(1);
    expect(await rows('flaky')).toMatchObject([
      { status: 'PENDING', attempts: 1, last_error: 'boom 1', run_at: new Date(start + 5_000) },
    ]);
    clock.advance(4_999);
    expect(await queue.drain(ctx)).toBe(0);
    clock.advance(1);
    expect(await queue.drain(ctx)).toBe(1);
    expect(await rows('flaky')).toMatchObject([
      { status: 'PENDING', attempts: 2, last_error: 'boom 2', run_at: new Date(start + 15_000) },
    ]);
    clock.advance(10_000);
    expect(await queue.drain(ctx)).toBe(1);
    expect(await rows('flaky')).toMatchObject([
      { status: 'FAILED', attempts: 3, last_error: 'boom 3' },
    ]);
    clock.advance(3600_000);
    expect(await queue.drain(ctx)).toBe(0);
    expect(runs).toBe(3);
  });

  it('caps the backoff at retryMaxSeconds', () => {
    expect([1, 2, 3, 4, 5, 10].map(n => queue.retryDelayMs(n))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000,
    ]);
  });

  it('runs a job again when its process died while running it (lock lapsed)', async () => {
    let runs = 0;
    queue.register('crashy', async () => void runs++);
    const job = await queue.enqueue(ctx, 'crashy');
    // What a process that claimed the job and died leaves behind.
    await db.current.dataSource.query(
      `UPDATE jobs SET status = 'RUNNING', attempts = 1, locked_until = $2 WHERE id = $1`,
      [job!.id, new Date(clock.now().getTime() + 120_000)],
    );
    expect(await queue.drain(ctx)).toBe(0);
    clock.advance(120_000);
    expect(await queue.drain(ctx)).toBe(1);
    expect(runs).toBe(1);
    expect(await rows('crashy')).toMatchObject([{ status: 'DONE', attempts: 2 }]);
  });

  it('keeps a recurring job in one row and runs it once per interval, however late', async () => {
    let runs = 0;
    queue.registerRecurring('sweep', 10_000, async () => ({ run: ++runs }));
    await queue.scheduleRecurring(ctx);
    await queue.scheduleRecurring(ctx);
    expect(await queue.drain(ctx)).toBe(2); // the sweep and the built-in prune
    expect(runs).toBe(1);

    clock.advance(9_999);
    expect(await queue.drain(ctx)).toBe(0);
    clock.advance(1);
    expect(await queue.drain(ctx)).toBe(1);
    clock.advance(3600_000); // missed many intervals: runs once
    expect(await queue.drain(ctx)).toBe(2);
    expect(runs).toBe(3);
    expect(await rows('sweep')).toMatchObject([
      {
        status: 'PENDING',
        attempts: 0,
        result: { run: 3 },
        run_at: new Date(clock.now().getTime() + 10_000),
      },
    ]);
  });

  it('never runs one job twice when several runners drain in parallel (SKIP LOCKED)', async () => {
    const runsPerJob = new Map<number, number>();
    queue.register('count', async (_ctx, payload) => {
      const n = payload.n as number;
      runsPerJob.set(n, (runsPerJob.get(n) ?? 0) + 1);
    });
    for (let n = 0; n < 60; n++) await queue.enqueue(ctx, 'count', { n });
    const runners = Array.from({ length: 4 }, () => queue.runDue(ctx, 5));
    const drained = await Promise.all([...runners, queue.drain(ctx), queue.drain(ctx)]);
    const total = drained.reduce((sum, n) => sum + n, 0) + (await queue.drain(ctx));
    expect(total).toBe(60);
    expect([...runsPerJob.values()].every(count => count === 1)).toBe(true);
    expect(runsPerJob.size).toBe(60);
  });

  it('forgets a job enqueued by a transaction that rolled back', async () => {
    queue.register('side-effect', async () => undefined);
    const connection = new TransactionalConnection(db.current.dataSource);
    await expect(
      connection.withTransaction(ctx, async tx => {
        await queue.enqueue(tx, 'side-effect');
        throw new Error('mutation refused');
      }),
    ).rejects.toThrow('mutation refused');
    expect(await rows('side-effect')).toEqual([]);
  });

  it('refuses jobs without a handler and drains from inside a transaction', async () => {
    await expect(queue.enqueue(ctx, 'unknown')).rejects.toThrow(/No handler/);
    const connection = new TransactionalConnection(db.current.dataSource);
    await expect(connection.withTransaction(ctx, tx => queue.runDue(tx))).rejects.toThrow(
      /inside a transaction/,
    );
  });

  it('scheduler: start runs due work in the background; stop waits for the job in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>(resolve => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>(resolve => (started = resolve));
    let finished = false;
    queue.registerRecurring('slow', 60_000, async () => {
      started();
      await gate;
      finished = true;
    });
    const scheduler = new Scheduler(queue, clock, createLogger('silent'), 60_000);
    scheduler.start();
    expect(scheduler.running).toBe(true);
    await running;

    // What stop resolves with says whether the job had finished by then: no ticks counted.
    const stopping = scheduler.stop().then(() => finished);
    release();
    expect(await stopping).toBe(true); // stop waited for the job in flight
    expect(scheduler.running).toBe(false);
    expect(await rows('slow')).toMatchObject([
      { status: 'PENDING', run_at: new Date(clock.now().getTime() + 60_000) },
    ]);
  });
});
