import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Runs hand-written SQL and returns its rows, whatever the statement: TypeORM's
 * `manager.query()` answers `[rows, count]` for a top-level UPDATE/DELETE … RETURNING and plain
 * rows otherwise, so callers of data-modifying SQL would have to know which. Uses the manager's
 * own connection when it has one (inside a transaction: it must, or PGlite's single connection
 * deadlocks), else a pooled connection released afterwards.
 *
 * Parameters are positional (`$1`, `$2`, …); never interpolate values into `sql`.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return (result.records ?? []) as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

/**
 * Turns a raw row of `target`'s table (snake_case column names, as `RETURNING *` gives them) into
 * an entity instance, through TypeORM's own column metadata and type hydration, so hand-written
 * SQL returns the same objects repositories do and a column added later is not forgotten.
 */
export function hydrateRow<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
): T {
  const metadata = manager.connection.getMetadata(target);
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (!(column.databaseName in row)) continue;
    const value = manager.connection.driver.prepareHydratedValue(row[column.databaseName], column);
    column.setEntityValue(entity, value);
  }
  return entity;
}
