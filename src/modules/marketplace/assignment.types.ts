import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';

/**
 * LEASED → SUBMITTED → APPROVED / REJECTED, or LEASED → EXPIRED / RETURNED.
 * A REJECTED assignment may be reversed to APPROVED within the project's reversal window.
 */
export const AssignmentStatus = graphqlEnum('AssignmentStatus', [
  'LEASED',
  'SUBMITTED',
  'APPROVED',
  'REJECTED',
  'EXPIRED',
  'RETURNED',
]);
export type AssignmentStatus = EnumValue<typeof AssignmentStatus>;
