import { AppError, BadUserInputError, ErrorCode, NotFoundError } from '../../common/errors';
import type { RequestContext } from '../../common/request-context';
import { isUuid } from '../../common/uuid';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { ProjectService } from '../projects/project.service';
import type { GoldExposureReport, GoldTaskExposure } from './gold-exposure.types';

/** Most gold tasks one report lists, and one retirement names. */
export const GOLD_EXPOSURE_LIMIT = 1000;

interface ExposureRow {
  task_id: string;
  external_id: string | null;
  served_workers: number;
  answers: number;
  retired_at: Date | null;
}

/** Gold tasks of project $1 with their exposure, most exposed first; $2: these ids only. */
const EXPOSURE_SQL = `
  SELECT t.id AS task_id, t.external_id, t.served_workers, t.retired_at,
         (SELECT count(*)::int FROM assignments a
          WHERE a.task_id = t.id AND a.submitted_at IS NOT NULL) AS answers
  FROM tasks t
  WHERE t.project_id = $1 AND t.is_gold
    AND ($2::uuid[] IS NULL OR t.id = ANY($2::uuid[]))
    AND (NOT $3::boolean OR (t.served_workers >= $4 AND t.retired_at IS NULL))
  ORDER BY t.served_workers DESC, t.id
  LIMIT $5`;

/**
 * Gold exposure for a project's owner (DESIGN.md promise 8): gold is served to at most
 * `goldExposureCap` distinct workers each (the selection enforces it, see
 * `GOLD_POOL_SQL`); the owner sees each gold task's exposure, which are over-exposed
 * (no longer served), and retires gold (stops serving it). Replacing gold is importing a new gold
 * task (`importTasks`) and retiring the old one. Owner or admin; anyone else NOT_FOUND.
 */
export class GoldExposureService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
  ) {}

  /** The project's gold exposure; `overExposedOnly` lists only gold at the cap, not retired. */
  async report(
    ctx: RequestContext,
    projectId: string,
    overExposedOnly: boolean,
  ): Promise<GoldExposureReport> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const cap = project.goldExposureCap;
      const manager = this.db.manager(tx);
      const [counts] = await queryRows<{ gold: number; in_service: number; over: number }>(
        manager,
        `SELECT count(*)::int AS gold,
                count(*) FILTER (WHERE retired_at IS NULL AND served_workers < $2)::int AS in_service,
                count(*) FILTER (WHERE retired_at IS NULL AND served_workers >= $2)::int AS over
         FROM tasks WHERE project_id = $1 AND is_gold`,
        [project.id, cap],
      );
      const rows = await queryRows<ExposureRow>(manager, EXPOSURE_SQL, [
        project.id,
        null,
        overExposedOnly,
        cap,
        GOLD_EXPOSURE_LIMIT,
      ]);
      return {
        projectId: project.id,
        cap,
        goldTasks: counts.gold,
        inService: counts.in_service,
        overExposed: counts.over,
        tasks: rows.map(row => exposureOf(row, cap)),
      };
    });
  }

  /**
   * Retires gold tasks of the project: they are never served again (answers already given keep
   * scoring). All or nothing: an id that is not a gold task of the project is NOT_FOUND and
   * nothing is retired. Retiring a retired task keeps its first retirement time.
   */
  async retire(
    ctx: RequestContext,
    projectId: string,
    taskIds: readonly string[],
  ): Promise<GoldTaskExposure[]> {
    const ids = [...new Set(taskIds)];
    if (ids.length === 0) {
      throw new BadUserInputError('Name at least one gold task', { field: 'taskIds' });
    }
    if (ids.length > GOLD_EXPOSURE_LIMIT) {
      throw new AppError(
        `At most ${GOLD_EXPOSURE_LIMIT} gold tasks per call`,
        ErrorCode.BATCH_TOO_LARGE,
        { field: 'taskIds', limit: GOLD_EXPOSURE_LIMIT, size: ids.length },
      );
    }
    const malformed = ids.find(id => !isUuid(id));
    if (malformed !== undefined) throw new NotFoundError('Task', malformed);
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const manager = this.db.manager(tx);
      const found = await queryRows<{ id: string }>(
        manager,
        `SELECT id FROM tasks WHERE project_id = $1 AND is_gold AND id = ANY($2::uuid[])
         ORDER BY id FOR UPDATE`,
        [project.id, ids],
      );
      const known = new Set(found.map(row => row.id));
      const unknown = ids.find(id => !known.has(id));
      if (unknown !== undefined) throw new NotFoundError('Task', unknown);
      await manager.query(
        `UPDATE tasks SET retired_at = $2, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND retired_at IS NULL`,
        [ids, tx.now()],
      );
      const rows = await queryRows<ExposureRow>(manager, EXPOSURE_SQL, [
        project.id,
        ids,
        false,
        project.goldExposureCap,
        GOLD_EXPOSURE_LIMIT,
      ]);
      return rows.map(row => exposureOf(row, project.goldExposureCap));
    });
  }
}

function exposureOf(row: ExposureRow, cap: number): GoldTaskExposure {
  return {
    taskId: row.task_id,
    externalId: row.external_id,
    servedWorkers: row.served_workers,
    answers: row.answers,
    overExposed: row.served_workers >= cap,
    retiredAt: row.retired_at,
  };
}
