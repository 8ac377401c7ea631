import { type FormEvent, Fragment, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { navigate } from '../../app/router';
import {
  errorMessage,
  isMessageKey,
  type MessageKey,
  type Translate,
  useI18n,
} from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { Markdown } from '../../ui/Markdown';
import { TextField } from '../../ui/TextField';
import { AggregationMethods, CreateProjectMutation } from './documents';
import {
  DEFAULT_FORM,
  defaultLabels,
  isChoiceKind,
  KIND_NAMES,
  type KindForm,
  type KindName,
  LABELS_MEAN,
  MIN_LABELS,
  parsedSettings,
  settingsInput,
} from './kind-form';
import { KindSettingsForm, refusedSetting, settingError } from './KindSettingsForm';
import { WorkerPreview } from './WorkerPreview';

interface LabelRow {
  key: string;
  displayName: string;
}

/**
 * The project wizard: label schema with a live preview of the worker's screen, Markdown
 * instructions with a safe preview, reward, overlap (fixed or dynamic, each explained), gold
 * rate and qualification. Creates a DRAFT; tasks, rules and launch come on the project page.
 */
export function ProjectWizard() {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<KindName>('SINGLE_CHOICE');
  const [labels, setLabels] = useState<LabelRow[]>(() => defaultLabels('SINGLE_CHOICE'));
  const [kindForm, setKindForm] = useState<KindForm>(DEFAULT_FORM);
  const goldThreshold = useState('');
  const [instructions, setInstructions] = useState('');
  const reward = useState('0.05');
  const [currency, setCurrency] = useState('usd');
  const [overlapMode, setOverlapMode] = useState<'fixed' | 'dynamic'>('fixed');
  const fixedOverlap = useState('3');
  // Dynamic overlap starts from the configuration the replay benchmark recommends for every
  // dataset (README, "Dynamic overlap": 2..10 @ 0.85 with the re-check after each refit).
  const minOverlap = useState('2');
  const maxOverlap = useState('10');
  const target = useState('0.85');
  const goldPercent = useState('5');
  const qualification = useState('0');
  const [method, setMethod] = useState('');
  const [methods] = useQuery({ query: AggregationMethods });
  const [{ fetching, error }, create] = useMutation(CreateProjectMutation);
  /** A number input of the form: its label, its state (from useState) and its bounds. */
  const numberField = (
    label: MessageKey,
    [value, onValue]: [string, (value: string) => void],
    bounds: { min: number; max?: number; step?: number; required?: boolean },
  ) => <TextField label={t(label)} type="number" {...bounds} value={value} onValue={onValue} />;
  const choices = methods.data?.aggregationMethods ?? [];
  const refused = refusedSetting(error);
  const labelsMean = LABELS_MEAN[kind];
  const keys = labels.map(row => row.key).filter(key => key !== '');
  const settings = parsedSettings(kind, keys, kindForm);
  /** A new kind starts from its usual labels (entity types, classes…) and the server's defaults. */
  const chooseKind = (next: KindName) => {
    setKind(next);
    setLabels(defaultLabels(next));
    setKindForm(DEFAULT_FORM);
  };
  const chosenMethod = method || choices.find(choice => choice.isDefault)?.name || '';

  const setLabel = (index: number, change: Partial<LabelRow>) =>
    setLabels(rows => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const overlap =
      overlapMode === 'fixed'
        ? { minOverlap: Number(fixedOverlap[0]) }
        : {
            minOverlap: Number(minOverlap[0]),
            maxOverlap: Number(maxOverlap[0]),
            confidenceTarget: Number(target[0]),
          };
    const result = await create({
      input: {
        name,
        instructions,
        labelSchema: { kind, labels, settings: settingsInput(kind, kindForm) },
        goldThreshold: goldThreshold[0] === '' ? null : Number(goldThreshold[0]),
        rewardAmount: Math.round(Number(reward[0]) * 100),
        currency,
        overlap,
        goldRate: Number(goldPercent[0]) / 100,
        qualificationTaskCount: Number(qualification[0]),
        // The registry's methods are the choice kinds'; the others have their own (kind-aggregate.ts).
        aggregationMethod: isChoiceKind(kind) ? chosenMethod || null : null,
        idempotencyKey: crypto.randomUUID(),
      },
    });
    const id = result.data?.createProject.id;
    if (id) navigate(`/console/projects/${id}/import`);
  };

  return (
    <section>
      <h1>{t('console.wizard.title')}</h1>
      <form onSubmit={submit} className="wizard">
        <fieldset>
          <legend>{t('console.wizard.basics')}</legend>
          <label>
            {t('console.project.name')}
            <input value={name} onChange={e => setName(e.target.value)} required maxLength={200} />
          </label>
        </fieldset>

        <fieldset>
          <legend>{t('console.wizard.schema')}</legend>
          <label>
            {t('console.wizard.kind')}
            <select value={kind} onChange={e => chooseKind(e.target.value as KindName)}>
              {KIND_NAMES.map(name => (
                <option key={name} value={name}>
                  {t(`console.wizard.kind.${name}`)}
                </option>
              ))}
            </select>
          </label>
          {labelsMean && labelsMean !== 'labels' && (
            <p className="hint">{t(`console.kinds.labelsMean.${labelsMean}`)}</p>
          )}
          {/* PAIRWISE has no labels: its list is empty. */}
          {labels.map((row, index) => (
            <div key={index} className="label-row">
              <label>
                {t('console.wizard.labelKey', { n: index + 1 })}
                <input
                  value={row.key}
                  onChange={e => setLabel(index, { key: e.target.value })}
                  required
                  pattern="[A-Za-z0-9_\-]+"
                />
              </label>
              <label>
                {t('console.wizard.labelName', { n: index + 1 })}
                <input
                  value={row.displayName}
                  onChange={e => setLabel(index, { displayName: e.target.value })}
                  required
                />
              </label>
              <button
                type="button"
                onClick={() => setLabels(rows => rows.filter((_, i) => i !== index))}
                disabled={labels.length <= MIN_LABELS[kind]}
              >
                {t('console.wizard.removeLabel', { n: index + 1 })}
              </button>
            </div>
          ))}
          {labelsMean !== null && (
            <button
              type="button"
              onClick={() => setLabels(rows => [...rows, { key: '', displayName: '' }])}
            >
              {t('console.wizard.addLabel')}
            </button>
          )}
          {refused !== null && ['labels', 'entityTypes', 'classes'].includes(refused) && (
            <ErrorText message={t(settingError(refused))} />
          )}
        </fieldset>

        <KindSettingsForm
          kind={kind}
          form={kindForm}
          onForm={change => setKindForm(current => ({ ...current, ...change }))}
          refused={refused}
        />

        <fieldset>
          <legend>{t('console.wizard.instructions')}</legend>
          <label>
            {t('console.wizard.instructionsMarkdown')}
            <textarea
              rows={6}
              value={instructions}
              onChange={e => setInstructions(e.target.value)}
            />
          </label>
        </fieldset>

        <section className="card" aria-labelledby="worker-preview">
          <h2 id="worker-preview">{t('console.wizard.preview')}</h2>
          <h3>{t('task.instructions')}</h3>
          <Markdown source={instructions} />
          <WorkerPreview
            key={`${kind} ${JSON.stringify(settingsInput(kind, kindForm))}`}
            kind={kind}
            labels={labels.filter(row => row.key !== '')}
            settings={settings}
          />
        </section>

        <fieldset>
          <legend>{t('console.wizard.pay')}</legend>
          {numberField('console.wizard.reward', reward, { min: 0, step: 0.01, required: true })}
          <label>
            {t('console.wizard.currency')}
            <input
              value={currency}
              onChange={e => setCurrency(e.target.value)}
              required
              pattern="[A-Za-z]{3}"
            />
          </label>
        </fieldset>

        <fieldset>
          <legend>{t('console.wizard.overlap')}</legend>
          {(['fixed', 'dynamic'] as const).map(mode => (
            <Fragment key={mode}>
              <label>
                <input
                  type="radio"
                  name="overlap"
                  checked={overlapMode === mode}
                  onChange={() => setOverlapMode(mode)}
                />
                {t(`console.wizard.overlap.${mode}`)}
              </label>
              <p className="hint">{t(`console.wizard.overlap.${mode}Help`)}</p>
            </Fragment>
          ))}
          {overlapMode === 'fixed' ? (
            numberField('console.wizard.overlap.answers', fixedOverlap, { min: 1, max: 100 })
          ) : (
            <>
              {numberField('console.wizard.overlap.min', minOverlap, { min: 1, max: 100 })}
              {numberField('console.wizard.overlap.max', maxOverlap, { min: 1, max: 100 })}
              {numberField('console.wizard.overlap.target', target, {
                min: 0.51,
                max: 0.99,
                step: 0.01,
              })}
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>{t('console.wizard.quality')}</legend>
          {numberField('console.wizard.goldRate', goldPercent, { min: 0, max: 50, step: 1 })}
          <p className="hint">{t('console.wizard.goldHelp')}</p>
          {numberField('console.kinds.goldThreshold', goldThreshold, {
            min: 0,
            max: 1,
            step: 0.05,
          })}
          <p className="hint">{t(`console.kinds.goldThreshold.${kind}`)}</p>
          {numberField('console.wizard.qualification', qualification, { min: 0, max: 1000 })}
          <p className="hint">{t('console.wizard.qualificationHelp')}</p>
        </fieldset>

        <fieldset>
          <legend>{t('console.wizard.aggregation')}</legend>
          {!isChoiceKind(kind) && (
            <p className="hint">
              {t(
                `console.kinds.method.${kind as Exclude<KindName, 'SINGLE_CHOICE' | 'MULTI_LABEL'>}`,
              )}
            </p>
          )}
          {(isChoiceKind(kind) ? choices : []).map(choice => (
            <div key={choice.name}>
              <label>
                <input
                  type="radio"
                  name="aggregation"
                  value={choice.name}
                  checked={chosenMethod === choice.name}
                  onChange={() => setMethod(choice.name)}
                  aria-describedby={`method-${choice.name}`}
                />
                {choice.name}
                {choice.isDefault ? ` (${t('console.wizard.aggregation.default')})` : ''}
              </label>
              <p className="hint" id={`method-${choice.name}`}>
                {methodHelp(t, choice.name)}
              </p>
            </div>
          ))}
        </fieldset>

        <ErrorText
          message={refused === null ? errorMessage(t, error) : t('console.kinds.error.seeAbove')}
        />
        <button type="submit" className="primary" disabled={fetching}>
          {t('console.wizard.create')}
        </button>
      </form>
    </section>
  );
}

/** The one-line explanation of an aggregation method (the registry's names; unknown: none). */
function methodHelp(t: Translate, name: string): string {
  const key = `console.method.${name}`;
  return isMessageKey(key) ? t(key) : '';
}
