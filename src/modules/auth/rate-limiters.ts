import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { isEmbedded } from '../../db/data-source';

/** The table every PostgreSQL-backed limiter shares (migration 1796000000700); keys carry the limiter's prefix. */
export const RATE_LIMITS_TABLE = 'rate_limits';

/**
 * A limiter allowing `points` in `durationSeconds` per key. On PostgreSQL its counters live in
 * `rate_limits`, so every API process (node:cluster workers, other machines) shares one count;
 * on the embedded PGlite database, which only one process may own, they live in that process's
 * memory, which is then the same thing.
 */
export function createRateLimiter(
  dataSource: DataSource,
  options: { keyPrefix: string; points: number; durationSeconds: number },
): RateLimiterAbstract {
  const limits = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  };
  if (isEmbedded(dataSource)) return new RateLimiterMemory(limits);
  return new RateLimiterPostgres({
    ...limits,
    storeClient: dataSource,
    storeType: 'typeorm',
    tableName: RATE_LIMITS_TABLE,
    tableCreated: true,
  });
}
