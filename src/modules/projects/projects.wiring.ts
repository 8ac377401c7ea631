import type { WiringContext } from '../../wiring-context';
import type { IdempotencyService } from '../idempotency/idempotency.service';
import { ProjectResolver } from './project.resolver';
import { ProjectService } from './project.service';

/** Projects, label schemas and settings; other modules hook its transitions (payments). */
export function wireProjects(
  app: WiringContext,
  deps: { idempotency: IdempotencyService },
): { projects: ProjectService } {
  const projects = new ProjectService(app.db, app.events, deps.idempotency);
  app.resolvers.register(ProjectResolver, new ProjectResolver(projects));
  return { projects };
}
