import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';

/**
 * A TypeORM logger that counts the SQL statements a DataSource sends, for tests that prove a
 * request costs a constant number of queries (DataLoader batching). Inject it with
 * `createDataSource(config, { logger: counter })`; TypeORM calls `logQuery` for every statement,
 * whatever the `logging` option says.
 */
export class QueryCounter implements TypeOrmLogger {
  readonly queries: string[] = [];
  /** The parameters of each of `queries` (to EXPLAIN a statement as it was sent). */
  readonly parameters: Array<unknown[] | undefined> = [];

  get count(): number {
    return this.queries.length;
  }

  logQuery(query: string, parameters?: unknown[]): void {
    // A prepared statement (`statement-batch.ts`'s `prepared`) is a query config reading as text.
    const text = String(query);
    // Live updates (src/modules/live/live-channel.ts) leave as one NOTIFY per event-loop turn
    // after the responses, for whatever requests ran in that turn: not any one call's cost, and
    // they would land in whichever call is being counted next.
    if (text.startsWith('SELECT pg_notify(')) return;
    this.queries.push(text);
    this.parameters.push(parameters);
  }

  /** The statements `work` sent (only those: earlier ones are forgotten first). */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    this.queries.length = 0;
    this.parameters.length = 0;
    await work();
    return [...this.queries];
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/** An initialized DataSource on database `url` whose statements `counter` records. */
export async function createCountedDataSource(
  url: string,
  counter: QueryCounter,
): Promise<DataSource> {
  const dataSource = await createDataSource(
    { url, dataDir: 'memory://', poolSize: 4, migrationsRun: false, logging: false },
    { logger: counter },
  );
  await dataSource.initialize();
  return dataSource;
}
