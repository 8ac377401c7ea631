import { BadUserInputError, ConflictError, IdempotencyKeyReusedError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isStorableText } from '../../common/text';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { requestHash } from './canonical-json';

/** Longest accepted `idempotencyKey` (Stripe allows 255 characters too). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** One call of an idempotent mutation. */
export interface IdempotentRequest {
  /** The mutation's name (`createProject`): keys are scoped per user and per operation. */
  readonly operation: string;
  /** The client's key; null or undefined runs the work without any record. */
  readonly key: string | null | undefined;
  /** Everything that shapes the outcome, WITHOUT the key itself; hashed canonically. */
  readonly params: unknown;
}

/**
 * How an operation's result is remembered and rebuilt. `toRecord` keeps what is needed to answer
 * the same way again (usually ids); `fromRecord` re-loads it inside the repeat's transaction.
 */
export interface IdempotentResultCodec<R> {
  toRecord(result: R): Record<string, unknown>;
  fromRecord(tx: RequestContext, record: Record<string, unknown>): Promise<R>;
}

/**
 * Makes a mutation safe to retry with an `idempotencyKey` (Stripe's contract): the first call
 * with a key does the work; a repeat with the same parameters returns the first call's result
 * without doing it again; a repeat with other parameters is refused with IDEMPOTENCY_KEY_REUSED.
 *
 * The record is inserted in the same transaction as the work, with
 * `INSERT … ON CONFLICT DO NOTHING` on the unique (user_id, operation, key). A concurrent call
 * with the same key therefore blocks on that insert until the first transaction ends: if it
 * committed, the second finds its record and returns its result; if it rolled back (the work
 * failed, so nothing was written), the second call's insert succeeds and it does the work itself.
 * Failures are not remembered: a rejected mutation writes nothing (DESIGN.md promise 4).
 *
 * Records are kept indefinitely for now; a purge of old keys (Stripe keeps them 24 h) is a job
 * for later.
 */
export class IdempotencyService {
  constructor(private readonly db: TransactionalConnection) {}

  /**
   * Runs `work` once per (caller, operation, key). Joins the caller's transaction when `ctx` is
   * in one, so the record and the work commit or roll back together.
   */
  async run<R>(
    ctx: RequestContext,
    request: IdempotentRequest,
    work: (tx: RequestContext) => Promise<R>,
    codec: IdempotentResultCodec<R>,
  ): Promise<R> {
    const { key, operation } = request;
    if (key === null || key === undefined) return this.db.withTransaction(ctx, work);
    if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !isStorableText(key)) {
      throw new BadUserInputError(
        `idempotencyKey must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, no NUL`,
        { field: 'idempotencyKey' },
      );
    }
    const userId = ctx.requireUserId();
    const hash = requestHash(request.params);

    return this.db.withTransaction(ctx, async tx => {
      const manager = this.db.manager(tx);
      const inserted: Array<{ id: string }> = await manager.query(
        `INSERT INTO idempotency_records (user_id, operation, key, request_hash)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, operation, key) DO NOTHING
         RETURNING id`,
        [userId, operation, key, hash],
      );
      const recordId = inserted[0]?.id;
      if (recordId) {
        const result = await work(tx);
        await manager.query(
          `UPDATE idempotency_records SET result = $1, updated_at = now() WHERE id = $2`,
          [JSON.stringify(codec.toRecord(result)), recordId],
        );
        return result;
      }

      // The insert waited for any concurrent holder of the key to finish; under READ COMMITTED
      // this new statement sees the row it committed.
      const existing: Array<{ request_hash: string; result: Record<string, unknown> | null }> =
        await manager.query(
          `SELECT request_hash, result FROM idempotency_records
           WHERE user_id = $1 AND operation = $2 AND key = $3`,
          [userId, operation, key],
        );
      const record = existing[0];
      // Only a purge racing with this call can remove the row between the two statements.
      if (!record) throw new ConflictError('Idempotency record vanished; retry the request');
      if (record.request_hash !== hash) throw new IdempotencyKeyReusedError(key);
      return codec.fromRecord(tx, record.result ?? {});
    });
  }
}
