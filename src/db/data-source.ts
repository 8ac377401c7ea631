import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { MIGRATIONS } from '../../migrations';
import { acquireDataDirLock } from './data-dir-lock';
import { ENTITIES } from './entities';

const embedded = new WeakMap<DataSource, PGlite>();
/** Releases the data-directory lock of an embedded DataSource persisted on disk. */
const locks = new WeakMap<DataSource, () => void>();

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

  // One process owns a directory (`npm start`, or a CLI command while the server is stopped).
  const onDisk = !config.dataDir.startsWith('memory://');
  const release = onDisk ? acquireDataDirLock(config.dataDir) : null;
  let pglite: PGlite;
  try {
    if (onDisk) mkdirSync(config.dataDir, { recursive: true });
    pglite = await PGlite.create(config.dataDir);
  } catch (error) {
    release?.();
    throw error;
  }
  // One connection: PGlite is single-session. Transactions are therefore serialised, which is
  // correct (if not concurrent) for row locks and SKIP LOCKED.
  const dataSource = new DataSource({
    ...common,
    poolSize: 1,
    extra: { ...createPgConfig(pglite), max: 1 },
  } as DataSourceOptions);
  embedded.set(dataSource, pglite);
  if (release) locks.set(dataSource, release);
  return dataSource;
}

/** True when the DataSource runs on the embedded database. */
export function isEmbedded(dataSource: DataSource): boolean {
  return embedded.has(dataSource);
}

/** The PGlite instance under an embedded DataSource (LISTEN goes to it directly), else undefined. */
export function embeddedDatabase(dataSource: DataSource): PGlite | undefined {
  return embedded.get(dataSource);
}

/** Destroys the DataSource and, on the embedded database, closes PGlite (flushing to disk). */
export async function closeDataSource(dataSource: DataSource): Promise<void> {
  if (dataSource.isInitialized) await dataSource.destroy();
  const pglite = embedded.get(dataSource);
  if (pglite && !pglite.closed) await pglite.close();
  embedded.delete(dataSource);
  locks.get(dataSource)?.();
  locks.delete(dataSource);
}
