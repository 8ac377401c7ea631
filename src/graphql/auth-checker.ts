import type { AuthChecker } from 'type-graphql';
import { UnauthenticatedError } from '../common/errors';
import type { RequestContext } from '../common/request-context';
import type { Role } from '../modules/auth/role';

/**
 * Coarse authorisation at the schema edge (`@Authorized(Role.WORKER)`): anonymous callers get
 * UNAUTHENTICATED, callers without any of the roles get type-graphql's UNAUTHORIZED.
 * Ownership checks live in services.
 */
export const authChecker: AuthChecker<RequestContext, Role> = ({ context }, roles) => {
  if (!context.user) throw new UnauthenticatedError();
  return roles.length === 0 || roles.some(role => context.user!.roles.includes(role));
};
