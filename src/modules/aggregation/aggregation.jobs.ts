import type { JobQueue } from '../jobs/job-queue';
import { AGGREGATION_JOBS, type AggregationService } from './aggregation.service';

/**
 * Registers the background form of `runAggregation` (`background: true`): one job per run,
 * payload `{ runId }`. The handler records failures on the run instead of throwing, so a job is
 * not retried for a run that would fail again; a process that dies mid-run leaves the job to be
 * claimed again once its lock lapses (the queue's `lockSeconds`), and the run is recomputed.
 */
export function registerAggregationJobs(queue: JobQueue, aggregation: AggregationService): void {
  queue.register(AGGREGATION_JOBS.run, async (ctx, payload) =>
    aggregation.runQueued(ctx, String(payload.runId)),
  );
}
