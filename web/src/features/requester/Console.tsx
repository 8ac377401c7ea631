import './console.css';
import { ProjectList } from './ProjectList';
import { ProjectPage } from './ProjectPage';
import { ProjectWizard } from './ProjectWizard';
import { ReviewPanel } from './ReviewPanel';

const PROJECT_PATH = /^\/console\/projects\/([0-9a-f-]{36})(?:\/(\w+))?$/;
const REVIEW_PATH = /^\/console\/review\/([0-9a-f-]{36})$/;

/** The requester console's screens by path (under /console). */
export function RequesterConsole({ path }: { path: string }) {
  if (path === '/console/new') return <ProjectWizard />;
  const project = PROJECT_PATH.exec(path);
  if (project) return <ProjectPage projectId={project[1]!} section={project[2] ?? 'overview'} />;
  const review = REVIEW_PATH.exec(path);
  if (review) return <ReviewPanel projectId={review[1]!} />;
  return <ProjectList />;
}
