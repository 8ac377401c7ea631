import { useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { TextField } from '../../ui/TextField';
import { ExportResults, ProjectResults, RunAggregation } from './documents';
import { downloadText } from './download';
import {
  EXPORT_EXTENSION,
  EXPORT_FORMATS,
  type ExportFormat,
  isChoiceKind,
  type KindName,
} from './kind-form';
import { ReviewTaskView } from './ReviewTaskView';

type GoldFilter = 'any' | 'gold' | 'ordinary';

/** The confidence filter's input: a share from 0 to 1. */
const SHARE = { type: 'number', min: '0', max: '1', step: '0.05' } as const;

/**
 * The results browser: filter by confidence, gold and consensus, open a task (payload, answers,
 * posterior, pre-label, decision), run aggregation, and export CSV or JSONL with confidences and
 * the reviewed flag.
 */
export function ResultsPanel({
  projectId,
  schema,
}: {
  projectId: string;
  /** The project's label schema: its kind picks the export formats and the label column. */
  schema: {
    kind: string;
    labels: ReadonlyArray<{ key: string; displayName: string }>;
    settings?: Record<string, unknown> | null;
  };
}) {
  const { t } = useI18n();
  const client = useClient();
  const [below, setBelow] = useState('');
  const [gold, setGold] = useState<GoldFilter>('any');
  const [after, setAfter] = useState<string | null>(null);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const [exportError, setExportError] = useState('');
  /** A new confidence filter starts from the first page. */
  const filterBelow = (value: string) => {
    setBelow(value);
    setAfter(null);
  };
  const filter = {
    ...(below !== '' ? { confidenceBelow: Number(below) } : {}),
    ...(gold !== 'any' ? { isGold: gold === 'gold' } : {}),
  };
  const [{ data, error }, refetch] = useQuery({
    query: ProjectResults,
    variables: { id: projectId, filter, after },
  });
  const [aggregation, runAggregation] = useMutation(RunAggregation);
  const results = data?.project.results;

  const formats = EXPORT_FORMATS[schema.kind as KindName] ?? EXPORT_FORMATS.SINGLE_CHOICE;
  const exportAs = async (format: ExportFormat) => {
    const result = await client
      .query(ExportResults, { projectId, format }, { requestPolicy: 'network-only' })
      .toPromise();
    setExportError(errorMessage(t, result.error));
    const file = result.data?.exportResults;
    if (file)
      downloadText(
        `results-${projectId}.${EXPORT_EXTENSION[format]}`,
        file.content,
        file.contentType,
      );
  };

  return (
    <section className="card" aria-labelledby="results-title">
      <h2 id="results-title">{t('console.results.title')}</h2>
      <div className="actions">
        <button
          type="button"
          disabled={aggregation.fetching}
          onClick={async () => {
            await runAggregation({ projectId });
            refetch({ requestPolicy: 'network-only' });
          }}
        >
          {t('console.results.aggregate')}
        </button>
        {formats.map(format => (
          <button key={format} type="button" onClick={() => exportAs(format)}>
            {t(
              format === 'CSV'
                ? 'console.results.exportCsv'
                : format === 'JSONL'
                  ? 'console.results.exportJsonl'
                  : `console.kinds.export.${format}`,
            )}
          </button>
        ))}
      </div>
      <ErrorText message={errorMessage(t, aggregation.error) || exportError} />
      <fieldset className="filters">
        <legend>{t('console.results.filters')}</legend>
        <TextField
          label={t('console.results.confidenceBelow')}
          {...SHARE}
          value={below}
          onValue={filterBelow}
        />
        <label>
          {t('console.results.gold')}
          <select
            value={gold}
            onChange={e => {
              setGold(e.target.value as GoldFilter);
              setAfter(null);
            }}
          >
            <option value="any">{t('console.results.gold.any')}</option>
            <option value="gold">{t('console.results.gold.gold')}</option>
            <option value="ordinary">{t('console.results.gold.ordinary')}</option>
          </select>
        </label>
      </fieldset>
      <ErrorText message={errorMessage(t, error)} />
      {results && (
        <>
          <p>{t('console.results.count', { n: results.totalCount })}</p>
          <DataTable
            rows={results.nodes}
            rowKey={result => result.taskId}
            columns={[
              {
                header: t('console.results.task'),
                rowHeader: true,
                cell: result => (
                  <button type="button" className="link" onClick={() => setOpenTask(result.taskId)}>
                    {result.externalId ?? result.taskId}
                  </button>
                ),
              },
              {
                header: t('console.results.label'),
                cell: result =>
                  isChoiceKind(schema.kind) ? (
                    (result.labels?.join(', ') ?? '—')
                  ) : (
                    <button
                      type="button"
                      className="link"
                      onClick={() => setOpenTask(result.taskId)}
                    >
                      {t('console.kinds.result.show', { id: result.externalId ?? result.taskId })}
                    </button>
                  ),
              },
              {
                header: t('console.results.confidence'),
                cell: result => (result.confidence == null ? '—' : result.confidence.toFixed(3)),
              },
              { header: t('console.results.answers'), cell: result => result.answerCount },
              {
                header: t('console.results.flags'),
                cell: result =>
                  [
                    result.isGold ? t('console.results.isGold') : '',
                    result.reviewed ? t('console.results.reviewed') : '',
                  ]
                    .filter(Boolean)
                    .join(', '),
              },
            ]}
          />
          {results.pageInfo.hasNextPage && (
            <button type="button" onClick={() => setAfter(results.pageInfo.endCursor ?? null)}>
              {t('console.results.next')}
            </button>
          )}
        </>
      )}
      {/* One view of the opened task: its consensus, gold, every answer and the review form. */}
      {openTask && <ReviewTaskView taskId={openTask} onClose={() => setOpenTask(null)} withGold />}
    </section>
  );
}
