import { useQuery } from 'urql';
import { navigate } from '../../app/router';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import { BlockNotice } from './BlockNotice';

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

/** Projects open to the worker: pay, measured time, hourly rate, work left, qualification. */
export function Catalogue() {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: WorkerCatalogue });
  const projects = data?.workerCatalogue ?? [];
  return (
    <section>
      <h1>{t('catalogue.title')}</h1>
      <BlockNotice />
      <ErrorText message={errorMessage(t, error)} />
      {data && projects.length === 0 && <p>{t('catalogue.empty')}</p>}
      {projects.length > 0 && (
        <table className="catalogue">
          <thead>
            <tr>
              <th scope="col">{t('catalogue.project')}</th>
              <th scope="col">{t('catalogue.reward')}</th>
              <th scope="col">{t('catalogue.time')}</th>
              <th scope="col">{t('catalogue.hourly')}</th>
              <th scope="col">{t('catalogue.tasksLeft')}</th>
              <th scope="col">{t('catalogue.qualification')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('catalogue.startShort')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {projects.map(project => (
              <tr key={project.projectId}>
                <th scope="row">
                  {project.name}
                  <br />
                  <small>
                    {t('catalogue.requester')}: {project.requesterDisplayName}
                  </small>
                </th>
                <td>{formatMoney(project.rewardAmount, project.currency, locale)}</td>
                <td>
                  {project.estimatedSecondsPerTask == null
                    ? t('catalogue.notMeasured')
                    : t('catalogue.seconds', { n: Math.round(project.estimatedSecondsPerTask) })}
                </td>
                <td>
                  {project.hourlyRate == null
                    ? t('catalogue.notMeasured')
                    : formatMoney(project.hourlyRate, project.currency, locale)}
                </td>
                <td>{project.tasksLeft}</td>
                <td>{t(`qualification.${project.qualificationStatus}`)}</td>
                <td>
                  <button
                    type="button"
                    className="primary"
                    aria-label={t('catalogue.start', { name: project.name })}
                    onClick={() => navigate(`/work/${project.projectId}`)}
                  >
                    {t('catalogue.startShort')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
