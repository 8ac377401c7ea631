import { useEffect } from 'react';
import { AdminPage } from '../features/admin/AdminPage';
import { RequesterConsole } from '../features/requester/Console';
import { SignIn } from '../features/worker/SignIn';
import { Catalogue } from '../features/worker/Catalogue';
import { MyWork } from '../features/worker/MyWork';
import { TaskScreen } from '../features/worker/TaskScreen';
import { LOCALE_NAMES, type Locale, useI18n } from '../i18n/i18n';
import { Link, navigate, usePath } from './router';
import { useSession } from './session';

/** The shell: skip link, navigation, language switch, and the screen for the path. */
export function App() {
  const { t, locale, setLocale } = useI18n();
  const { session, signOut } = useSession();
  const path = usePath();

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
            <Link to="/console">{t('nav.console')}</Link>
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
        <Screen
          path={path}
          signedIn={session !== null}
          worker={!!session?.roles.includes('WORKER')}
        />
      </main>
    </>
  );
}

function Screen({ path, signedIn, worker }: { path: string; signedIn: boolean; worker: boolean }) {
  if (!signedIn) return <SignIn mode={path === '/signup' ? 'signUp' : 'signIn'} />;
  // Requesters (and admins) without a worker role start in the console.
  if (path === '/' && !worker) return <RequesterConsole path="/console" />;
  const work = /^\/work\/([0-9a-f-]{36})$/.exec(path);
  if (work) return <TaskScreen projectId={work[1]!} />;
  if (path === '/my-work') return <MyWork />;
  if (path === '/console' || path.startsWith('/console/')) return <RequesterConsole path={path} />;
  if (path.startsWith('/admin')) return <AdminPage path={path} />;
  return <Catalogue />;
}
