import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import { blockInForceSql } from './block-in-force.sql';
import { MyQualificationStatus } from './qualification.types';
import { CatalogueProject } from './worker-catalogue.types';

/** At most this many projects in one catalogue answer (oldest launch first). */
const CATALOGUE_LIMIT = 100;

/**
 * ACTIVE projects of other owners, minus those where worker $1 is blocked at time $2 (the same
 * filters as the lease query, so the catalogue never lists a project that would serve nothing
 * for that reason). The median is over server-measured durations of every submitted answer.
 */
const CATALOGUE_SQL = `
  SELECT p.id, p.name, p.reward_amount, p.currency, p.qualification_task_count,
         p.assignment_duration_seconds, u.display_name AS requester_display_name,
         (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a.server_duration_ms)
            FROM assignments a
            WHERE a.project_id = p.id AND a.server_duration_ms IS NOT NULL) AS median_ms,
         left_for_worker.ordinary_left, left_for_worker.gold_left,
         (SELECT q.status FROM worker_qualifications q
            WHERE q.project_id = p.id AND q.worker_id = $1
            ORDER BY q.attempt DESC LIMIT 1) AS qualification_status
  FROM projects p
  JOIN users u ON u.id = p.owner_id
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE NOT t.is_gold AND t.live_assignments < p.max_overlap)::int
             AS ordinary_left,
           count(*) FILTER (WHERE t.is_gold AND t.retired_at IS NULL
                              AND t.served_workers < p.gold_exposure_cap)::int AS gold_left
      FROM tasks t
      WHERE t.project_id = p.id AND t.status = 'OPEN'
        AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.worker_id = $1)
  ) left_for_worker
  WHERE p.status = 'ACTIVE'
    AND p.owner_id <> $1
    AND NOT EXISTS (
      SELECT 1 FROM worker_blocks b
      WHERE ${blockInForceSql('$1', '$2')} AND (b.project_id IS NULL OR b.project_id = p.id))
  ORDER BY p.launched_at NULLS LAST, p.id
  LIMIT ${CATALOGUE_LIMIT}`;

interface CatalogueRow {
  id: string;
  name: string;
  reward_amount: number;
  currency: string;
  qualification_task_count: number;
  assignment_duration_seconds: number;
  requester_display_name: string;
  median_ms: number | null;
  ordinary_left: number;
  gold_left: number;
  qualification_status: string | null;
}

/**
 * The work a worker is told is left: every open task they have not answered, gold included, so
 * the figure drops by one whatever the task they just answered was (counting ordinary tasks
 * only told a worker which of their answers went to gold). Gold is counted only while ordinary
 * work is left, as it is only served then (marketplace/leasing.service.ts).
 */
export function tasksLeftShown(ordinaryLeft: number, goldLeft: number): number {
  return ordinaryLeft > 0 ? ordinaryLeft + goldLeft : 0;
}

/** The worker app's project catalogue (read only). */
export class WorkerCatalogueService {
  constructor(private readonly db: TransactionalConnection) {}

  /** Projects open to the calling worker, with pay, measured time per task and work left. */
  async catalogue(ctx: RequestContext): Promise<CatalogueProject[]> {
    const workerId = ctx.requireUserId();
    const rows = await queryRows<CatalogueRow>(this.db.manager(ctx), CATALOGUE_SQL, [
      workerId,
      ctx.now(),
    ]);
    return rows.map(row => toCatalogueProject(row));
  }
}

function toCatalogueProject(row: CatalogueRow): CatalogueProject {
  const medianMs = row.median_ms == null ? null : Number(row.median_ms);
  // At least 1 s: a sub-second median would promise an absurd hourly rate.
  const seconds = medianMs == null ? null : Math.max(medianMs / 1000, 1);
  const required = row.qualification_task_count > 0;
  return Object.assign(new CatalogueProject(), {
    projectId: row.id,
    name: row.name,
    requesterDisplayName: row.requester_display_name,
    rewardAmount: row.reward_amount,
    currency: row.currency,
    estimatedSecondsPerTask: seconds,
    hourlyRate: seconds == null ? null : Math.floor((row.reward_amount * 3600) / seconds),
    tasksLeft: tasksLeftShown(row.ordinary_left, row.gold_left),
    qualificationRequired: required,
    qualificationStatus: !required
      ? MyQualificationStatus.NOT_REQUIRED
      : ((row.qualification_status as MyQualificationStatus | null) ??
        MyQualificationStatus.NOT_STARTED),
    assignmentDurationSeconds: row.assignment_duration_seconds,
  });
}
