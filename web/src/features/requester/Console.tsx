import './console.css';
import type { ReactNode } from 'react';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n/i18n';
import { ApiKeysPage } from './ApiKeysPage';
import { MoneyPage } from './MoneyPage';
import { ProjectList } from './ProjectList';
import { ProjectPage } from './ProjectPage';
import { ProjectWizard } from './ProjectWizard';
import { RequesterOnly } from './RequesterOnly';
import { ReviewPanel } from './ReviewPanel';

const PROJECT_PATH = /^\/console\/projects\/([0-9a-f-]{36})(?:\/(\w+))?$/;
const REVIEW_PATH = /^\/console\/review\/([0-9a-f-]{36})$/;
/** The console's pages about the requester's own account (never a reviewer's). */
const REQUESTER_PAGES: Record<string, () => ReactNode> = {
  '/console/money': MoneyPage,
  '/console/api-keys': ApiKeysPage,
};

/** The requester console: its own links (requesters only), then the screen for the path. */
export function RequesterConsole({ path }: { path: string }) {
  const { t } = useI18n();
  const { session } = useSession();
  return (
    <>
      {session?.roles.includes('REQUESTER') && (
        <nav aria-label={t('console.nav')} className="tabs">
          <Link to="/console">{t('console.projects.title')}</Link>
          <Link to="/console/money">{t('console.moneyPage.title')}</Link>
          <Link to="/console/api-keys">{t('console.keys.title')}</Link>
        </nav>
      )}
      <ConsoleScreen path={path} />
    </>
  );
}

/** The console's screens by path (under /console). */
function ConsoleScreen({ path }: { path: string }) {
  if (path === '/console/new') return <ProjectWizard />;
  const Page = REQUESTER_PAGES[path];
  if (Page) {
    return (
      <RequesterOnly>
        <Page />
      </RequesterOnly>
    );
  }
  const project = PROJECT_PATH.exec(path);
  if (project) return <ProjectPage projectId={project[1]!} section={project[2] ?? 'overview'} />;
  const review = REVIEW_PATH.exec(path);
  if (review) return <ReviewPanel projectId={review[1]!} />;
  return <ProjectList />;
}
