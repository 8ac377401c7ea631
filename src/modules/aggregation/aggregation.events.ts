import { DomainEvent } from '../../events/event-bus';

/**
 * An aggregation run committed new results for a project: tasks' consensus, confidence and
 * posterior, and workers' quality. Delivered after commit; subscribers (quality gates, payouts,
 * exports) re-read what they need. Not published for a run that was SUPERSEDED or FAILED.
 */
export class LabelsAggregatedEvent extends DomainEvent {
  readonly type = 'aggregation.labels-aggregated';

  constructor(
    readonly projectId: string,
    readonly runId: string,
    readonly method: string,
    /** Tasks with at least one answer in the run. */
    readonly taskCount: number,
    /** Tasks whose stored consensus, confidence or posterior changed (cleared ones included). */
    readonly changedTasks: number,
    readonly at: Date,
  ) {
    super();
  }
}
