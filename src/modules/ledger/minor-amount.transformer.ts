import type { ValueTransformer } from 'typeorm';
import { minorAmountFromDatabase } from './math/money';

/**
 * `bigint` columns arrive from node-postgres as strings; money is handled as exact JavaScript
 * integers, so this converts and refuses anything beyond Number.MAX_SAFE_INTEGER.
 */
export const minorAmountTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : minorAmountFromDatabase(value)),
};
