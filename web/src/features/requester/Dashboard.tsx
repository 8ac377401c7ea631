import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage, type Translate, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import type { ConsoleProjectData, ProjectMoneyData } from './console-types';
import { AuditReport, ProjectDashboard } from './documents';

/** How often the dashboard reloads its figures while it is shown. */
const REFRESH_MS = 30_000;

/**
 * Progress, answers per hour and the estimated time to finish, spend against budget, the
 * confidence histogram, workers blocked or flagged, and the audit report on request. Live: the
 * figures reload every 30 s (`onRefresh` reloads the project and its money, which the page owns).
 */
export function Dashboard({
  project,
  money,
  onRefresh,
}: {
  project: ConsoleProjectData;
  money: ProjectMoneyData;
  onRefresh: () => void;
}) {
  const { t, locale } = useI18n();
  const [{ data, error }, refetch] = useQuery({
    query: ProjectDashboard,
    variables: { id: project.id },
  });
  useEffect(() => {
    const timer = window.setInterval(() => {
      refetch({ requestPolicy: 'network-only' });
      onRefresh();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refetch, onRefresh]);
  const total = project.tasks.totalCount;
  const done = project.done.totalCount;
  const counts = data?.projectQualityAudit.confidenceCounts ?? [];
  const edges = data?.projectQualityAudit.confidenceEdges ?? [];
  const peak = Math.max(1, ...counts);
  const progress = data?.projectProgress;
  const flagged = new Set(
    (data?.qualityAuditLog ?? [])
      .filter(entry => entry.action === 'FLAG' && entry.workerId)
      .map(entry => entry.workerId),
  ).size;
  return (
    <section className="card" aria-labelledby="dashboard-title">
      <h2 id="dashboard-title">{t('console.dashboard.title')}</h2>
      <ErrorText message={errorMessage(t, error)} />
      <label>
        {t('console.dashboard.progress', { done, total })}
        <progress max={Math.max(total, 1)} value={done} />
      </label>
      <dl className="figures">
        <div>
          <dt>{t('console.dashboard.rate')}</dt>
          <dd>{progress ? progress.answersPerHour.toFixed(1) : '…'}</dd>
        </div>
        <div>
          <dt>{t('console.dashboard.eta')}</dt>
          <dd>
            {progress ? eta(t, progress.etaSeconds) : '…'}
            {progress && (
              <span className="hint">
                {' '}
                {t('console.dashboard.answersLeft', {
                  min: progress.answersNeeded,
                  max: progress.answersNeededAtMost,
                })}
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('console.dashboard.gold')}</dt>
          <dd>{project.gold.totalCount}</dd>
        </div>
        <div>
          <dt>{t('console.dashboard.spent')}</dt>
          <dd>
            {t('console.dashboard.ofBudget', {
              spent: formatMoney(money.spent, project.currency, locale),
              budget: formatMoney(money.reserved, project.currency, locale),
            })}
          </dd>
        </div>
        <div>
          <dt>{t('console.dashboard.pending')}</dt>
          <dd>{data?.projectAssignments.totalCount ?? '…'}</dd>
        </div>
        <div>
          <dt>{t('console.dashboard.blocked')}</dt>
          <dd>{data?.workerBlocks.length ?? '…'}</dd>
        </div>
        <div>
          <dt>{t('console.dashboard.flagged')}</dt>
          <dd>{data ? flagged : '…'}</dd>
        </div>
      </dl>
      <h3>{t('console.dashboard.histogram')}</h3>
      <table className="histogram">
        <thead>
          <tr>
            <th scope="col">{t('console.dashboard.bin')}</th>
            <th scope="col">{t('console.dashboard.tasks')}</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((count, bin) => (
            <tr key={bin}>
              <th scope="row">
                {edges[bin]?.toFixed(2)}–{edges[bin + 1]?.toFixed(2)}
              </th>
              <td>
                <meter min={0} max={peak} value={count} aria-hidden="true" /> {count}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AuditReportFrame projectId={project.id} />
    </section>
  );
}

/** "3 h 20 min" from seconds; done when nothing is left; unknown without a recent rate. */
function eta(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('console.dashboard.etaUnknown');
  if (seconds === 0) return t('console.dashboard.etaDone');
  const minutes = Math.max(1, Math.round(seconds / 60));
  return t('console.dashboard.etaValue', {
    hours: Math.floor(minutes / 60),
    minutes: minutes % 60,
  });
}

/**
 * The project's audit report (the same self-contained HTML the API renders), loaded on request
 * into a sandboxed iframe: no script runs in it, and the page's CSP admits its one stylesheet.
 */
function AuditReportFrame({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [shown, setShown] = useState(false);
  const [{ data, error, fetching }] = useQuery({
    query: AuditReport,
    variables: { id: projectId },
    pause: !shown,
    requestPolicy: 'network-only',
  });
  return (
    <>
      <h3>{t('console.dashboard.audit')}</h3>
      {!shown && (
        <button type="button" onClick={() => setShown(true)}>
          {t('console.dashboard.showAudit')}
        </button>
      )}
      {fetching && <p>{t('console.dashboard.loadingAudit')}</p>}
      <ErrorText message={errorMessage(t, error)} />
      {data && (
        <iframe
          className="audit-report"
          title={t('console.dashboard.audit')}
          sandbox=""
          srcDoc={data.auditReport}
        />
      )}
    </>
  );
}
