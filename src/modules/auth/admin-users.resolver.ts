import { Args, Resolver } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { AdminUsersService } from './admin-users.service';
import { AdminUserView, AdminUsersArgs } from './admin-users.types';
import { AdminQuery } from '../../graphql/operations';

/** The admin pages' user list. */
@Resolver()
export class AdminUsersResolver {
  constructor(private readonly users: AdminUsersService) {}

  @AdminQuery(
    () => [AdminUserView],
    'Users by part of their email or display name, newest first (admins only).',
  )
  adminUsers(@Args() args: AdminUsersArgs, ctx: RequestContext): Promise<AdminUserView[]> {
    return this.users.search(ctx, args);
  }
}
