import type { RequestContext } from '../../common/request-context';
import { queryRows } from '../../db/query-rows';
import type { TransactionalConnection } from '../../db/transactional-connection';
import type { ProjectService } from '../projects/project.service';
import type { ProjectProgress } from './project-progress.types';
import { TaskStatus } from './task.types';

const HOUR_MS = 3_600_000;

/**
 * The dashboard's live figures for a project's owner (or an admin; anyone else NOT_FOUND): the
 * recent answer rate and the answers still needed, and from both the estimated time to finish.
 */
export class ProjectProgressService {
  constructor(
    private readonly db: TransactionalConnection,
    private readonly projects: ProjectService,
  ) {}

  async progress(ctx: RequestContext, projectId: string): Promise<ProjectProgress> {
    return this.db.withTransaction(ctx, async tx => {
      const project = await this.projects.requireProject(tx, projectId);
      const manager = this.db.manager(tx);
      const now = ctx.now().getTime();
      const [rate] = await queryRows<{ hour: number; day: number }>(
        manager,
        `SELECT count(*) FILTER (WHERE submitted_at > $2)::int AS hour,
                count(*)::int AS day
         FROM assignments
         WHERE project_id = $1 AND submitted_at > $3 AND submitted_at <= $4`,
        [project.id, new Date(now - HOUR_MS), new Date(now - 24 * HOUR_MS), new Date(now)],
      );
      const [left] = await queryRows<{ at_least: string; at_most: string }>(
        manager,
        `SELECT coalesce(sum(greatest(0, $2::int - counted_answers)), 0) AS at_least,
                coalesce(sum(greatest(0, $3::int - counted_answers)), 0) AS at_most
         FROM tasks
         WHERE project_id = $1 AND NOT is_gold AND status = $4`,
        [project.id, project.minOverlap, project.maxOverlap, TaskStatus.OPEN],
      );
      const answersPerHour = rate!.hour > 0 ? rate!.hour : rate!.day / 24;
      const answersNeeded = Number(left!.at_least);
      return {
        projectId: project.id,
        answersLastHour: rate!.hour,
        answersLastDay: rate!.day,
        answersPerHour,
        answersNeeded,
        answersNeededAtMost: Number(left!.at_most),
        etaSeconds:
          answersNeeded === 0
            ? 0
            : answersPerHour > 0
              ? Math.round((answersNeeded / answersPerHour) * 3600)
              : null,
      };
    });
  }
}
