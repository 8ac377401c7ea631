import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config/load-config';

/** Entry point: loadConfig → createApp → listen; SIGTERM/SIGINT → graceful close. */
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
    app
      .close()
      .then(() => process.exit(0))
      .catch(error => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch(error => {
  process.stderr.write(
    `Quorum failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
