import { FieldResolver, Float, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../common/request-context';
import type { AuditQueriesService, WorkerQualityAuditResult } from './audit-queries.service';
import type { AuditReportService } from '../../reports/audit-report.service';
import { MyQuality, ProjectQualityAudit, WorkerQualityAudit } from './quality.types';
import { IdArg, OwnerQuery, WorkerQuery } from '../../graphql/operations';

/** Quality audit queries and the HTML audit report (issue 4, "Admin audit"; docs/quality.md). */
@Resolver(() => WorkerQualityAudit)
export class AuditResolver {
  constructor(
    private readonly queries: AuditQueriesService,
    private readonly reports: AuditReportService,
  ) {}

  @OwnerQuery(
    () => WorkerQualityAudit,
    'A worker’s gold accuracy, agreement with consensus, confusion, time, blocks and audit ' +
      'events on a project (owner or admin).',
  )
  workerQualityAudit(
    @IdArg('projectId') projectId: string,
    @IdArg('workerId') workerId: string,
    ctx: RequestContext,
  ): Promise<WorkerQualityAuditResult> {
    return this.queries.workerQualityAudit(ctx, projectId, workerId);
  }

  @FieldResolver(() => [[Float]], {
    nullable: true,
    description:
      'P(worker answers column | true row) from the latest aggregation fit, in `labels` order; ' +
      'null without a single-choice fit.',
  })
  modelConfusion(@Root() audit: WorkerQualityAuditResult): number[][] | null {
    return audit.modelConfusion ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The method of that fit.' })
  modelMethod(@Root() audit: WorkerQualityAuditResult): string | null {
    return audit.modelMethod ?? null;
  }

  @OwnerQuery(
    () => ProjectQualityAudit,
    'Agreement statistics (κ, α, AC1 with seeded bootstrap intervals) and the task confidence ' +
      'histogram of a project (owner or admin).',
  )
  projectQualityAudit(
    @IdArg('projectId') projectId: string,
    ctx: RequestContext,
  ): Promise<ProjectQualityAudit> {
    return this.queries.projectQualityAudit(ctx, projectId);
  }

  @WorkerQuery(
    () => MyQuality,
    'Your own accuracy figures and the blocks in force on you (one project, or all your ' +
      'answers when projectId is omitted: projectId is then empty). Never gold answers.',
  )
  myQuality(
    @IdArg('projectId', { nullable: true }) projectId: string | null,
    ctx: RequestContext,
  ): Promise<MyQuality> {
    return this.queries.myQuality(ctx, projectId ?? null);
  }

  @OwnerQuery(
    () => String,
    'The project’s audit report: one self-contained HTML document (owner or admin).',
  )
  auditReport(@IdArg('projectId') projectId: string, ctx: RequestContext): Promise<string> {
    return this.reports.auditReportHtml(ctx, projectId);
  }
}
