import type { EntityManager } from 'typeorm';
import { queryRows } from '../../db/query-rows';

/** One broken invariant, with up to a few offending rows. */
export interface InvariantViolation {
  readonly invariant: string;
  readonly count: number;
  readonly examples: Record<string, unknown>[];
}

/**
 * The marketplace's promises 1 and 2 as SQL over committed rows, each query returning the rows
 * that break it. Used by the concurrency tests and `npm run bench:serve`; cheap enough for an
 * admin audit on a live database (one pass over tasks and assignments).
 */
const INVARIANTS: Record<string, string> = {
  // Promise 1 (the unique key makes this impossible; checked anyway).
  'a worker holds or answered a task at most once': `
    SELECT task_id, worker_id, count(*)::int AS n FROM assignments
    GROUP BY task_id, worker_id HAVING count(*) > 1`,
  // Promise 2.
  'an ordinary task never has more live-or-counted assignments than its max overlap': `
    SELECT t.id AS task_id, t.live_assignments, p.max_overlap FROM tasks t
    JOIN projects p ON p.id = t.project_id
    WHERE NOT t.is_gold AND t.live_assignments > p.max_overlap`,
  // The counters that promise 2 rests on equal a recount.
  'task counters equal a recount of its assignments': `
    SELECT t.id AS task_id, t.live_assignments, t.counted_answers,
           coalesce(c.leased, 0) AS leased, coalesce(c.counted, 0) AS counted
    FROM tasks t
    LEFT JOIN (
      SELECT task_id,
             count(*) FILTER (WHERE status = 'LEASED')::int AS leased,
             count(*) FILTER (WHERE counted)::int AS counted
      FROM assignments GROUP BY task_id
    ) c ON c.task_id = t.id
    WHERE t.live_assignments <> coalesce(c.leased, 0) + coalesce(c.counted, 0)
       OR t.counted_answers <> coalesce(c.counted, 0)`,
  'only submitted or approved answers are counted': `
    SELECT id AS assignment_id, status FROM assignments
    WHERE counted AND status NOT IN ('SUBMITTED', 'APPROVED')`,
  'a requester never labels their own project': `
    SELECT a.id AS assignment_id, a.worker_id FROM assignments a
    JOIN projects p ON p.id = a.project_id WHERE a.worker_id = p.owner_id`,
  'a completed fixed-overlap task has all its answers': `
    SELECT t.id AS task_id, t.counted_answers, p.max_overlap FROM tasks t
    JOIN projects p ON p.id = t.project_id
    WHERE t.status = 'COMPLETE' AND p.min_overlap = p.max_overlap
      AND t.counted_answers < p.max_overlap`,
  'gold tasks never complete': `
    SELECT id AS task_id FROM tasks WHERE is_gold AND status = 'COMPLETE'`,
};

/** Every broken invariant (empty when all hold), with up to 5 example rows each. */
export async function findInvariantViolations(
  manager: EntityManager,
): Promise<InvariantViolation[]> {
  const violations: InvariantViolation[] = [];
  for (const [invariant, sql] of Object.entries(INVARIANTS)) {
    const rows = await queryRows<Record<string, unknown>>(manager, sql);
    if (rows.length > 0) {
      violations.push({ invariant, count: rows.length, examples: rows.slice(0, 5) });
    }
  }
  return violations;
}
