import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { navigate } from '../../app/router';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable, HiddenHeader } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import { BlockNotice } from './BlockNotice';
import { NewWork } from './live-documents';

const WorkerCatalogue = graphql(`
  query WorkerCatalogue {
    workerCatalogue {
      projectId
      name
      requesterDisplayName
      rewardAmount
      currency
      estimatedSecondsPerTask
      hourlyRate
      tasksLeft
      qualificationRequired
      qualificationStatus
    }
  }
`);

/**
 * Projects open to the worker: pay, measured time, hourly rate, work left, qualification. It
 * reloads when the server says a project open to the worker got new work (a subscription).
 */
export function Catalogue() {
  const { t, locale } = useI18n();
  const [{ data, error }, refetch] = useQuery({ query: WorkerCatalogue });
  const [live] = useSubscription({ query: NewWork });
  useEffect(() => {
    if (live.data) refetch({ requestPolicy: 'network-only' });
  }, [live.data, refetch]);
  const projects = data?.workerCatalogue ?? [];
  return (
    <section>
      <h1>{t('catalogue.title')}</h1>
      <BlockNotice />
      <ErrorText message={errorMessage(t, error)} />
      {data && projects.length === 0 && <p>{t('catalogue.empty')}</p>}
      {projects.length > 0 && (
        <DataTable
          className="catalogue"
          rows={projects}
          rowKey={project => project.projectId}
          columns={[
            {
              header: t('catalogue.project'),
              rowHeader: true,
              cell: project => (
                <>
                  {project.name}
                  <br />
                  <small>
                    {t('catalogue.requester')}: {project.requesterDisplayName}
                  </small>
                </>
              ),
            },
            {
              header: t('catalogue.reward'),
              cell: project => formatMoney(project.rewardAmount, project.currency, locale),
            },
            {
              header: t('catalogue.time'),
              cell: project =>
                project.estimatedSecondsPerTask == null
                  ? t('catalogue.notMeasured')
                  : t('catalogue.seconds', { n: Math.round(project.estimatedSecondsPerTask) }),
            },
            {
              header: t('catalogue.hourly'),
              cell: project =>
                project.hourlyRate == null
                  ? t('catalogue.notMeasured')
                  : formatMoney(project.hourlyRate, project.currency, locale),
            },
            { header: t('catalogue.tasksLeft'), cell: project => project.tasksLeft },
            {
              header: t('catalogue.qualification'),
              cell: project => t(`qualification.${project.qualificationStatus}`),
            },
            {
              header: <HiddenHeader>{t('catalogue.startShort')}</HiddenHeader>,
              cell: project => (
                <button
                  type="button"
                  className="primary"
                  aria-label={t('catalogue.start', { name: project.name })}
                  onClick={() => navigate(`/work/${project.projectId}`)}
                >
                  {t('catalogue.startShort')}
                </button>
              ),
            },
          ]}
        />
      )}
    </section>
  );
}
