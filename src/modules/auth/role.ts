import { registerEnumType } from 'type-graphql';

/** What a user may do. One user may hold several roles (DESIGN.md, Roles). */
export enum Role {
  REQUESTER = 'REQUESTER',
  WORKER = 'WORKER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What a user may do; a user may hold several.',
});
