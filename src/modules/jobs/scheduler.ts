import type { Clock } from '../../common/clock';
import type { Logger } from '../../common/logger';
import { RequestContext } from '../../common/request-context';
import type { JobQueue } from './job-queue';

/** Most batches one tick runs before yielding to the next tick. */
const MAX_BATCHES_PER_TICK = 10;

/**
 * The production loop around a `JobQueue`: every `pollIntervalMs` it runs what is due. One tick
 * at a time (a slow tick makes the next ones skip, never overlap); the timer is `unref`'d so it
 * never keeps a process alive on its own. `stop()` clears the timer and waits for the tick in
 * flight, so the app can close its database afterwards (`QuorumApp.close`).
 *
 * Tests do not start it: they advance a `ManualClock` and call `queue.drain(ctx)`.
 * Enabled by `JOBS_ENABLED`, interval from `JOBS_POLL_INTERVAL_MS`.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private recurringScheduled = false;
  private stopRequested = false;

  constructor(
    private readonly queue: JobQueue,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.stopRequested = false;
    this.timer = setInterval(() => void this.tick(), this.pollIntervalMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One pass: make sure recurring rows exist (once), then run due jobs in a few batches. */
  tick(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.runOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async runOnce(): Promise<void> {
    const ctx = RequestContext.create({ requestId: 'scheduler', clock: this.clock });
    try {
      if (!this.recurringScheduled) {
        await this.queue.scheduleRecurring(ctx);
        this.recurringScheduled = true;
      }
      for (let batch = 0; batch < MAX_BATCHES_PER_TICK && !this.stopRequested; batch++) {
        if ((await this.queue.runDue(ctx)) === 0) break;
      }
    } catch (error) {
      // The database may be briefly unreachable; the next tick tries again.
      this.logger.error({ err: error }, 'scheduler tick failed');
    }
  }
}
