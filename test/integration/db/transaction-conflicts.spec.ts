import { GraphQLError } from 'graphql';
import { createLogger } from '../../../src/common/logger';
import { RequestContext } from '../../../src/common/request-context';
import { pgErrorCode } from '../../../src/db/pg-errors';
import {
  MAX_TRANSACTION_ATTEMPTS,
  TransactionalConnection,
} from '../../../src/db/transactional-connection';
import { createFormatError } from '../../../src/graphql/format-error';
import { useTestDatabase } from '../../helpers/test-db';

/**
 * Deadlocks, serialization failures and lock timeouts on real PostgreSQL (DESIGN.md promise 7:
 * never an internal error). Two transactions that lock two rows in opposite orders deadlock;
 * PostgreSQL aborts one, and `withTransaction` runs it again from the start, so both commit. A
 * transaction that keeps losing is answered TRANSACTION_CONFLICT (retryable), with nothing
 * written.
 */
describe('transaction conflicts', () => {
  const database = useTestDatabase({ poolSize: 4 });
  let db: TransactionalConnection;
  const ctx = () => RequestContext.create({ requestId: 'conflict-test' });

  beforeAll(async () => {
    db = new TransactionalConnection(database.current.dataSource);
    await db.dataSource.query(
      `CREATE TABLE conflict_probe (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`,
    );
  });

  beforeEach(async () => {
    await db.dataSource.query(`TRUNCATE conflict_probe`);
    await db.dataSource.query(`INSERT INTO conflict_probe (id) VALUES (1), (2)`);
  });

  /** A promise and its resolver, to hold each transaction until the other has its first lock. */
  function latch() {
    let open!: () => void;
    const opened = new Promise<void>(resolve => (open = resolve));
    return { open, opened };
  }

  async function counts(): Promise<number[]> {
    const rows: Array<{ n: number }> = await db.dataSource.query(
      `SELECT n FROM conflict_probe ORDER BY id`,
    );
    return rows.map(row => row.n);
  }

  it('retries the transaction PostgreSQL chose as the deadlock victim, and both commit', async () => {
    const [aHolds, bHolds] = [latch(), latch()];
    const attempts = { a: 0, b: 0 };
    const errors: string[] = [];
    /** Locks `first` then `second`; on its first attempt waits until the other holds its row. */
    const crossing = (name: 'a' | 'b', first: number, second: number) =>
      db.withTransaction(ctx(), async tx => {
        attempts[name]++;
        const manager = db.manager(tx);
        // Detection after 50 ms instead of 1 s keeps the test short; it changes no outcome.
        await manager.query(`SET LOCAL deadlock_timeout = '50ms'`);
        await manager.query(`UPDATE conflict_probe SET n = n + 1 WHERE id = $1`, [first]);
        if (attempts[name] === 1) {
          (name === 'a' ? aHolds : bHolds).open();
          await (name === 'a' ? bHolds : aHolds).opened;
        }
        await manager
          .query(`UPDATE conflict_probe SET n = n + 1 WHERE id = $1`, [second])
          .catch((error: unknown) => {
            errors.push(pgErrorCode(error) ?? 'none');
            throw error;
          });
      });

    await Promise.all([crossing('a', 1, 2), crossing('b', 2, 1)]);

    // PostgreSQL really deadlocked them: one of the two got 40P01 and ran a second time.
    expect(errors).toEqual(['40P01']);
    expect(attempts.a + attempts.b).toBe(3);
    // Each transaction's two increments committed exactly once: the victim's first attempt left
    // nothing behind.
    expect(await counts()).toEqual([2, 2]);
  });

  it('retries a lock timeout, and answers TRANSACTION_CONFLICT once the attempts run out', async () => {
    // Another session holds row 1 for the whole test: every attempt times out on it.
    const holder = database.current.dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`UPDATE conflict_probe SET n = n + 100 WHERE id = 1`);
    let attempts = 0;
    let failure: unknown;
    try {
      await db.withTransaction(ctx(), async tx => {
        attempts++;
        const manager = db.manager(tx);
        await manager.query(`SET LOCAL lock_timeout = '20ms'`);
        await manager.query(`UPDATE conflict_probe SET n = n + 1 WHERE id = 2`);
        await manager.query(`UPDATE conflict_probe SET n = n + 1 WHERE id = 1`);
      });
    } catch (error) {
      failure = error;
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    expect(pgErrorCode(failure)).toBe('55P03');
    expect(attempts).toBe(MAX_TRANSACTION_ATTEMPTS);
    // Rolled back every time: not even row 2, which it did lock, moved.
    expect(await counts()).toEqual([0, 0]);

    // What the client sees, as graphql-js hands the resolver's error to the formatter.
    const formatError = createFormatError(createLogger('silent'));
    const wrapped = new GraphQLError((failure as Error).message, {
      originalError: failure as Error,
      path: ['submitAssignment'],
    });
    const formatted = formatError(
      { message: wrapped.message, path: ['submitAssignment'], extensions: {} },
      wrapped,
    );
    expect(formatted.extensions).toEqual({
      code: 'TRANSACTION_CONFLICT',
      retryable: true,
      retryAfterSeconds: 1,
    });
    expect(formatted.message).not.toMatch(/lock|conflict_probe|UPDATE/i);
  });
});
