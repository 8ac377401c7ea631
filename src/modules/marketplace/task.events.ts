import { DomainEvent } from '../../events/event-bus';

/**
 * Tasks were created by an import (skipped externalIds are not in it). Pre-labeling queues the
 * new tasks from here; an import that created nothing publishes nothing.
 */
export class TasksImportedEvent extends DomainEvent {
  readonly type = 'tasks.imported';

  constructor(
    readonly projectId: string,
    readonly createdTaskIds: readonly string[],
    readonly goldCreated: number,
    readonly skipped: number,
  ) {
    super();
  }
}
