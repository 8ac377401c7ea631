import { createHash } from 'node:crypto';
import type { EntityManager, QueryRunner } from 'typeorm';

/** One piece of SQL with its own positional parameters (`$1`, `$2`, … local to the piece). */
export interface SqlPiece {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * Joins pieces into one statement: each piece's `$n` is renumbered after the parameters of the
 * pieces before it, and `join` receives the renumbered SQL texts. Pieces must not contain `$`
 * anywhere but in their parameters (no dollar quoting).
 */
export function joinPieces(
  pieces: readonly SqlPiece[],
  join: (sqls: string[]) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sqls = pieces.map(piece => {
    const offset = params.length;
    params.push(...piece.params);
    return piece.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  return { sql: join(sqls), params };
}

const statementNames = new Map<string, string>();

/**
 * `sql` as a named prepared statement of node-postgres (parsed and planned once per connection,
 * then only bound and executed: on the submit's statements planning cost PostgreSQL about twice
 * what executing did), for hot statements whose text repeats. Pass the result where TypeORM
 * takes the SQL text: it reaches `pg`'s `client.query` as a query config, and it reads as the
 * text everywhere else (logs, the statement counter). On the embedded database, the text as is.
 */
export function prepared(runner: QueryRunner | EntityManager | undefined, sql: string): string {
  const connection = runner?.connection;
  if (!connection || !(connection.options as { url?: string }).url) return sql;
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= 1000) statementNames.clear(); // texts are few; never unbounded
    name = `quorum_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, toString: () => sql } as unknown as string;
}

/**
 * Reads that do not depend on one another, sent as one statement: each piece is a SELECT of
 * exactly one value (a JSON object, usually), run as a scalar subquery; returns the values in
 * the pieces' order.
 */
export async function readTogether(
  runner: QueryRunner,
  pieces: readonly SqlPiece[],
): Promise<unknown[]> {
  if (pieces.length === 0) return [];
  const { sql, params } = joinPieces(
    pieces,
    sqls => `SELECT ${sqls.map((s, i) => `(${s}) AS r${i}`).join(', ')}`,
  );
  const result = await runner.query(prepared(runner, sql), params, true);
  const row = (result.records?.[0] ?? {}) as Record<string, unknown>;
  return pieces.map((_, i) => row[`r${i}`] ?? null);
}

type Send = (sql: string, parameters?: unknown[], structured?: boolean) => Promise<unknown>;

const batches = new WeakMap<QueryRunner, DeferredWrites>();

/**
 * Writes whose results nobody reads before COMMIT, held back and sent together: the next
 * statement the transaction sends (or its COMMIT) is preceded by one statement that runs them
 * all as data-modifying CTEs (`WITH w0 AS (…), w1 AS (…) SELECT 1`). Every CTE runs once, to
 * completion, on the same snapshot, so a held write must not touch a row another held write
 * touches (PostgreSQL would apply only one of them) and must not need what another one wrote;
 * whoever needs to read after a held write simply queries: the batch goes first. A ROLLBACK
 * drops the batch.
 *
 * This is how a submit ends in one write statement whatever the number of steps that wrote
 * (docs/scaling.md, "round trips").
 */
export class DeferredWrites {
  private pending: SqlPiece[] = [];

  private constructor(
    private readonly send: Send,
    private readonly runner: QueryRunner,
  ) {}

  /** Installs a batch on a transaction's runner: its `query` flushes the batch first. */
  static install(runner: QueryRunner): DeferredWrites {
    const existing = batches.get(runner);
    if (existing) return existing;
    const send = runner.query.bind(runner) as Send;
    const batch = new DeferredWrites(send, runner);
    batches.set(runner, batch);
    const query: Send = async (sql, parameters, structured) => {
      if (/^\s*ROLLBACK\b/i.test(sql)) batch.pending = [];
      else await batch.flush();
      return send(sql, parameters, structured);
    };
    runner.query = query as QueryRunner['query'];
    return batch;
  }

  /** The batch of a transaction's runner; undefined outside a transaction. */
  static of(runner: QueryRunner | undefined): DeferredWrites | undefined {
    return runner ? batches.get(runner) : undefined;
  }

  add(piece: SqlPiece): void {
    this.pending.push(piece);
  }

  /** Sends what is held, as one statement; nothing when nothing is. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const pieces = this.pending;
    this.pending = [];
    const { sql, params } =
      pieces.length === 1
        ? { sql: pieces[0].sql, params: [...pieces[0].params] }
        : joinPieces(
            pieces,
            sqls => `WITH ${sqls.map((s, i) => `w${i} AS (${s})`).join(', ')} SELECT 1`,
          );
    await this.send(prepared(this.runner, sql), params);
  }
}
