import type { ReactNode } from 'react';
import { useSession } from '../../app/session';
import { useI18n } from '../../i18n/i18n';

/**
 * Renders its children for requesters only; anyone else (a granted reviewer, a worker) reads
 * why instead, and the page sends no query (the API would refuse it anyway).
 */
export function RequesterOnly({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { session } = useSession();
  if (session?.roles.includes('REQUESTER')) return <>{children}</>;
  return (
    <section>
      <h1>{t('console.requesterOnly.title')}</h1>
      <p>{t('console.requesterOnly.body')}</p>
    </section>
  );
}
