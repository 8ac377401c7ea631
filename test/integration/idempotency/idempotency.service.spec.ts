import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AppError } from '../../../src/common/errors';
import { RequestContext } from '../../../src/common/request-context';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { Role } from '../../../src/modules/auth/role';
import { User } from '../../../src/modules/auth/user.entity';
import {
  IdempotencyService,
  type IdempotentResultCodec,
} from '../../../src/modules/idempotency/idempotency.service';
import { useTestDatabase } from '../../helpers/test-db';

/** The work under test: creates a user, so we can count what was really done. */
function createUser(db: TransactionalConnection, displayName: string) {
  return async (tx: RequestContext): Promise<User> =>
    db.repo(tx, User).save({
      email: `u-${randomBytes(6).toString('hex')}@example.test`,
      displayName,
      passwordHash: null,
      roles: [Role.WORKER],
    });
}

function userCodec(db: TransactionalConnection): IdempotentResultCodec<User> {
  return {
    toRecord: user => ({ userId: user.id }),
    fromRecord: async (tx, record) =>
      db.repo(tx, User).findOneByOrFail({ id: String(record.userId) }),
  };
}

function contextFor(userId: string): RequestContext {
  return RequestContext.create({ user: { id: userId, roles: [Role.REQUESTER], via: 'jwt' } });
}

async function countUsers(dataSource: DataSource, displayName: string): Promise<number> {
  const rows = await dataSource.query(
    `SELECT count(*)::int AS n FROM users WHERE display_name = $1`,
    [displayName],
  );
  return rows[0].n;
}

/**
 * Resolves once some backend waits on a lock while running `queryPrefix`: the deterministic way
 * to know a concurrent call is blocked, without sleeping.
 */
async function untilBlockedOn(dataSource: DataSource, queryPrefix: string): Promise<void> {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const rows = await dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [`${queryPrefix}%`],
    );
    if (rows[0].n > 0) return;
  }
  throw new Error(`no backend blocked on ${queryPrefix}`);
}

/** A promise opened from outside. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>(resolve => (open = resolve));
  return { promise, open };
}

describe(IdempotencyService.name, () => {
  const database = useTestDatabase({ poolSize: 4 });
  let db: TransactionalConnection;
  let service: IdempotencyService;

  beforeAll(() => {
    db = new TransactionalConnection(database.current.dataSource);
    service = new IdempotencyService(db);
  });
  /** `service.run` with the work most cases use: create the user `displayName`. */
  const runCreatingUser = (
    ctx: RequestContext,
    request: Parameters<IdempotencyService['run']>[1],
    displayName: string,
  ) => service.run(ctx, request, createUser(db, displayName), userCodec(db));

  it('does the work once and answers a repeat with the first result', async () => {
    const ctx = contextFor(randomUUID());
    const name = `once-${randomUUID()}`;
    const request = { operation: 'createThing', key: 'k-1', params: { name, size: 2 } };
    const first = await runCreatingUser(ctx, request, name);
    const again = await runCreatingUser(ctx, { ...request, params: { size: 2, name } }, name);
    expect(again.id).toBe(first.id);
    expect(await countUsers(database.current.dataSource, name)).toBe(1);
  });

  it('refuses the same key with other parameters with IDEMPOTENCY_KEY_REUSED and writes nothing', async () => {
    const ctx = contextFor(randomUUID());
    const name = `reuse-${randomUUID()}`;
    await runCreatingUser(ctx, { operation: 'createThing', key: 'k', params: { name } }, name);
    const refused = runCreatingUser(
      ctx,
      { operation: 'createThing', key: 'k', params: { name, extra: true } },
      name,
    );
    await expect(refused).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'k' },
    });
    expect(await countUsers(database.current.dataSource, name)).toBe(1);
  });

  it('scopes keys per user and per operation', async () => {
    const name = `scope-${randomUUID()}`;
    const params = { name };
    const alice = contextFor(randomUUID());
    const bob = contextFor(randomUUID());
    await runCreatingUser(alice, { operation: 'a', key: 'same', params }, name);
    await runCreatingUser(bob, { operation: 'a', key: 'same', params }, name);
    await runCreatingUser(alice, { operation: 'b', key: 'same', params }, name);
    expect(await countUsers(database.current.dataSource, name)).toBe(3);
  });

  it('runs the work every time without a key', async () => {
    const ctx = contextFor(randomUUID());
    const name = `nokey-${randomUUID()}`;
    for (let i = 0; i < 2; i++) {
      await runCreatingUser(ctx, { operation: 'x', key: null, params: { name } }, name);
    }
    expect(await countUsers(database.current.dataSource, name)).toBe(2);
  });

  it('forgets a call whose work failed, so a retry does the work', async () => {
    const ctx = contextFor(randomUUID());
    const name = `failed-${randomUUID()}`;
    const request = { operation: 'createThing', key: 'retry-me', params: { name } };
    const failing = async (tx: RequestContext) => {
      await createUser(db, name)(tx);
      throw new AppError('nope', 'BAD_USER_INPUT');
    };
    await expect(service.run(ctx, request, failing, userCodec(db))).rejects.toThrow('nope');
    expect(await countUsers(database.current.dataSource, name)).toBe(0);
    await runCreatingUser(ctx, request, name);
    expect(await countUsers(database.current.dataSource, name)).toBe(1);
  });

  it('refuses an empty or overlong key with BAD_USER_INPUT', async () => {
    const ctx = contextFor(randomUUID());
    for (const key of ['', 'k'.repeat(256)]) {
      await expect(
        runCreatingUser(ctx, { operation: 'x', key, params: {} }, 'x'),
      ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'idempotencyKey' } });
    }
  });

  it('does the work once when two calls with the same key race (real PostgreSQL)', async () => {
    const ctx = contextFor(randomUUID());
    const name = `race-${randomUUID()}`;
    const request = { operation: 'createThing', key: 'race', params: { name } };
    const firstStarted = gate();
    const firstMayFinish = gate();
    let works = 0;
    const slowWork = async (tx: RequestContext) => {
      works++;
      const user = await createUser(db, name)(tx);
      firstStarted.open();
      await firstMayFinish.promise;
      return user;
    };

    const first = service.run(ctx, request, slowWork, userCodec(db));
    await firstStarted.promise;
    // The second call's insert blocks on the first's uncommitted record.
    const second = service.run(ctx, request, slowWork, userCodec(db));
    await untilBlockedOn(database.current.dataSource, 'INSERT INTO idempotency_records');
    firstMayFinish.open();

    const [a, b] = await Promise.all([first, second]);
    expect(works).toBe(1);
    expect(b.id).toBe(a.id);
    expect(await countUsers(database.current.dataSource, name)).toBe(1);
  });

  it('lets the waiting call do the work when the first one rolls back', async () => {
    const ctx = contextFor(randomUUID());
    const name = `race-rollback-${randomUUID()}`;
    const request = { operation: 'createThing', key: 'race-rollback', params: { name } };
    const firstStarted = gate();
    const firstMayFail = gate();
    let works = 0;
    const failingWork = async (tx: RequestContext): Promise<User> => {
      works++;
      await createUser(db, name)(tx);
      firstStarted.open();
      await firstMayFail.promise;
      throw new AppError('first failed', 'CONFLICT');
    };
    const goodWork = async (tx: RequestContext) => {
      works++;
      return createUser(db, name)(tx);
    };

    const first = service.run(ctx, request, failingWork, userCodec(db));
    await firstStarted.promise;
    const second = service.run(ctx, request, goodWork, userCodec(db));
    await untilBlockedOn(database.current.dataSource, 'INSERT INTO idempotency_records');
    firstMayFail.open();

    await expect(first).rejects.toThrow('first failed');
    const created = await second;
    expect(works).toBe(2);
    expect(created.displayName).toBe(name);
    expect(await countUsers(database.current.dataSource, name)).toBe(1);
  });
});
