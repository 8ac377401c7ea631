import { useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import type { ConsoleProjectData, ProjectMoneyData } from './console-types';
import { ProjectDashboard } from './documents';

/** Progress, spend against budget, the confidence histogram and workers blocked now. */
export function Dashboard({
  project,
  money,
}: {
  project: ConsoleProjectData;
  money: ProjectMoneyData;
}) {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: ProjectDashboard, variables: { id: project.id } });
  const total = project.tasks.totalCount;
  const done = project.done.totalCount;
  const counts = data?.projectQualityAudit.confidenceCounts ?? [];
  const edges = data?.projectQualityAudit.confidenceEdges ?? [];
  const peak = Math.max(1, ...counts);
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
    </section>
  );
}
