import type { RequestContext } from '../../common/request-context';
import type { ProjectAction } from './project-lifecycle';
import type { Project } from './project.entity';
import type { ProjectStatus } from './project.types';
import type { ProjectSettings } from './validate-project-settings';

/** A lifecycle change, as seen inside its transaction: `project` is locked and already saved. */
export interface ProjectTransition {
  readonly project: Project;
  readonly action: ProjectAction;
  readonly from: ProjectStatus;
  readonly to: ProjectStatus;
}

/**
 * Runs inside the transition's transaction, after the new status is saved and before events are
 * queued, in registration order. A hook that throws rolls the transition back and its error
 * reaches the caller, so a launch the requester cannot fund fails with INSUFFICIENT_BALANCE and
 * the project stays a DRAFT. Hooks do database work on `tx` only. Register with
 * `ProjectService.onTransition` (payments reserve escrow at launch and release it on close).
 */
export type ProjectTransitionHook = (
  tx: RequestContext,
  transition: ProjectTransition,
) => Promise<void> | void;

/** A settings change, inside its transaction: `project` is locked and saved; `previous` is before. */
export interface ProjectSettingsChange {
  readonly project: Project;
  readonly previous: ProjectSettings;
}

/**
 * Runs inside `updateProject`'s transaction after the save (e.g. payments top up escrow when
 * `maxOverlap` grows on a launched project). Throwing rolls the update back. Register with
 * `ProjectService.onSettingsChanged`.
 */
export type ProjectSettingsHook = (
  tx: RequestContext,
  change: ProjectSettingsChange,
) => Promise<void> | void;
