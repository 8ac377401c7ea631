import { type ChangeEvent, type FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { StateField } from '../../ui/StateField';
import { TextField } from '../../ui/TextField';
import type { ConsoleModelsQuery } from '../../gql/graphql';
import type { ConsoleProjectData } from './console-types';
import {
  ModelVersions,
  PrelabelRunQuery,
  RegisterModel,
  StartPrelabeling,
  TrainModel,
} from './documents';

type ModelRow = ConsoleModelsQuery['modelVersions'][number];

/** How often a running pre-labeling job is polled. */
const POLL_MS = 1000;

/** The default featurizer: hashed words and character n-grams of the payload's `text`. */
const DEFAULT_FEATURIZER = '{ "kind": "hashed-text", "field": "text", "dimension": 4096 }';

/** A file's bytes as standard base64 (in chunks: a spread of a large array overflows the stack). */
async function fileBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A metric of a trained model's report, as a percentage; '—' when the report lacks it. */
function percent(metrics: unknown, name: string): string {
  const value = (metrics as Record<string, unknown> | null)?.[name];
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '—';
}

/**
 * The project's pre-label models: register an ONNX file, train one from the crowd's consensus
 * (its gold accuracy, macro-F1 and confusion on gold shown), and pre-label every task with one,
 * with the job's progress.
 */
export function ModelsPanel({ project }: { project: ConsoleProjectData }) {
  const { t } = useI18n();
  const [{ data, error }, reload] = useQuery({
    query: ModelVersions,
    variables: { projectId: project.id },
  });
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const models = data?.modelVersions ?? [];
  return (
    <section>
      <h2>{t('console.models.title')}</h2>
      <ErrorText message={errorMessage(t, error)} />
      {data && models.length === 0 && <p>{t('console.models.none')}</p>}
      <DataTable
        rows={models}
        rowKey={model => model.id}
        columns={[
          { header: t('console.models.version'), cell: model => model.version, rowHeader: true },
          {
            header: t('console.models.source'),
            cell: model => t(`console.models.source.${model.source}`),
          },
          { header: t('console.models.labels'), cell: model => model.labelKeys.join(', ') },
          ...(['accuracy', 'macroF1'] as const).map(metric => ({
            header: t(`console.models.${metric}`),
            cell: (model: ModelRow) => percent(model.metrics, metric),
          })),
        ]}
      />
      {models.map(model => (
        <Confusion key={model.id} model={model} />
      ))}
      <Register project={project} onDone={refresh} />
      <Train projectId={project.id} onDone={refresh} />
      {models.length > 0 && <Prelabel projectId={project.id} models={models} />}
    </section>
  );
}

/** A trained model's confusion on gold: rows the known answer, columns the model's. */
function Confusion({ model }: { model: ModelRow }) {
  const { t } = useI18n();
  const matrix = (model.metrics as { goldConfusion?: number[][] | null } | null)?.goldConfusion;
  if (!matrix) return null;
  const caption = t('console.models.confusion', { version: model.version });
  return (
    <table className="confusion">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('console.models.truthPredicted')}</th>
          {model.labelKeys.map(key => (
            <th scope="col" key={key}>
              {key}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.map((row, truth) => (
          <tr key={truth}>
            <th scope="row">{model.labelKeys[truth]}</th>
            {row.map((count, predicted) => (
              <td key={predicted}>{count}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Registers an uploaded ONNX file with its featurizer and the label key of each output. */
function Register({ project, onDone }: { project: ConsoleProjectData; onDone: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [version, setVersion] = useState('');
  const [featurizer, setFeaturizer] = useState(DEFAULT_FEATURIZER);
  const labelKeys = useState(project.labelSchema.labels.map(label => label.key).join(','));
  const [badJson, setBadJson] = useState(false);
  const [{ error, fetching }, register] = useMutation(RegisterModel);
  const pickFile = (event: ChangeEvent<HTMLInputElement>) =>
    setFile(event.target.files?.[0] ?? null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let spec: Record<string, unknown>;
    try {
      spec = JSON.parse(featurizer) as Record<string, unknown>;
      setBadJson(false);
    } catch {
      setBadJson(true);
      return;
    }
    if (!file) return;
    const result = await register({
      input: {
        projectId: project.id,
        version,
        modelBase64: await fileBase64(file),
        featurizer: spec,
        labelKeys: labelKeys[0].split(',').map(key => key.trim()),
      },
    });
    if (!result.error) {
      setVersion('');
      onDone();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="register-title">
      <h3 id="register-title">{t('console.models.register')}</h3>
      <label>
        {t('console.models.file')}
        <input type="file" accept=".onnx" required onChange={pickFile} />
      </label>
      <TextField label={t('console.models.versionName')} value={version} onValue={setVersion} />
      <label>
        {t('console.models.featurizer')}
        <textarea rows={2} value={featurizer} onChange={e => setFeaturizer(e.target.value)} />
      </label>
      <StateField label={t('console.models.labelKeys')} state={labelKeys} required />
      <ErrorText message={badJson ? t('console.models.badJson') : errorMessage(t, error)} />
      <button type="submit" disabled={fetching}>
        {t('console.models.registerButton')}
      </button>
    </form>
  );
}

/** Trains a model from the consensus of completed tasks (scored on gold). */
function Train({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [{ error, fetching }, train] = useMutation(TrainModel);
  const start = async () => {
    const result = await train({ input: { projectId } });
    if (!result.error) onDone();
  };
  return (
    <section className="card" aria-labelledby="train-title">
      <h3 id="train-title">{t('console.models.train')}</h3>
      <p className="hint">{t('console.models.trainHelp')}</p>
      <ErrorText message={errorMessage(t, error)} />
      <button type="button" onClick={start} disabled={fetching}>
        {fetching ? t('console.models.training') : t('console.models.trainButton')}
      </button>
    </section>
  );
}

/** Starts pre-labeling every task with a chosen model and follows the job to its end. */
function Prelabel({ projectId, models }: { projectId: string; models: readonly ModelRow[] }) {
  const { t } = useI18n();
  const [modelVersionId, setModelVersionId] = useState(models[models.length - 1]!.id);
  const [runId, setRunId] = useState<string | null>(null);
  const [started, start] = useMutation(StartPrelabeling);
  const [{ data }, poll] = useQuery({
    query: PrelabelRunQuery,
    variables: { id: runId ?? '' },
    pause: runId === null,
    requestPolicy: 'network-only',
  });
  const run = data?.prelabelRun;
  const finished = run?.status === 'DONE' || run?.status === 'FAILED';
  useEffect(() => {
    if (runId === null || finished) return;
    const timer = window.setInterval(() => poll({ requestPolicy: 'network-only' }), POLL_MS);
    return () => window.clearInterval(timer);
  }, [runId, finished, poll]);

  const begin = async () => {
    const result = await start({ input: { projectId, modelVersionId } });
    if (result.data) setRunId(result.data.startPrelabeling.id);
  };
  return (
    <section className="card" aria-labelledby="prelabel-title">
      <h3 id="prelabel-title">{t('console.models.prelabel')}</h3>
      <label>
        {t('console.models.model')}
        <select value={modelVersionId} onChange={e => setModelVersionId(e.target.value)}>
          {models.map(model => (
            <option key={model.id} value={model.id}>
              {model.version}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={begin} disabled={started.fetching || (!!run && !finished)}>
        {t('console.models.prelabelButton')}
      </button>
      <ErrorText message={errorMessage(t, started.error)} />
      {run && (
        <>
          <label>
            {t('console.models.progress', {
              processed: run.processed,
              total: run.total,
              status: t(`console.models.status.${run.status}`),
            })}
            <progress max={Math.max(run.total, 1)} value={run.processed} />
          </label>
          {finished && (
            <p role="status">
              {run.error ??
                t('console.models.prelabelDone', {
                  predicted: run.predicted,
                  skipped: run.skipped,
                })}
            </p>
          )}
        </>
      )}
    </section>
  );
}
