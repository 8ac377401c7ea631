/**
 * SQL condition: the `worker_blocks` row aliased `b` is on worker `workerExpr` and in force at
 * the timestamp parameter `nowParam` (not lifted, started, not yet ended). Callers add their
 * own project scope. Only trusted SQL fragments go in (`$1`, `u.id`), never values.
 */
export function blockInForceSql(workerExpr: string, nowParam: string): string {
  return `b.worker_id = ${workerExpr} AND b.lifted_at IS NULL AND b.starts_at <= ${nowParam}
          AND (b.ends_at IS NULL OR b.ends_at > ${nowParam})`;
}
