import 'reflect-metadata';
import { ManualClock } from '../../../src/common/clock';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { AdminUsersService } from '../../../src/modules/auth/admin-users.service';
import { WorkerBlock } from '../../../src/modules/workers/worker-block.entity';
import { createTestUser, Role } from '../../helpers/project-fixtures';
import { useTestDatabase } from '../../helpers/test-db';

describe(AdminUsersService.name, () => {
  const db = useTestDatabase();
  const clock = new ManualClock('2026-06-01T00:00:00.000Z');

  it('finds users by part of the email or name, escapes LIKE wildcards, and counts blocks in force', async () => {
    const dataSource = db.current.dataSource;
    const sut = new AdminUsersService(new TransactionalConnection(dataSource));
    const { ctx } = await createTestUser(dataSource, [Role.ADMIN], { clock });
    const blocked = await createTestUser(dataSource, [Role.WORKER], {
      displayName: 'Zhang 100% careful',
    });
    await createTestUser(dataSource, [Role.WORKER], { displayName: 'Zhang 100 careless' });
    await dataSource.getRepository(WorkerBlock).save([
      { workerId: blocked.user.id, projectId: null, reason: 'spam', startsAt: clock.now() },
      {
        workerId: blocked.user.id,
        projectId: null,
        reason: 'over',
        startsAt: new Date('2026-01-01T00:00:00Z'),
        endsAt: new Date('2026-02-01T00:00:00Z'),
      },
    ]);

    const byName = await sut.search(ctx, { search: 'zhang', first: 10 });
    expect(byName.map(u => u.displayName).sort()).toEqual([
      'Zhang 100 careless',
      'Zhang 100% careful',
    ]);
    const literalPercent = await sut.search(ctx, { search: '100%', first: 10 });
    expect(literalPercent).toEqual([
      expect.objectContaining({ id: blocked.user.id, activeBlocks: 1, roles: [Role.WORKER] }),
    ]);
    const byEmail = await sut.search(ctx, { search: blocked.user.email.slice(0, 10), first: 10 });
    expect(byEmail.map(u => u.id)).toEqual([blocked.user.id]);
    expect(await sut.search(ctx, { first: 2 })).toHaveLength(2);
  });
});
