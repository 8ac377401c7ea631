import { type FormEvent, useState } from 'react';
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
  const [kind, setKind] = useState<'SINGLE_CHOICE' | 'MULTI_LABEL'>('SINGLE_CHOICE');
  const [labels, setLabels] = useState<LabelRow[]>([
    { key: 'pos', displayName: 'Positive' },
    { key: 'neg', displayName: 'Negative' },
  ]);
  const [instructions, setInstructions] = useState('');
  const reward = useState('0.05');
  const [currency, setCurrency] = useState('usd');
  const [overlapMode, setOverlapMode] = useState<'fixed' | 'dynamic'>('fixed');
  const fixedOverlap = useState('3');
  const minOverlap = useState('2');
  const maxOverlap = useState('5');
  const target = useState('0.9');
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
        labelSchema: { kind, labels },
        rewardAmount: Math.round(Number(reward[0]) * 100),
        currency,
        overlap,
        goldRate: Number(goldPercent[0]) / 100,
        qualificationTaskCount: Number(qualification[0]),
        aggregationMethod: chosenMethod || null,
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
            <select value={kind} onChange={e => setKind(e.target.value as typeof kind)}>
              <option value="SINGLE_CHOICE">{t('console.wizard.kind.SINGLE_CHOICE')}</option>
              <option value="MULTI_LABEL">{t('console.wizard.kind.MULTI_LABEL')}</option>
            </select>
          </label>
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
                disabled={labels.length <= 2}
              >
                {t('console.wizard.removeLabel', { n: index + 1 })}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() => setLabels(rows => [...rows, { key: '', displayName: '' }])}
          >
            {t('console.wizard.addLabel')}
          </button>
        </fieldset>

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
          <WorkerPreview key={kind} kind={kind} labels={labels.filter(row => row.key !== '')} />
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
          <label>
            <input
              type="radio"
              name="overlap"
              checked={overlapMode === 'fixed'}
              onChange={() => setOverlapMode('fixed')}
            />
            {t('console.wizard.overlap.fixed')}
          </label>
          <p className="hint">{t('console.wizard.overlap.fixedHelp')}</p>
          <label>
            <input
              type="radio"
              name="overlap"
              checked={overlapMode === 'dynamic'}
              onChange={() => setOverlapMode('dynamic')}
            />
            {t('console.wizard.overlap.dynamic')}
          </label>
          <p className="hint">{t('console.wizard.overlap.dynamicHelp')}</p>
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
          {numberField('console.wizard.qualification', qualification, { min: 0, max: 1000 })}
          <p className="hint">{t('console.wizard.qualificationHelp')}</p>
        </fieldset>

        <fieldset>
          <legend>{t('console.wizard.aggregation')}</legend>
          {choices.map(choice => (
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

        <ErrorText message={errorMessage(t, error)} />
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
