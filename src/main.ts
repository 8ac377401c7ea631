import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app';
import { requestedProcesses, runClusterPrimary } from './cluster';
import { ConfigError, loadConfig } from './config/load-config';
import { describeStartupError } from './config/startup-error';

/** Time after the grace period for the scheduler and the database to close. */
const SHUTDOWN_MARGIN_MS = 5_000;

/**
 * Entry point: loadConfig → createApp → listen; SIGTERM/SIGINT → graceful close, bounded by
 * SHUTDOWN_GRACE_MS plus a margin.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // QUORUM_PROCESSES=N|auto: N API processes under node:cluster, on PostgreSQL only (the
  // embedded database has one owner process).
  const processes = config.database.url ? requestedProcesses(process.env.QUORUM_PROCESSES) : 1;
  if (processes > 1 && cluster.isPrimary) {
    runClusterPrimary(processes, message => process.stdout.write(`${message}\n`));
    return;
  }
  const app = await createApp(config);
  const url = await app.listen();
  app.logger.info(
    {
      url: `${url}/graphql`,
      database: config.database.url ? 'postgresql' : `embedded (${config.database.dataDir})`,
    },
    'Quorum is listening',
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // The drain force-closes connections after the grace period; a close that still hangs
    // (a stuck query, a database that never answers) must not keep the process alive.
    setTimeout(() => {
      app.logger.error({ signal }, 'shutdown timed out; exiting');
      process.exit(1);
    }, config.http.shutdownGraceMs + SHUTDOWN_MARGIN_MS).unref();
    app
      .close()
      .then(() => {
        app.logger.info({ signal }, 'stopped');
        process.exit(0);
      })
      .catch(error => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch(error => {
  // A ConfigError (e.g. the embedded database held by another process) is told without a stack,
  // and so are a missing database and a PostgreSQL that is not running (startup-error.ts).
  const shown =
    error instanceof ConfigError
      ? error.message
      : describeStartupError(error, process.env.DATABASE_URL);
  process.stderr.write(`Quorum failed to start: ${shown}\n`);
  process.exit(1);
});
