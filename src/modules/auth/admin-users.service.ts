import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { blockInForceSql } from '../workers/block-in-force.sql';
import type { Role } from './role';
import { AdminUserView, type AdminUsersArgs } from './admin-users.types';

/**
 * Users matching $1 (NULL: all) in email or display name, newest first, with the count of blocks
 * in force at $2. LIKE wildcards in the search are escaped, so `%` matches a literal percent.
 */
const ADMIN_USERS_SQL = `
  SELECT u.id, u.email, u.display_name, u.roles, u.created_at,
         (SELECT count(*) FROM worker_blocks b
            WHERE ${blockInForceSql('u.id', '$2')})::int AS active_blocks
  FROM users u
  WHERE $1::text IS NULL
     OR u.email ILIKE '%' || $1 || '%' ESCAPE '\\'
     OR u.display_name ILIKE '%' || $1 || '%' ESCAPE '\\'
  ORDER BY u.created_at DESC, u.id
  LIMIT $3`;

interface AdminUserRow {
  id: string;
  email: string;
  display_name: string;
  roles: Role[];
  created_at: Date;
  active_blocks: number;
}

/** Admin look-ups of users (read only; blocking stays in WorkerBlockService). */
export class AdminUsersService {
  constructor(private readonly db: TransactionalConnection) {}

  /** Users by part of their email or name: how an admin finds the uuid a mutation needs. */
  async search(ctx: RequestContext, args: AdminUsersArgs): Promise<AdminUserView[]> {
    const search = args.search ? args.search.replace(/[\\%_]/g, match => `\\${match}`) : null;
    const rows = await queryRows<AdminUserRow>(this.db.manager(ctx), ADMIN_USERS_SQL, [
      search,
      ctx.now(),
      args.first,
    ]);
    return rows.map(row =>
      Object.assign(new AdminUserView(), {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        roles: row.roles,
        createdAt: row.created_at,
        activeBlocks: row.active_blocks,
      }),
    );
  }
}
