import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../migrations';
import { useTestDatabase } from '../../helpers/test-db';

describe('migrations', () => {
  const db = useTestDatabase({ poolSize: 2 });

  it('lists every migration file in migrations/index.ts, in timestamp order', () => {
    const files = readdirSync(join(__dirname, '../../../migrations'))
      .filter(name => /^\d+-\w+\.ts$/.test(name))
      .sort();
    const listed = MIGRATIONS.map(migration => {
      const match = /^(\w+?)(\d+)$/.exec(migration.name);
      return `${match?.[2]}-${match?.[1]}.ts`;
    });
    expect(listed).toEqual(files);
  });

  it('leaves no difference between the entities and the migrated schema (drift check)', async () => {
    // The same comparison `typeorm migration:generate --check` makes: an empty diff means every
    // entity change has its migration.
    const sqlInMemory = await db.current.dataSource.driver.createSchemaBuilder().log();
    expect(sqlInMemory.upQueries.map(query => query.query)).toEqual([]);
  });

  it('runs every down migration and up again', async () => {
    const dataSource = db.current.dataSource;
    for (let i = 0; i < MIGRATIONS.length; i++)
      await dataSource.undoLastMigration({ transaction: 'each' });
    const remaining = await dataSource.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(remaining[0].n).toBe(0);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied).toHaveLength(MIGRATIONS.length);
  });
});
