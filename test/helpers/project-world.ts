import type { DataSource } from 'typeorm';
import type { RequestContext } from '../../src/common/request-context';
import { buildProjectServices, createTestUser, Role } from './project-fixtures';
import { useTestDatabase } from './test-db';

/** What a project/task spec works with; filled in `beforeAll`, so read it inside tests only. */
export interface ProjectWorld {
  dataSource: DataSource;
  services: ReturnType<typeof buildProjectServices>;
  requester: RequestContext;
  /** A second requester, for the "not your project" cases. */
  otherRequester: RequestContext;
  admin: RequestContext;
}

/**
 * The arrange block the project and task service specs shared: a fresh test database, the
 * project services, two requesters and an admin. With `usersOnServiceClock` the users' contexts
 * read the services' manual clock.
 */
export function useProjectWorld(options: { usersOnServiceClock?: boolean } = {}): ProjectWorld {
  const database = useTestDatabase({ poolSize: 6 });
  const world = {} as ProjectWorld;

  beforeAll(async () => {
    world.dataSource = database.current.dataSource;
    world.services = buildProjectServices(world.dataSource);
    const userOptions = options.usersOnServiceClock ? { clock: world.services.clock } : {};
    const user = async (role: Role) =>
      (await createTestUser(world.dataSource, [role], userOptions)).ctx;
    world.requester = await user(Role.REQUESTER);
    world.otherRequester = await user(Role.REQUESTER);
    world.admin = await user(Role.ADMIN);
  });

  return world;
}
