import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { closeDataSource, createDataSource } from '../db/data-source';

/**
 * Opens the configured database, brings it up to date with the migrations, runs `work` on it and
 * closes it whatever happens: the frame of the one-shot admin commands (create-admin,
 * register-model), which may run before the server ever has.
 */
export async function withMigratedDatabase<T>(
  config: DatabaseConfig,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const dataSource = await createDataSource(config);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    return await work(dataSource);
  } finally {
    await closeDataSource(dataSource);
  }
}
