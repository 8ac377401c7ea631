import type { WiringContext } from '../../wiring-context';
import { AdminUsersResolver } from './admin-users.resolver';
import { AdminUsersService } from './admin-users.service';
import { AuthResolver } from './auth.resolver';
import { AuthService } from './auth.service';

/** Users, roles, passwords, JWT and API keys. */
export function wireAuth(app: WiringContext): { auth: AuthService } {
  const auth = new AuthService(app.db, app.config.auth, app.clock);
  app.resolvers.register(AuthResolver, new AuthResolver(auth));
  app.resolvers.register(AdminUsersResolver, new AdminUsersResolver(new AdminUsersService(app.db)));
  return { auth };
}
