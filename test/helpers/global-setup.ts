import 'reflect-metadata';
import { Client } from 'pg';
import { closeDataSource, createDataSource } from '../../src/db/data-source';
import { TEST_PG_ADMIN_URL, testDatabaseUrl } from './test-config';

/**
 * Once per jest run (integration and e2e tiers): a template database with every migration
 * applied. Each test file then clones it (`CREATE DATABASE … TEMPLATE`), which takes a fraction
 * of a second, instead of migrating again (STYLE.md 5.12, Immich's medium tier).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.QUORUM_TEST_TEMPLATE) return; // both tiers share one template per run
  const template = `quorum_tpl_${process.pid}`;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
  } finally {
    await admin.end();
  }
  const dataSource = await createDataSource({
    url: testDatabaseUrl(template),
    dataDir: 'memory://',
    poolSize: 2,
    migrationsRun: false,
    logging: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await closeDataSource(dataSource);
  }
  process.env.QUORUM_TEST_TEMPLATE = template;
}
