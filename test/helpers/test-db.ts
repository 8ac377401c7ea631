import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { closeDataSource, createDataSource } from '../../src/db/data-source';
import { withPgClient } from './pg-admin';
import { TEST_PG_ADMIN_URL, testDatabaseUrl } from './test-config';

/** A database of its own for one test file, cloned from the run's migrated template. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * Clones the migrated template into a fresh database and opens a DataSource on it. Each test
 * file gets its own, so files never see each other's rows and may run on parallel jest workers.
 */
export async function createTestDatabase(
  options: { poolSize?: number } = {},
): Promise<TestDatabase> {
  const template = process.env.QUORUM_TEST_TEMPLATE;
  if (!template) throw new Error('QUORUM_TEST_TEMPLATE is unset: run through jest (global-setup)');
  const name = `${template.replace('tpl', 't')}_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async admin => {
    // Two files cloning the template at the same instant can collide (55006: "source database
    // is being accessed by other users"); the clone is cheap, so retry, backing off
    // exponentially with jitter so colliding files spread out instead of colliding again.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        const backoffMs = Math.min(1_000, 10 * 2 ** attempt) * (0.5 + Math.random());
        await new Promise(resolve => setTimeout(resolve, backoffMs));
      }
    }
  });
  const url = testDatabaseUrl(name);
  const dataSource = await createDataSource({
    url,
    dataDir: 'memory://',
    poolSize: options.poolSize ?? 20,
    migrationsRun: false,
    logging: false,
  });
  await dataSource.initialize();
  return {
    name,
    url,
    dataSource,
    async drop() {
      await closeDataSource(dataSource);
      await withAdmin(admin => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** `beforeAll`/`afterAll` wiring for a test file that needs its own database. */
export function useTestDatabase(options: { poolSize?: number } = {}): {
  readonly current: TestDatabase;
} {
  const holder: { current?: TestDatabase } = {};
  beforeAll(async () => {
    holder.current = await createTestDatabase(options);
  });
  afterAll(async () => {
    await holder.current?.drop();
  });
  return {
    get current() {
      if (!holder.current) throw new Error('test database not ready: use it inside a test');
      return holder.current;
    },
  };
}

function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  return withPgClient(TEST_PG_ADMIN_URL, work);
}
