import { DomainEvent } from '../../events/event-bus';
import type { ProjectStatus } from './project.types';

/** A project went live for the first time (DRAFT → ACTIVE). Payments reserve its budget here. */
export class ProjectLaunchedEvent extends DomainEvent {
  readonly type = 'project.launched';

  constructor(
    readonly projectId: string,
    readonly ownerId: string,
    readonly launchedAt: Date,
  ) {
    super();
  }
}

/**
 * Any lifecycle transition, launch included (pause, resume, complete, archive). Assignments
 * stop leasing when `to` is not ACTIVE; payments release unspent escrow on COMPLETED/ARCHIVED.
 */
export class ProjectStatusChangedEvent extends DomainEvent {
  readonly type = 'project.status-changed';

  constructor(
    readonly projectId: string,
    readonly from: ProjectStatus,
    readonly to: ProjectStatus,
    readonly at: Date,
  ) {
    super();
  }
}

/**
 * The label schema of a launched project grew (labels appended or renamed): answers from now on
 * are recorded under `schemaVersion`, and aggregation must size its label space to `labelCount`.
 */
export class ProjectLabelSchemaChangedEvent extends DomainEvent {
  readonly type = 'project.label-schema-changed';

  constructor(
    readonly projectId: string,
    readonly schemaVersion: number,
    readonly labelCount: number,
  ) {
    super();
  }
}
