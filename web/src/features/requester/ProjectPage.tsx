import { useCallback } from 'react';
import { useQuery } from 'urql';
import { Link } from '../../app/router';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { ConsoleProject } from './documents';
import { Dashboard } from './Dashboard';
import { ImportPanel } from './ImportPanel';
import { Lifecycle } from './Lifecycle';
import { ModelsPanel } from './ModelsPanel';
import { ResultsPanel } from './ResultsPanel';
import { ReviewPanel } from './ReviewPanel';
import { ReviewersPanel } from './ReviewersPanel';
import { RulesPanel } from './RulesPanel';

const SECTIONS = ['overview', 'import', 'results', 'review', 'models'] as const;

/**
 * One project: overview (lifecycle, money, dashboard, rules, reviewers), import, results, review
 * and models.
 */
export function ProjectPage({ projectId, section }: { projectId: string; section: string }) {
  const { t } = useI18n();
  const [{ data, error }, refetch] = useQuery({
    query: ConsoleProject,
    variables: { id: projectId },
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  const project = data?.project;
  return (
    <section>
      <ErrorText message={errorMessage(t, error)} />
      {project && (
        <>
          <h1>{project.name}</h1>
          <p>
            {t('console.project.status')}: <strong>{t(`console.status.${project.status}`)}</strong>
          </p>
          <nav aria-label={t('console.project.sections')} className="tabs">
            {SECTIONS.map(name => (
              <Link key={name} to={`/console/projects/${projectId}/${name}`}>
                {section === name ? (
                  <strong aria-current="page">{t(`console.section.${name}` as MessageKey)}</strong>
                ) : (
                  t(`console.section.${name}` as MessageKey)
                )}
              </Link>
            ))}
          </nav>
          {section === 'overview' && data.projectMoneyPreview && (
            <>
              <Lifecycle project={project} preview={data.projectMoneyPreview} onDone={reload} />
              <Dashboard project={project} money={data.projectMoney} onRefresh={reload} />
              <RulesPanel projectId={projectId} />
              <ReviewersPanel projectId={projectId} />
            </>
          )}
          {section === 'import' && <ImportPanel project={project} onDone={reload} />}
          {section === 'results' && (
            <ResultsPanel projectId={projectId} schema={project.labelSchema} />
          )}
          {section === 'review' && <ReviewPanel projectId={projectId} embedded />}
          {section === 'models' && <ModelsPanel project={project} />}
        </>
      )}
    </section>
  );
}
