import { registerEnumType } from 'type-graphql';

/** OPEN (collecting answers) → COMPLETE (enough answers / confident) or CANCELLED. */
export enum TaskStatus {
  OPEN = 'OPEN',
  COMPLETE = 'COMPLETE',
  CANCELLED = 'CANCELLED',
}
registerEnumType(TaskStatus, { name: 'TaskStatus' });
