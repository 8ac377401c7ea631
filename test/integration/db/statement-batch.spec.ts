import type { DataSource } from 'typeorm';
import { closeDataSource } from '../../../src/db/data-source';
import { joinPieces } from '../../../src/db/statement-batch';
import { TransactionalConnection } from '../../../src/db/transactional-connection';
import { systemContext } from '../../helpers/factories';
import { createCountedDataSource, QueryCounter } from '../../helpers/query-counter';
import { useTestDatabase } from '../../helpers/test-db';

/**
 * Held writes (`TransactionalConnection.defer`): sent as one statement before the transaction's
 * next statement or its COMMIT, dropped by a ROLLBACK, so correctness never depends on them and
 * only the number of round trips does (docs/scaling.md, "Round trips").
 */
describe('held writes and joined reads', () => {
  const database = useTestDatabase({ poolSize: 2 });
  const counter = new QueryCounter();
  let ds: DataSource;
  let db: TransactionalConnection;
  const ctx = systemContext();
  const insert = (id: number, v: string) => ({
    sql: 'INSERT INTO batch_probe (id, v) VALUES ($1, $2)',
    params: [id, v],
  });
  const rows = async () =>
    (await ds.query('SELECT id, v FROM batch_probe ORDER BY id')) as Array<{
      id: number;
      v: string;
    }>;

  beforeAll(async () => {
    ds = await createCountedDataSource(database.current.url, counter);
    db = new TransactionalConnection(ds);
    await ds.query('CREATE TABLE batch_probe (id int PRIMARY KEY, v text NOT NULL)');
  });

  afterAll(async () => {
    await closeDataSource(ds);
  });

  beforeEach(async () => {
    await ds.query('DELETE FROM batch_probe');
  });

  it('renumbers each piece after the parameters of the pieces before it', () => {
    const joined = joinPieces([insert(1, 'a'), insert(2, 'b')], sqls => sqls.join('; '));
    expect(joined.sql).toBe(
      'INSERT INTO batch_probe (id, v) VALUES ($1, $2); INSERT INTO batch_probe (id, v) VALUES ($3, $4)',
    );
    expect(joined.params).toEqual([1, 'a', 2, 'b']);
  });

  it('sends every held write as one statement just before COMMIT', async () => {
    const statements = await counter.during(() =>
      db.withTransaction(ctx, async tx => {
        await db.defer(tx, insert(1, 'a'));
        await db.defer(tx, insert(2, 'b'));
        await db.defer(tx, { sql: 'UPDATE batch_probe SET v = $1 WHERE id = 0', params: ['z'] });
      }),
    );
    expect(statements).toHaveLength(3);
    expect(statements[1]).toMatch(
      /^WITH w0 AS \(INSERT .*\), w1 AS \(INSERT .*\), w2 AS \(UPDATE /s,
    );
    expect(statements[2]).toBe('COMMIT');
    expect(await rows()).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
    ]);
  });

  it('sends held writes before any other statement, which therefore sees them', async () => {
    const seen = await db.withTransaction(ctx, async tx => {
      await db.defer(tx, insert(1, 'a'));
      const [count] = await db.readTogether(tx, [
        { sql: 'SELECT count(*)::int FROM batch_probe WHERE v = $1', params: ['a'] },
      ]);
      return count;
    });
    expect(seen).toBe(1);
  });

  it('drops held writes when the transaction rolls back, and fails the commit when one fails', async () => {
    await expect(
      db.withTransaction(ctx, async tx => {
        await db.defer(tx, insert(1, 'a'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await rows()).toEqual([]);

    await ds.query(`INSERT INTO batch_probe (id, v) VALUES (5, 'x')`);
    await expect(
      db.withTransaction(ctx, async tx => {
        await db.defer(tx, insert(6, 'y'));
        await db.defer(tx, insert(5, 'duplicate'));
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([{ id: 5, v: 'x' }]);
  });

  it('prepares the joined statements once per connection on PostgreSQL', async () => {
    const read = { sql: 'SELECT count(*)::int FROM batch_probe WHERE id > $1', params: [0] };
    const prepared = await db.withTransaction(ctx, async tx => {
      await db.readTogether(tx, [read]);
      await db.readTogether(tx, [read]);
      const [names] = await db.readTogether(tx, [
        {
          sql: `SELECT array_agg(statement) FROM pg_prepared_statements WHERE name LIKE $1`,
          params: ['quorum\\_%'],
        },
      ]);
      return names as string[];
    });
    expect(prepared.filter(text => text.includes('batch_probe WHERE id > $1'))).toHaveLength(1);
  });

  it('runs a write at once outside a transaction', async () => {
    await db.defer(ctx, insert(3, 'c'));
    expect(await rows()).toEqual([{ id: 3, v: 'c' }]);
  });
});
