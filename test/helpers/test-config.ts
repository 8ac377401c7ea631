import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';

/** PostgreSQL server used by integration and e2e tests (trust auth on CI and dev machines). */
export const TEST_PG_ADMIN_URL =
  process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A config for tests: quiet logs, no migrations at start (test databases are cloned from a
 * migrated template), no background scheduler, everything else from the same loader production
 * uses.
 */
export function testConfig(env: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MIGRATIONS_RUN: 'false',
    DATABASE_POOL_SIZE: '20',
    // Tests advance a ManualClock and drain the job queue themselves; a background loop would
    // run sweeps at moments no test controls.
    JOBS_ENABLED: 'false',
    // Every test signs its users up from 127.0.0.1; the sign-up limit has its own test.
    SIGNUP_MAX_PER_ADDRESS: '1000000',
    ...env,
  });
}
