import { Client } from 'pg';
import { TEST_PG_ADMIN_URL } from './test-config';

/** Drops the run's template and any clone a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.QUORUM_TEST_TEMPLATE;
  if (!template) return;
  const admin = new Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `${template.replace('tpl', 't')}\\_%`],
    );
    for (const { datname } of rows)
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  delete process.env.QUORUM_TEST_TEMPLATE;
}
