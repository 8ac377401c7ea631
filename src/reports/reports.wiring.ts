import type { WiringContext } from '../wiring-context';
import type { ProjectService } from '../modules/projects/project.service';
import { AuditResolver } from '../modules/quality/audit.resolver';
import type { Quality } from '../modules/quality/quality.wiring';
import { AuditReportService } from './audit-report.service';

/**
 * The HTML audit report, a view over quality's audit queries; the audit resolver serves both the
 * queries and the report, so it is registered here, where both exist.
 */
export function wireReports(
  app: WiringContext,
  deps: { projects: ProjectService; quality: Quality },
): { auditReports: AuditReportService } {
  const { auditQueries, audit } = deps.quality;
  const auditReports = new AuditReportService(app.db, deps.projects, auditQueries, audit);
  app.resolvers.register(AuditResolver, new AuditResolver(auditQueries, auditReports));
  return { auditReports };
}
