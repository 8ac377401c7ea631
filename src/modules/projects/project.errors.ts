import { AppError, ErrorCode } from '../../common/errors';
import type { ProjectStatus } from './project.types';

/**
 * A change the project's status forbids: any change to a COMPLETED or ARCHIVED project, a field
 * fixed at launch (`field`), or a label schema change after launch that is not additive.
 */
export class ProjectNotEditableError extends AppError {
  constructor(
    projectId: string,
    status: ProjectStatus,
    message: string,
    details: { field?: string; reason?: string } = {},
  ) {
    super(message, ErrorCode.PROJECT_NOT_EDITABLE, { projectId, status, ...details });
  }
}

/** A launch whose preconditions are not met; `reason` says which. */
export class ProjectNotReadyError extends AppError {
  constructor(
    projectId: string,
    reason: 'NO_TASKS' | 'NO_GOLD_TASKS' | 'NOT_ENOUGH_GOLD_TASKS',
    message: string,
  ) {
    super(message, ErrorCode.PROJECT_NOT_READY, { projectId, reason });
  }
}
