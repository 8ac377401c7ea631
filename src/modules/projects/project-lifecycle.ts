import { ProjectStatus } from './project.types';

/** The lifecycle mutations of a project, each with one target status. */
export type ProjectAction = 'launch' | 'pause' | 'resume' | 'complete' | 'archive';

/**
 * Which statuses each action may start from (DESIGN.md: DRAFT → ACTIVE ⇄ PAUSED →
 * COMPLETED / ARCHIVED):
 *
 *   launch    DRAFT → ACTIVE                       once: reserves the budget later (payments)
 *   pause     ACTIVE → PAUSED                      workers get no new leases; live ones finish
 *   resume    PAUSED → ACTIVE
 *   complete  ACTIVE | PAUSED → COMPLETED          no more work; results stay readable
 *   archive   DRAFT | PAUSED | COMPLETED → ARCHIVED  hidden from default lists; final
 *
 * `launch` and `resume` are kept apart so the one-time launch work (launchedAt, escrow) can never
 * run twice. An ACTIVE project is paused before it is archived, so no lease is cut off silently.
 */
export const PROJECT_TRANSITIONS: Readonly<
  Record<ProjectAction, { from: readonly ProjectStatus[]; to: ProjectStatus }>
> = {
  launch: { from: [ProjectStatus.DRAFT], to: ProjectStatus.ACTIVE },
  pause: { from: [ProjectStatus.ACTIVE], to: ProjectStatus.PAUSED },
  resume: { from: [ProjectStatus.PAUSED], to: ProjectStatus.ACTIVE },
  complete: { from: [ProjectStatus.ACTIVE, ProjectStatus.PAUSED], to: ProjectStatus.COMPLETED },
  archive: {
    from: [ProjectStatus.DRAFT, ProjectStatus.PAUSED, ProjectStatus.COMPLETED],
    to: ProjectStatus.ARCHIVED,
  },
};

/**
 * What `action` does to a project in `status`:
 * - `apply`: a real transition to `to`;
 * - `noop`: the project is already where the action leads and got there the same way (a retried
 *   pause, complete or archive; a launch of an ACTIVE project), so retries are safe;
 * - `refuse`: not allowed (INVALID_STATE_TRANSITION from `status` to `to`).
 *
 * A `resume` of an ACTIVE project is a no-op too; a `launch` of a PAUSED project is refused,
 * because launching is once only (use resume).
 */
export function planTransition(
  status: ProjectStatus,
  action: ProjectAction,
): { kind: 'apply' | 'noop' | 'refuse'; to: ProjectStatus } {
  const { from, to } = PROJECT_TRANSITIONS[action];
  if (from.includes(status)) return { kind: 'apply', to };
  if (status === to) return { kind: 'noop', to };
  return { kind: 'refuse', to };
}

/** Statuses in which settings may change and tasks may be imported. */
export const EDITABLE_STATUSES: readonly ProjectStatus[] = [
  ProjectStatus.DRAFT,
  ProjectStatus.ACTIVE,
  ProjectStatus.PAUSED,
];
