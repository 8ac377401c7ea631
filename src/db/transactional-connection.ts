import type { DataSource, EntityManager, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import type { RequestContext } from '../common/request-context';
import { isRetryableTransactionError } from './pg-errors';
import { DeferredWrites, readTogether, type SqlPiece } from './statement-batch';

/** Attempts for a transaction that failed on a deadlock, serialization failure or lock timeout. */
export const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * Before attempt n + 1: a random wait up to n × this many ms, so two transactions that deadlocked
 * do not start over in step and meet again (the survivor usually commits meanwhile).
 */
const RETRY_JITTER_MS = 10;

/**
 * The only way services reach the database (Vendure's TransactionalConnection): repositories
 * are fetched through `ctx`, so a call made inside a transaction always uses that transaction's
 * connection, and nested `withTransaction` calls join the outer one.
 */
export class TransactionalConnection {
  constructor(readonly dataSource: DataSource) {}

  /** A repository bound to ctx's open transaction, or to the pool if there is none. */
  repo<T extends ObjectLiteral>(ctx: RequestContext, entity: EntityTarget<T>): Repository<T> {
    return this.manager(ctx).getRepository(entity);
  }

  /** The entity manager of ctx's transaction, or the pool's. */
  manager(ctx: RequestContext): EntityManager {
    return ctx.transactionManager ?? this.dataSource.manager;
  }

  /**
   * Runs `work` atomically. If `ctx` is already in a transaction, `work` joins it. Callbacks
   * queued with `ctx.afterCommit(...)` (event delivery) run only after COMMIT, so subscribers
   * always see committed data and a rolled-back mutation publishes nothing.
   *
   * A top-level transaction that fails with a deadlock, serialization failure or lock timeout
   * (SQLSTATE 40P01 / 40001 / 55P03) is retried from the start, up to
   * `MAX_TRANSACTION_ATTEMPTS` times in all: every mutation runs in one such transaction, and
   * nothing it did survives the rollback, so running it again is safe. `work` must therefore not
   * have side effects outside the database (call Stripe after commit, never inside). Past the
   * last attempt the error goes up as is and the error formatter answers TRANSACTION_CONFLICT
   * (retryable), never an internal error.
   */
  async withTransaction<T>(
    ctx: RequestContext,
    work: (tx: RequestContext) => Promise<T>,
  ): Promise<T> {
    if (ctx.transactionManager) return work(ctx);
    for (let attempt = 1; ; attempt++) {
      const afterCommit: Array<() => Promise<void> | void> = [];
      try {
        const result = await this.dataSource.transaction(manager => {
          DeferredWrites.install(manager.queryRunner!);
          return work(ctx.inTransaction(manager, afterCommit));
        });
        for (const callback of afterCommit) await callback();
        return result;
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
        await new Promise(resolve =>
          setTimeout(resolve, Math.random() * RETRY_JITTER_MS * attempt),
        );
      }
    }
  }

  /**
   * Holds a write back until the transaction's next statement or its COMMIT, which sends every
   * held write as one statement (`statement-batch.ts`: its rules). Outside a transaction, or in
   * one not opened here, the write runs now.
   */
  async defer(ctx: RequestContext, piece: SqlPiece): Promise<void> {
    const batch = DeferredWrites.of(ctx.transactionManager?.queryRunner);
    if (batch) batch.add(piece);
    else await this.manager(ctx).query(piece.sql, [...piece.params]);
  }

  /** Independent single-value reads in one statement (`readTogether`); values in order. */
  async readTogether(ctx: RequestContext, pieces: readonly SqlPiece[]): Promise<unknown[]> {
    const manager = this.manager(ctx);
    const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
    try {
      return await readTogether(runner, pieces);
    } finally {
      if (!manager.queryRunner) await runner.release();
    }
  }
}
