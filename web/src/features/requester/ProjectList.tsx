import { useQuery } from 'urql';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney } from '../../ui/format';
import { RequesterProjects, ReviewableProjects } from './documents';

/** The requester's projects, and the projects others granted them to review. */
export function ProjectList() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  // Only requesters and admins own projects; anyone may have been granted review.
  const owns = !!session?.roles.some(role => role === 'REQUESTER' || role === 'ADMIN');
  const [{ data, error }] = useQuery({ query: RequesterProjects, pause: !owns });
  const [review] = useQuery({ query: ReviewableProjects });
  const reviewable = review.data?.reviewableProjects.filter(project => !project.owner) ?? [];
  return (
    <section>
      <h1>{t('console.projects.title')}</h1>
      <ErrorText message={errorMessage(t, error ?? review.error)} />
      {owns && (
        <p>
          <Link to="/console/new">{t('console.projects.new')}</Link>
        </p>
      )}
      {data && data.projects.nodes.length === 0 && <p>{t('console.projects.empty')}</p>}
      {data && data.projects.nodes.length > 0 && (
        <DataTable
          rows={data.projects.nodes}
          rowKey={project => project.id}
          columns={[
            {
              header: t('console.project.name'),
              cell: project => <Link to={`/console/projects/${project.id}`}>{project.name}</Link>,
              rowHeader: true,
            },
            {
              header: t('console.project.status'),
              cell: project => t(`console.status.${project.status}`),
            },
            {
              header: t('console.project.reward'),
              cell: project => formatMoney(project.rewardAmount, project.currency, locale),
            },
          ]}
        />
      )}
      {reviewable.length > 0 && (
        <>
          <h2>{t('console.projects.toReview')}</h2>
          <ul>
            {reviewable.map(project => (
              <li key={project.projectId}>
                <Link to={`/console/review/${project.projectId}`}>{project.name}</Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
