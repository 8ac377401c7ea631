import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config';
import { AppError } from '../common/errors';
import { RequestContext } from '../common/request-context';
import { withMigratedDatabase } from './with-migrated-database';
import { TransactionalConnection } from '../db/transactional-connection';
import { AuthService } from '../modules/auth/auth.service';

const USAGE = `Usage: npm run admin:create -- --email <email> [--name <display name>]

Creates the first admin (or grants ADMIN to an existing account). The password is read from the
QUORUM_ADMIN_PASSWORD environment variable, or from standard input when it is not set, so it
never appears in the shell history or the process list.`;

/** `npm run admin:create -- --email …`: the only way an ADMIN comes to exist. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || !values.email) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const password = process.env.QUORUM_ADMIN_PASSWORD ?? (await readStdin()).trim();
  if (!password) {
    process.stderr.write('No password: set QUORUM_ADMIN_PASSWORD or pipe it on standard input.\n');
    process.exit(2);
  }

  const config = loadConfig(process.env);
  const email = values.email;
  await withMigratedDatabase(config.database, async dataSource => {
    const auth = new AuthService(new TransactionalConnection(dataSource), config.auth);
    const { user, created } = await auth.createAdmin(RequestContext.create(), {
      email,
      password,
      displayName: values.name,
    });
    process.stdout.write(
      `${created ? 'Created admin' : 'Granted ADMIN to (and set the password of) existing user'} ${user.email} (${user.id})\n`,
    );
  });
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Admin password: ');
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', chunk => (data += chunk));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}

main().catch(error => {
  if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
