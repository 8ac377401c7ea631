import { type ChangeEvent, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import type { ConsoleProjectData } from './console-types';
import { ImportTasks } from './documents';
import { ImportExample } from './ImportExample';
import {
  batchesOf,
  type ImportItem,
  lineErrorsToCsv,
  type ParsedImport,
  parseImportFile,
} from './parse-import';

/** Tasks per `importTasks` call: far below the API's 10,000 and its request size limit. */
export const IMPORT_BATCH_SIZE = 500;

/**
 * Task and gold import from a CSV or JSONL file: every bad line listed (and downloadable), the
 * good ones sent in batches with a progress bar. Imports are idempotent on external id, so after
 * a dropped connection "Resume" continues from the batch that failed, and re-sending a batch
 * that did arrive creates nothing twice.
 */
export function ImportPanel({
  project,
  onDone,
}: {
  project: ConsoleProjectData;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [fileName, setFileName] = useState('');
  const [parsed, setParsed] = useState<ParsedImport | null>(null);
  const [sent, setSent] = useState(0);
  const [created, setCreated] = useState(0);
  const [skipped, setSkipped] = useState(0);
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState(false);
  const [{ error }, importTasks] = useMutation(ImportTasks);
  const schema = useMemo(
    () => ({
      kind: project.labelSchema.kind,
      keys: project.labelSchema.labels.map(label => label.key),
      settings: project.labelSchema.settings,
    }),
    [project],
  );
  const batches = useMemo(
    () => batchesOf<ImportItem>(parsed?.items ?? [], IMPORT_BATCH_SIZE),
    [parsed],
  );
  const errorsUrl = useMemo(
    () =>
      parsed && parsed.errors.length > 0
        ? URL.createObjectURL(new Blob([lineErrorsToCsv(parsed.errors)], { type: 'text/csv' }))
        : null,
    [parsed],
  );

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setParsed(parseImportFile(file.name, await file.text(), schema));
    setSent(0);
    setCreated(0);
    setSkipped(0);
    setFinished(false);
  };

  const upload = async () => {
    setRunning(true);
    let next = sent;
    while (next < batches.length) {
      const result = await importTasks({
        input: { projectId: project.id, tasks: batches[next]! },
      });
      if (!result.data) break;
      setCreated(n => n + result.data!.importTasks.created);
      setSkipped(n => n + result.data!.importTasks.skipped);
      next += 1;
      setSent(next);
    }
    setRunning(false);
    if (next === batches.length) {
      setFinished(true);
      onDone();
    }
  };

  const items = parsed?.items.length ?? 0;
  const done = Math.min(sent * IMPORT_BATCH_SIZE, items);
  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{t('console.import.title')}</h2>
      <p className="hint">{t('console.import.help')}</p>
      <ImportExample kind={schema.kind} settings={schema.settings} />
      <label>
        {t('console.import.file')}
        <input type="file" accept=".csv,.jsonl,.ndjson,text/csv" onChange={choose} />
      </label>
      {parsed && (
        <>
          <p>
            {t('console.import.parsed', { file: fileName, good: items, bad: parsed.errors.length })}
          </p>
          {parsed.errors.length > 0 && (
            <>
              <DataTable
                label={t('console.import.errors')}
                rows={parsed.errors.slice(0, 200)}
                rowKey={(_, index) => String(index)}
                columns={[
                  { header: t('console.import.line'), cell: lineError => lineError.line },
                  { header: t('console.import.field'), cell: lineError => lineError.field },
                  { header: t('console.import.reason'), cell: lineError => lineError.reason },
                ]}
              />
              {errorsUrl && (
                <a href={errorsUrl} download={`${fileName}.errors.csv`}>
                  {t('console.import.downloadErrors')}
                </a>
              )}
            </>
          )}
          <label>
            {t('console.import.progress', { done, total: items })}
            <progress max={Math.max(items, 1)} value={done} />
          </label>
          {!finished && items > 0 && (
            <button type="button" className="primary" disabled={running} onClick={upload}>
              {sent > 0 ? t('console.import.resume') : t('console.import.upload', { n: items })}
            </button>
          )}
          {(sent > 0 || finished) && (
            <p role="status">{t('console.import.summary', { created, skipped })}</p>
          )}
          {finished && <p className="notice success">{t('console.import.finished')}</p>}
          {!running && !finished && <ErrorText message={errorMessage(t, error)} />}
        </>
      )}
    </section>
  );
}
