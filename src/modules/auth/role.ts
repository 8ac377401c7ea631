import { type EnumValue, graphqlEnum } from '../../common/graphql-enum';

/** What a user may do. One user may hold several roles (DESIGN.md, Roles). */
export const Role = graphqlEnum(
  'Role',
  ['REQUESTER', 'WORKER', 'ADMIN'],
  'What a user may do; a user may hold several.',
);
export type Role = EnumValue<typeof Role>;
