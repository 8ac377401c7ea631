import type { WiringContext } from '../../wiring-context';
import type { ReviewService } from '../marketplace/review.service';
import type { TaskSlots } from '../marketplace/task-slots';
import type { ProjectService } from '../projects/project.service';
import { WorkerBlockedEvent, WorkerUnblockedEvent } from '../workers/worker-block.events';
import type { WorkerStandingService } from '../workers/worker-standing.service';
import { AuditQueriesService } from './audit-queries.service';
import { AuditService } from './audit.service';
import { ExclusionService } from './exclusion.service';
import { QualityRulesService } from './quality-rules.service';
import { QualityResolver } from './quality.resolver';

/** The quality module's services (its audit resolver is wired with the report, `reports/`). */
export interface Quality {
  readonly audit: AuditService;
  readonly exclusions: ExclusionService;
  readonly qualityRules: QualityRulesService;
  readonly auditQueries: AuditQueriesService;
}

/**
 * Rules, evidence, exclusions and the audit log. Rules act through other modules' services
 * (blocks through `WorkerStandingService`, rejections through `ReviewService`, exclusions through
 * `TaskSlots`); people's blocks and lifts reach the audit log through the workers' events. The
 * rules' submission step is listed in `submission-steps.ts`.
 */
export function wireQuality(
  app: WiringContext,
  deps: {
    projects: ProjectService;
    review: ReviewService;
    slots: TaskSlots;
    standing: WorkerStandingService;
  },
): Quality {
  const audit = new AuditService(app.db);
  const exclusions = new ExclusionService(app.db, audit, deps.slots);
  const auditQueries = new AuditQueriesService(app.db, deps.projects, audit);
  const qualityRules = new QualityRulesService(
    app.db,
    app.events,
    deps.projects,
    deps.review,
    exclusions,
    audit,
    deps.standing,
  );
  app.events.subscribe(WorkerBlockedEvent, (ctx, event) =>
    qualityRules.onWorkerBlocked(ctx, event),
  );
  app.events.subscribe(WorkerUnblockedEvent, (ctx, event) =>
    qualityRules.onWorkerUnblocked(ctx, event),
  );
  app.resolvers.register(
    QualityResolver,
    new QualityResolver(qualityRules, exclusions, audit, deps.projects),
  );
  return { audit, exclusions, qualityRules, auditQueries };
}
