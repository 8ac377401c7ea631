import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';
import { ENTITIES } from './entities';

const embedded = new WeakMap<DataSource, PGlite>();

/**
 * The one DataSource factory, used by the app, `ormconfig.ts` (TypeORM CLI) and tests.
 * `url` set → PostgreSQL through `pg`. Unset → embedded PGlite (PostgreSQL compiled to WASM)
 * through PGlite's own node-postgres adapter, so the same driver, SQL and migrations run on
 * both. `synchronize` is never on: the schema comes from migrations only.
 *
 * The returned DataSource is not initialised yet; close it with `closeDataSource`.
 */
export async function createDataSource(
  config: DatabaseConfig,
  options: { logger?: TypeOrmLogger } = {},
): Promise<DataSource> {
  const common = {
    type: 'postgres',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: config.logging,
    logger: options.logger,
    // gen_random_uuid() is core PostgreSQL since 13: no extension to install on either engine.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
  } as const;

  if (config.url) {
    return new DataSource({
      ...common,
      url: config.url,
      poolSize: config.poolSize,
      extra: { max: config.poolSize, application_name: 'quorum' },
    } as DataSourceOptions);
  }

  if (!config.dataDir.startsWith('memory://')) mkdirSync(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(config.dataDir);
  // One connection: PGlite is single-session. Transactions are therefore serialised, which is
  // correct (if not concurrent) for row locks and SKIP LOCKED.
  const dataSource = new DataSource({
    ...common,
    poolSize: 1,
    extra: { ...createPgConfig(pglite), max: 1 },
  } as DataSourceOptions);
  embedded.set(dataSource, pglite);
  return dataSource;
}

/** True when the DataSource runs on the embedded database. */
export function isEmbedded(dataSource: DataSource): boolean {
  return embedded.has(dataSource);
}

/** Destroys the DataSource and, on the embedded database, closes PGlite (flushing to disk). */
export async function closeDataSource(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  const pglite = embedded.get(dataSource);
  if (pglite && !pglite.closed) await pglite.close();
  embedded.delete(dataSource);
}
