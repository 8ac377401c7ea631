import { lazy, Suspense, useEffect } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { SignIn } from '../features/worker/SignIn';
import { Catalogue } from '../features/worker/Catalogue';
import { MyWork } from '../features/worker/MyWork';
import { TaskScreen } from '../features/worker/TaskScreen';
import { LOCALE_NAMES, type Locale, useI18n } from '../i18n/i18n';
import { Link, navigate, usePath } from './router';
import { useSession } from './session';

// The console and the admin pages load on first use: a worker's first screen never downloads them.
const RequesterConsole = lazy(() =>
  import('../features/requester/Console').then(module => ({ default: module.RequesterConsole })),
);
const AdminPage = lazy(() =>
  import('../features/admin/AdminPage').then(module => ({ default: module.AdminPage })),
);

/** Whether a worker reviews any project (granted by its owner): then the console is theirs too. */
const ConsoleAccess = graphql(`
  query ConsoleAccess {
    reviewableProjects {
      projectId
    }
  }
`);

/** The shell: skip link, navigation, language switch, and the screen for the path. */
export function App() {
  const { t, locale, setLocale } = useI18n();
  const { session, signOut } = useSession();
  const path = usePath();
  const staff = !!session && mayUseConsole(session.roles);
  const [reviews] = useQuery({ query: ConsoleAccess, pause: !session || staff });
  /** The console's link and paths: requesters, admins and granted reviewers (null: not known yet). */
  const consoleAllowed = staff
    ? true
    : reviews.data
      ? reviews.data.reviewableProjects.length > 0
      : reviews.error
        ? false
        : null;

  useEffect(() => {
    if (!session && path !== '/signin' && path !== '/signup') navigate('/signin');
  }, [session, path]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        {session && (
          <nav aria-label={t('app.name')}>
            <Link to="/">{t('nav.catalogue')}</Link>
            <Link to="/my-work">{t('nav.myWork')}</Link>
            {consoleAllowed && <Link to="/console">{t('nav.console')}</Link>}
            {session.roles.includes('ADMIN') && <Link to="/admin">{t('nav.admin')}</Link>}
          </nav>
        )}
        <label className="language">
          {t('nav.language')}{' '}
          <select value={locale} onChange={event => setLocale(event.target.value as Locale)}>
            {Object.entries(LOCALE_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {session && (
          <button type="button" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
          <Screen path={path} roles={session?.roles ?? null} consoleAllowed={consoleAllowed} />
        </Suspense>
      </main>
    </>
  );
}

/** Requesters own projects; admins see every project: both get the console. */
function mayUseConsole(roles: readonly string[]): boolean {
  return roles.includes('REQUESTER') || roles.includes('ADMIN');
}

/**
 * The screen for the path. A screen the user may not open (the console for a worker who reviews
 * nothing, the admin pages for a non-admin) shows their start screen instead, as its link is
 * not shown either.
 */
function Screen({
  path,
  roles,
  consoleAllowed,
}: {
  path: string;
  roles: readonly string[] | null;
  consoleAllowed: boolean | null;
}) {
  const { t } = useI18n();
  if (!roles) return <SignIn mode={path === '/signup' ? 'signUp' : 'signIn'} />;
  // Requesters (and admins) without a worker role start in the console.
  const start = roles.includes('WORKER') ? <Catalogue /> : <RequesterConsole path="/console" />;
  if (path === '/') return start;
  const work = /^\/work\/([0-9a-f-]{36})$/.exec(path);
  if (work) return <TaskScreen projectId={work[1]!} />;
  if (path === '/my-work') return <MyWork />;
  if (path === '/console' || path.startsWith('/console/')) {
    if (consoleAllowed === null) return <p role="status">{t('app.loading')}</p>;
    if (consoleAllowed) return <RequesterConsole path={path} />;
  }
  if (path.startsWith('/admin') && roles.includes('ADMIN')) return <AdminPage path={path} />;
  return start;
}
