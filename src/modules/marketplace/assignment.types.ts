import { registerEnumType } from 'type-graphql';

/**
 * LEASED → SUBMITTED → APPROVED / REJECTED, or LEASED → EXPIRED / RETURNED.
 * A REJECTED assignment may be reversed to APPROVED within the project's reversal window.
 */
export enum AssignmentStatus {
  LEASED = 'LEASED',
  SUBMITTED = 'SUBMITTED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  EXPIRED = 'EXPIRED',
  RETURNED = 'RETURNED',
}
registerEnumType(AssignmentStatus, { name: 'AssignmentStatus' });
