import { DomainEvent } from '../../events/event-bus';

/** A worker was barred from new leases (one project, or every project when `projectId` is null). */
export class WorkerBlockedEvent extends DomainEvent {
  readonly type = 'worker.blocked';

  constructor(
    readonly blockId: string,
    readonly workerId: string,
    readonly projectId: string | null,
    /** Null when a quality rule blocked. */
    readonly blockedBy: string | null,
    readonly reason: string,
  ) {
    super();
  }
}

/** A block was lifted before its end. */
export class WorkerUnblockedEvent extends DomainEvent {
  readonly type = 'worker.unblocked';

  constructor(
    readonly blockId: string,
    readonly workerId: string,
    readonly projectId: string | null,
    readonly liftedBy: string,
  ) {
    super();
  }
}
