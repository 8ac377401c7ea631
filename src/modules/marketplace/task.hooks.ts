import type { RequestContext } from '../../common/request-context';
import type { Project } from '../projects/project.entity';

/** New tasks of one import, inside its transaction (the project row is held FOR SHARE). */
export interface ImportedTasks {
  readonly project: Project;
  readonly createdTaskIds: readonly string[];
}

/**
 * Runs inside `importTasks`'s transaction when it created at least one task, in registration
 * order. Throwing rolls the whole import back (so an ACTIVE project whose escrow cannot cover the
 * new tasks refuses them with INSUFFICIENT_BALANCE). Register with `TaskService.onImported`.
 */
export type TasksImportedHook = (
  tx: RequestContext,
  imported: ImportedTasks,
) => Promise<void> | void;
