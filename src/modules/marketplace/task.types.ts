import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';

/** OPEN (collecting answers) → COMPLETE (enough answers / confident) or CANCELLED. */
export const TaskStatus = graphqlEnum('TaskStatus', ['OPEN', 'COMPLETE', 'CANCELLED']);
export type TaskStatus = EnumValue<typeof TaskStatus>;
