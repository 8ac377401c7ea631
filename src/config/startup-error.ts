/**
 * What `npm start` prints when it cannot start. The two database problems a newcomer meets first
 * (README's "Running on PostgreSQL") are told in words with the next step, without a stack:
 * a database that does not exist yet (PostgreSQL's 3D000, e.g. `quorum` before `createdb`) and no
 * server answering at DATABASE_URL's address. Anything else keeps its stack for the bug report.
 */
export function describeStartupError(error: unknown, databaseUrl: string | undefined): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === '3D000') {
    return (
      `${message} (DATABASE_URL). Create it first, e.g. ` +
      `createdb -h 127.0.0.1 -U postgres ${databaseName(databaseUrl) ?? '<name>'}; ` +
      'or unset DATABASE_URL to use the embedded database in ./data.'
    );
  }
  if (code === 'ECONNREFUSED' && databaseUrl) {
    return (
      `no PostgreSQL server answers at ${hostOf(databaseUrl)} (DATABASE_URL): start it, ` +
      'or unset DATABASE_URL to use the embedded database in ./data.'
    );
  }
  return error instanceof Error ? (error.stack ?? message) : message;
}

function databaseName(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || undefined;
  } catch {
    return undefined;
  }
}

/** host:port of the URL, never its credentials. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || 'DATABASE_URL';
  } catch {
    return 'DATABASE_URL';
  }
}
