import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import databaseSetup from './global-setup';

/**
 * The e2e tier's setup: the migrated template database (shared with the integration tier), and
 * the web app built once for the whole run when web/ changed since the last build, so the
 * browser tests load this checkout's pages and no test file rebuilds web/dist under another.
 */
export default async function globalSetup(): Promise<void> {
  await databaseSetup();
  execFileSync(process.execPath, [join(__dirname, '../../bin/build-web.js'), '--if-stale'], {
    stdio: 'inherit',
  });
}
