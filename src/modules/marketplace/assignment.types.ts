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

/** Why a worker gave a task back (`returnAssignment`); the worker app offers them on Esc. */
export const ReturnReason = graphqlEnum(
  'ReturnReason',
  ['SKIPPED', 'UNCLEAR_INSTRUCTIONS', 'BROKEN_CONTENT', 'UNSURE', 'OFFENSIVE'],
  'Why a worker gave a task back: no reason (SKIPPED), unclear instructions, content broken or missing, unsure of the answer, offensive content.',
);
export type ReturnReason = EnumValue<typeof ReturnReason>;
